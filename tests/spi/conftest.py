"""SPI fixtures: a loopback on chip select 0 and a serial flash on chip select 1, on the mock or on
the project's kernel SPI controller simulator (linuxhw/vm/kmod/spi-sim)."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

import linuxhw
from linuxhw import mock, spi
from linuxhw._kernel.real import RealBackend
from linuxhw.mock.spi_models import Loopback, SerialFlash

SIM_DRIVER = "lhw-spi-sim"
SPIDEV_DRIVER = "/sys/bus/spi/drivers/spidev"
DEBUGFS_LOG = "/sys/kernel/debug/lhw-spi-sim/log"


@dataclass(frozen=True)
class Wire:
    """One transfer as the controller saw it (from the mock's records or the module's debugfs log)."""

    chip_select: int
    speed_hz: int
    bits_per_word: int
    length: int
    cs_change: bool
    delay_us: int
    tx_nbits: int
    rx_nbits: int


def _parse_log_line(line: str) -> Wire | None:
    fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
    if "len" not in fields:
        return None
    return Wire(int(fields["cs"]), int(fields["speed"]), int(fields["bits"]), int(fields["len"]),
                fields["cs_change"] != "0", int(fields["delay_us"]), int(fields["tx_nbits"]),
                int(fields["rx_nbits"]))  # fmt: skip


class SpiWorld:
    """The loopback and the flash on one backend, plus what reached the wire."""

    def __init__(self, backend_name: str) -> None:
        self.board: mock.Board | None = None
        if backend_name == "mock":
            self.board = mock.Board()
            bus = self.board.add_spi_bus()
            self._mock_bus = bus
            bus.add_device(0, Loopback())
            bus.add_device(1, SerialFlash(), max_speed_hz=25_000_000)  # as the kernel module has it
            self.backend: linuxhw.Backend = self.board
            self.loopback_path, self.flash_path = "/dev/spidev0.0", "/dev/spidev0.1"
        else:
            self.backend = RealBackend()
            self.loopback_path, self.flash_path = (_sim_node(cs) for cs in (0, 1))
            self.clear_wire()

    @contextmanager
    def unbound(self, path: str) -> Iterator[None]:
        """spidev unbound from the device at ``path`` (the kernel: sysfs unbind, bound again after
        the block; the mock: Board.remove_device)."""
        if self.board is not None:
            self.board.remove_device(path)
            yield
            return
        device = os.path.basename(os.path.realpath(f"/sys/class/spidev/{os.path.basename(path)}/device"))
        with open(f"{SPIDEV_DRIVER}/unbind", "w") as unbind:
            unbind.write(device)
        try:
            yield
        finally:
            with open(f"{SPIDEV_DRIVER}/bind", "w") as bind:
                bind.write(device)

    def clear_wire(self) -> None:
        if self.board is not None:
            self._mock_bus.records.clear()
        else:
            with open(DEBUGFS_LOG, "w") as log:
                log.write("clear\n")

    def wire(self) -> list[Wire]:
        if self.board is not None:
            return [Wire(r.chip_select, r.speed_hz, r.bits_per_word, r.length, r.cs_change, r.delay_us, r.tx_nbits,
                         r.rx_nbits) for r in self._mock_bus.records]  # fmt: skip
        with open(DEBUGFS_LOG) as log:
            return [wire for wire in map(_parse_log_line, log) if wire is not None]


def _sim_node(chip_select: int) -> str:
    """/dev/spidevB.C of the simulator module's controller (found through sysfs, never assumed)."""
    for device in glob.glob("/sys/bus/spi/devices/spi*.*"):
        driver_dir = os.path.realpath(device)
        if SIM_DRIVER in driver_dir and device.endswith(f".{chip_select}"):
            return f"/dev/spidev{os.path.basename(device)[3:]}"
    pytest.fail(f"no spidev node of the {SIM_DRIVER} controller on chip select {chip_select}")


@pytest.fixture
def world(backend_name: str) -> Iterator[SpiWorld]:
    env = SpiWorld(backend_name)
    with linuxhw.use_backend(env.backend):
        yield env
    if env.board is not None:
        assert env.board.open_files() == 0, "a test leaked a mock fd"


@pytest.fixture
def loopback(world: SpiWorld) -> Iterator[spi.Device]:
    with spi.Device(world.loopback_path, mode=spi.Mode.MODE_0, max_speed_hz=1_000_000, bits_per_word=8) as device:
        world.clear_wire()
        yield device


@pytest.fixture
def flash(world: SpiWorld) -> Iterator[spi.Device]:
    with spi.Device(world.flash_path, mode=spi.Mode.MODE_0, max_speed_hz=1_000_000, bits_per_word=8) as device:
        world.clear_wire()
        yield device
