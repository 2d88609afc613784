"""``linuxhw`` against the established tools on the same kernel devices.

i2c-tools (i2cdetect, i2cget, i2cset, i2cdump, i2ctransfer) on i2c-stub and the project's
simulator adapter, Debian's libgpiod 1.6 tools (gpiodetect, gpioinfo, gpiofind, gpioget) on a
gpio-sim chip: where linuxhw copies a tool's output format the text must match byte for byte,
else the facts (names, consumers, directions) must. Plus what only a real kernel shows: mon and
Ctrl-C in a separate process, spi transfer/test on the project's SPI simulator module, and
DMA-BUF allocation from the system heap and udmabuf. libgpiod 2.x's tools, i2c-tools' exit
statuses and spidev_test: test_cli_peers.py.

Needs the Debian packages i2c-tools and gpiod (the guest shares the host's root filesystem).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from linuxhw import gpio, i2c, spi
from linuxhw._kernel.real import RealBackend
from linuxhw.cli import main
from linuxhw.sim import Bank, GpioSim
from tests.conftest import DMA_HEAP_SYSTEM, UDMABUF, require_kernel_devices
from tests.i2c.conftest import SIM_NAME, STUB_NAME
from tests.spi.conftest import _sim_node as spi_sim_node
from tests.waiting import child_process, read_line

pytestmark = pytest.mark.kernel

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGES = {"i2cdetect": "i2c-tools", "gpioinfo": "gpiod"}


def tool(name: str) -> str:
    """The path of an established tool; a missing one fails the test with the package to install."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if found is None:
        package = "i2c-tools" if name.startswith("i2c") else "gpiod"
        pytest.fail(f"{name} is missing: the kernel tier needs Debian's {package} (apt-get install {package})")
    return found


def run_tool(*args: str) -> str:
    proc = subprocess.run([tool(args[0]), *args[1:]], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr}"
    return proc.stdout


def run_linuxhw(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    status = main(list(args), backend=RealBackend())
    captured = capsys.readouterr()
    assert status == 0, f"linuxhw {' '.join(args)} failed ({status}): {captured.err}"
    return captured.out


def adapter_number(name: str) -> int:
    with i2c.Bus(name, backend=RealBackend()) as bus:
        return bus.number


@pytest.fixture(params=[SIM_NAME, STUB_NAME], ids=["simulator", "i2c-stub"])
def bus_number(request: pytest.FixtureRequest) -> int:
    return adapter_number(str(request.param))


# -- I2C ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("flags", [[], ["-q"], ["-r"], ["-a"]], ids=["auto", "quick", "read", "all"])
def test_detect_grid_equals_i2cdetect(bus_number: int, flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    theirs = run_tool("i2cdetect", "-y", *flags, str(bus_number))
    ours = run_linuxhw(capsys, "i2c", "detect", *flags, str(bus_number))
    assert ours == theirs


def test_detect_of_the_simulator_shows_its_devices(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(run_linuxhw(capsys, "--json", "i2c", "detect", str(adapter_number(SIM_NAME))))
    assert (data["present"], data["busy"]) == ([0x1C, 0x50, 0x51], [0x34])


def test_list_equals_i2cdetect_l(capsys: pytest.CaptureFixture[str]) -> None:
    theirs = set(run_tool("i2cdetect", "-l").splitlines())
    ours = set(run_linuxhw(capsys, "i2c", "list").splitlines())
    assert ours == theirs


@pytest.mark.parametrize(
    "args", [["0x0f"], ["0x0f", "w"], ["0x0f", "c"], ["0x0c", "i", "8"], []], ids=["b", "w", "c", "i", "receive"]
)
def test_get_equals_i2cget(bus_number: int, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    bus = str(bus_number)
    run_linuxhw(capsys, "i2c", "set", bus, "0x1c", "0x0e")  # a receive byte reads (and moves) the pointer
    theirs = run_tool("i2cget", "-y", bus, "0x1c", *args)
    run_tool("i2cset", "-y", bus, "0x1c", "0x0e", "c")
    assert run_linuxhw(capsys, "i2c", "get", bus, "0x1c", *args) == theirs


def test_get_block_equals_i2cget_on_the_simulator(capsys: pytest.CaptureFixture[str]) -> None:
    bus = str(adapter_number(SIM_NAME))
    theirs = run_tool("i2cget", "-y", bus, "0x1c", "0xa0", "s")
    ours = run_linuxhw(capsys, "i2c", "get", bus, "0x1c", "0xa0", "s")
    assert ours == theirs
    assert len(ours.split()) >= 1


def test_set_and_i2cset_see_each_other(bus_number: int, capsys: pytest.CaptureFixture[str]) -> None:
    bus = str(bus_number)
    run_linuxhw(capsys, "i2c", "set", bus, "0x1c", "0x21", "0x5a")
    assert run_tool("i2cget", "-y", bus, "0x1c", "0x21") == "0x5a\n"
    run_tool("i2cset", "-y", bus, "0x1c", "0x22", "0xa5b6", "w")
    assert run_linuxhw(capsys, "i2c", "get", bus, "0x1c", "0x22", "w") == "0xa5b6\n"
    assert run_linuxhw(capsys, "i2c", "set", "-r", bus, "0x1c", "0x23", "0x42") == run_tool(
        "i2cset", "-y", "-r", bus, "0x1c", "0x23", "0x42"
    )


@pytest.mark.parametrize("mode", ["b", "w", "W", "i", "c"])
def test_dump_equals_i2cdump(bus_number: int, mode: str, capsys: pytest.CaptureFixture[str]) -> None:
    bus = str(bus_number)
    run_linuxhw(capsys, "i2c", "set", bus, "0x1c", "0x10", "0x41", "0x42", "0x01", "0xff", "0x7f", "i")
    theirs = run_tool("i2cdump", "-y", bus, "0x1c", mode)
    assert run_linuxhw(capsys, "i2c", "dump", bus, "0x1c", mode) == theirs


def test_dump_range_equals_i2cdump(bus_number: int, capsys: pytest.CaptureFixture[str]) -> None:
    bus = str(bus_number)
    theirs = run_tool("i2cdump", "-y", "-r", "0x0e-0x23", bus, "0x1c", "b")
    assert run_linuxhw(capsys, "i2c", "dump", "-r", "0x0e-0x23", bus, "0x1c", "b") == theirs


@pytest.mark.parametrize(
    "messages",
    [
        ["w3@0x50", "0x00", "0x68", "0x69"],
        ["w1@0x50", "0x00", "r8"],
        ["w17@0x50", "0x10", "0xff-"],
        ["w1@0x50", "0x10", "r16@0x50"],
        ["w5@0x50", "0x40", "0p"],
        ["w1@0x50", "0x40", "r4"],
        ["w1@0x1c", "0xa0", "r?"],
    ],
)
def test_transfer_equals_i2ctransfer(messages: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    bus = str(adapter_number(SIM_NAME))
    for verbose in ([], ["-v"]):
        theirs = run_tool("i2ctransfer", "-y", *verbose, bus, *messages)
        assert run_linuxhw(capsys, "i2c", "transfer", *verbose, bus, *messages) == theirs


# -- GPIO ---------------------------------------------------------------------------------------------


@pytest.fixture
def sim_chip() -> Iterator[Bank]:
    with GpioSim() as sim:
        bank = sim.add_bank(
            8,
            label=f"lhw-cli-{os.getpid()}",
            names={0: "CLI_LED", 1: "CLI_BUTTON", 3: "CLI_RESET", 6: "CLI_HOGGED"},
            hogs={6: ("cli-hog", "output-high"), 7: ("cli-hog-in", "input")},
        )
        sim.enable()
        yield bank


def parse_gpioinfo(text: str) -> dict[int, dict[str, Any]]:
    """gpioinfo's lines (libgpiod 1.x or 2.x format) -> offset: name, consumer, used, direction, active_low."""
    lines: dict[int, dict[str, Any]] = {}
    for row in text.splitlines():
        match = re.match(r"^\s+line\s+(\d+):\s+(unnamed|\"[^\"]*\")\s*(.*)$", row)
        if not match:
            continue
        offset, name, rest = int(match[1]), match[2], match[3]
        v1 = re.match(r"^(unused|kernel|\"[^\"]*\")\s+(input|output)\s+(active-high|active-low)", rest)
        if v1:  # libgpiod 1.x: name consumer direction active-state [flags]
            consumer = v1[1]
            used = consumer != "unused"
            consumer = consumer.strip('"') if consumer.startswith('"') else ""
            direction, active_low = v1[2], v1[3] == "active-low"
        else:  # libgpiod 2.x: name direction [flags] [consumer="..."]
            words = rest.split()
            found = re.search(r'consumer=("[^"]*"|\S+)', rest)
            used = found is not None
            consumer = found[1].strip('"') if found and found[1] != "kernel" else ""
            direction, active_low = words[0], "active-low" in words
        lines[offset] = {
            "name": "" if name == "unnamed" else name.strip('"'),
            "consumer": consumer,
            "used": used,
            "direction": direction,
            "active_low": active_low,
        }
    return lines


def test_info_agrees_with_gpioinfo(sim_chip: Bank, capsys: pytest.CaptureFixture[str]) -> None:
    with gpio.request_lines(
        str(sim_chip.dev_path),
        {"CLI_LED": gpio.LineSettings(direction=gpio.Direction.OUTPUT, active_low=True), 2: None},
        consumer="cli-test",
        backend=RealBackend(),
    ):
        theirs = parse_gpioinfo(run_tool("gpioinfo", sim_chip.chip_name))
        data = json.loads(run_linuxhw(capsys, "--json", "gpio", "info", "-c", sim_chip.chip_name))
    ours = {
        line["offset"]: {
            "name": line["name"],
            "consumer": line["consumer"],
            "used": line["used"],
            "direction": "output" if line["direction"] == "output" else "input",
            "active_low": line["active_low"],
        }
        for line in data[0]["lines"]
    }
    assert ours == theirs
    assert theirs[0] == {"name": "CLI_LED", "consumer": "cli-test", "used": True, "direction": "output",
                         "active_low": True}  # fmt: skip
    assert theirs[6]["consumer"] == "cli-hog" and theirs[6]["direction"] == "output"


def test_detect_and_find_equal_gpiodetect_and_gpiofind(sim_chip: Bank, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_linuxhw(capsys, "gpio", "detect") == run_tool("gpiodetect")
    assert run_linuxhw(capsys, "gpio", "find", "CLI_RESET") == run_tool("gpiofind", "CLI_RESET")
    assert run_linuxhw(capsys, "gpio", "find", "CLI_RESET") == f"{sim_chip.chip_name} 3\n"


def test_get_agrees_with_gpioget(sim_chip: Bank, capsys: pytest.CaptureFixture[str]) -> None:
    sim_chip.set_pull(1, 1)
    sim_chip.set_pull(3, 0)
    theirs = run_tool("gpioget", sim_chip.chip_name, "1", "3").split()  # Debian's libgpiod 1.6: CHIP OFFSET...
    ours = run_linuxhw(capsys, "gpio", "get", "--numeric", "--chip", sim_chip.chip_name, "1", "3")
    assert ours.split() == theirs == ["1", "0"]


def test_set_hold_drives_the_pin(sim_chip: Bank) -> None:
    spec = f"{sim_chip.chip_name}:CLI_LED"
    with linuxhw_child("gpio", "set", f"{spec}=1") as child:
        assert "holding CLI_LED" in started(child)
        assert sim_chip.get_value(0) == 1
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    assert (child.returncode, out, err) == (130, "", "")
    with gpio.Chip(str(sim_chip.dev_path), backend=RealBackend()) as chip:
        assert not chip.line_info(0).used


def linuxhw_child(*args: str) -> contextlib.AbstractContextManager[subprocess.Popen[str]]:
    return child_process(
        [sys.executable, "-m", "linuxhw", "--backend", "real", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )


def started(child: subprocess.Popen[str]) -> str:
    line = read_line(child.stderr, "the command's 'linuxhw: ...' line saying it started")
    assert line.startswith("linuxhw: "), line
    return line


def test_mon_prints_gpio_sim_edges_and_ctrl_c_releases(sim_chip: Bank) -> None:
    with linuxhw_child("gpio", "mon", "-F", "%c %o %l %E %q", f"{sim_chip.chip_name}:1") as child:
        started(child)
        sim_chip.set_pull(1, 1)
        first = read_line(child.stdout, "the rising edge's line")
        sim_chip.set_pull(1, 0)
        second = read_line(child.stdout, "the falling edge's line")
        child.send_signal(signal.SIGINT)
        rest, err = child.communicate(timeout=60)
    assert first == f"{sim_chip.chip_name} 1 CLI_BUTTON rising 1\n"
    assert second == f"{sim_chip.chip_name} 1 CLI_BUTTON falling 2\n"
    assert (child.returncode, rest, err) == (130, "", "")
    with gpio.Chip(str(sim_chip.dev_path), backend=RealBackend()) as chip:
        assert not chip.line_info(1).used  # the kernel released the line when the process ended its request


def test_mon_reports_what_the_kernel_dropped(sim_chip: Bank) -> None:
    spec = f"{sim_chip.chip_name}:1"
    with linuxhw_child("--json", "gpio", "mon", "--buffer-size", "2", "-n", "2", spec) as child:
        started(child)
        child.send_signal(signal.SIGSTOP)  # it cannot read: four edges meet a 2-event kernel buffer
        try:
            for level in (1, 0, 1, 0):  # each edge is queued when set_pull returns (one guest CPU)
                sim_chip.set_pull(1, level)
        finally:
            child.send_signal(signal.SIGCONT)
        out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert records[0] == {"lost": 2, "chip": sim_chip.chip_name, "before_seqno": 3}
    assert [(r["seqno"], r["type"]) for r in records[1:]] == [(3, "rising"), (4, "falling")]


def test_notify_sees_another_process_request_a_line(sim_chip: Bank, capsys: pytest.CaptureFixture[str]) -> None:
    with linuxhw_child("gpio", "notify", "-n", "2", "-F", "%E %C", f"{sim_chip.chip_name}:CLI_RESET") as child:
        started(child)
        with gpio.request_lines(str(sim_chip.dev_path), {3: None}, consumer="other", backend=RealBackend()):
            pass
        out, err = child.communicate(timeout=60)
    rows = out.splitlines()
    assert child.returncode == 0, err
    assert rows == ["requested other", "released unused"]


# -- SPI --------------------------------------------------------------------------------------------


def test_spi_transfer_reads_the_simulated_flash(capsys: pytest.CaptureFixture[str]) -> None:
    flash = spi_sim_node(1)
    assert run_linuxhw(capsys, "spi", "transfer", "-s", "1000000", flash, "9f", "00", "00", "00") == "ff ef 40 11\n"


def test_spi_test_on_the_loopback_and_settings_restored(capsys: pytest.CaptureFixture[str]) -> None:
    loopback, flash = spi_sim_node(0), spi_sim_node(1)
    with spi.Device(flash, backend=RealBackend()) as device:
        before = (device.mode, device.max_speed_hz, device.bits_per_word)
    out = run_linuxhw(capsys, "spi", "test", "-s", "5000000", "--size", "64K", "-n", "4", loopback)
    assert "4 x 65536 bytes: every byte came back as sent" in out.splitlines()
    data = json.loads(run_linuxhw(capsys, "--json", "spi", "test", "--loop", "-m", "3", "-s", "1000000", flash))
    assert (data["ok"], data["mode"], "LOOP" in data["mode_flags"]) == (True, 3, True)
    with spi.Device(flash, backend=RealBackend()) as device:
        assert (device.mode, device.max_speed_hz, device.bits_per_word) == before


def test_spi_test_without_loopback_fails(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["spi", "test", "-s", "1000000", spi_sim_node(1)], backend=RealBackend())
    assert status == 1
    assert "got 0xff back; no loopback?" in capsys.readouterr().err


# -- DMA-BUF and probe ------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["system", "udmabuf"])
def test_dma_alloc_and_check(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    require_kernel_devices(DMA_HEAP_SYSTEM if source == "system" else UDMABUF)
    data = json.loads(run_linuxhw(capsys, "--json", "dma", "alloc", source, "1M", "--name", "cli", "--check"))
    assert data["size"] == 1 << 20
    assert data["name"] == "cli"
    assert data["check_mb_per_s"] > 0


def test_probe_lists_the_simulators(sim_chip: Bank, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(run_linuxhw(capsys, "--json", "probe"))
    assert data["backend"] == "real"
    assert sim_chip.label in [c.get("label") for c in data["gpio_chips"]]
    assert {SIM_NAME, STUB_NAME} <= {a.get("name") for a in data["i2c_adapters"]}
    heaps = sorted(os.listdir("/dev/dma_heap")) if os.path.isdir("/dev/dma_heap") else []  # none on 6.1
    assert [h["name"] for h in data["dma_heaps"]] == heaps
    assert data["udmabuf"] == (UDMABUF if os.path.exists(UDMABUF) else None)
    assert {spi_sim_node(0), spi_sim_node(1)} <= {d.get("path") for d in data["spi_devices"]}
    text = run_linuxhw(capsys, "probe")
    assert "No GPIO chips" not in text
