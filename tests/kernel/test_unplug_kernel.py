"""Hot-unplug where only the kernel can act it out: i2c-stub's rmmod, what a removed gpio-sim chip leaves
behind, and ``linuxhw gpio mon``/``notify`` in their own process when gpio-sim takes their chip away."""

from __future__ import annotations

import errno
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from linuxhw import gpio, i2c
from linuxhw._kernel.real import RealBackend
from linuxhw.sim import GpioSim
from tests.unplugging import no_fd_leaks
from tests.waiting import DEADLINE, child_process, read_line

pytestmark = pytest.mark.kernel

REPO = Path(__file__).resolve().parents[2]
STUB_NAME = "SMBus stub driver"


def test_rmmod_i2c_stub_is_refused_while_a_bus_is_open() -> None:
    # i2c-dev holds the adapter and, through it, the module: the unplug never happens under an open Bus.
    with no_fd_leaks(), i2c.Bus(STUB_NAME, backend=RealBackend()) as bus:
        refused = subprocess.run(["rmmod", "i2c_stub"], capture_output=True, text=True, check=False)
        assert refused.returncode != 0
        assert "in use" in refused.stderr
        assert Path("/sys/module/i2c_stub").exists()
        bus.device(0x1C).write_byte_data(0x20, 0x5A)
        assert bus.device(0x1C).read_byte_data(0x20) == 0x5A


def test_what_a_removed_gpio_chip_leaves_behind() -> None:
    # The facts RealBackend.device_present() and the one-second wait slices stand on, on 6.1 and 6.12 alike.
    with GpioSim() as sim:
        bank = sim.add_bank(4, label=f"lhw-unplug-facts-{os.getpid()}")
        sim.enable()
        with gpio.Chip(str(bank.dev_path), backend=RealBackend()) as chip:
            request = chip.request_lines({0: gpio.LineSettings(direction=gpio.Direction.INPUT, edge=gpio.Edge.BOTH)})
            assert os.fstat(chip.fileno()).st_nlink == 1
            sim.disable()
            assert os.fstat(chip.fileno()).st_nlink == 0  # devtmpfs unlinked the open node
            for fd in (chip.fileno(), request.fileno()):
                poller = select.poll()
                poller.register(fd, 0)
                assert poller.poll(0) == [(fd, select.POLLHUP | select.POLLERR)]  # a new poll() answers at once
                with pytest.raises(OSError, match="No such device") as gone:
                    os.read(fd, 256)
                assert gone.value.errno == errno.ENODEV
            request.close()


def _one_error_line(err: str) -> list[str]:
    return [line for line in err.splitlines() if not line.startswith("linuxhw: ")]


@pytest.mark.parametrize("command", ["mon", "notify"])
def test_gpio_watching_exits_with_one_line_when_gpio_sim_goes_away(command: str) -> None:
    with GpioSim() as sim:
        bank = sim.add_bank(4, label=f"lhw-unplug-{os.getpid()}")
        sim.enable()
        chip_name = bank.chip_name  # gone from configfs with the chip
        args = [sys.executable, "-m", "linuxhw", "--backend", "real", "gpio", command, f"{chip_name}:1"]
        with child_process(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO) as child:
            read_line(child.stderr, "the command's 'linuxhw: ...' line saying it started")
            sim.disable()
            out, err = child.communicate(timeout=DEADLINE)
    assert (child.returncode, out) == (1, "")
    assert _one_error_line(err) == [
        f"linuxhw gpio {command}: error: /dev/{chip_name}: read events failed: No such device; the device was removed "
        "(unplugged, or its driver unbound): close() this handle and open the device again once it is back [ENODEV]"
    ]
