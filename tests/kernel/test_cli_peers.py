"""``linuxhw`` against libgpiod 2.x's tools, i2c-tools' exit statuses and the kernel's spidev_test.

Argument for argument on the same devices: gpio-sim for gpiodetect/gpioinfo/gpioget/gpioset/gpiomon/
gpionotify (libgpiod 2.x, built by scripts/peer-tools: Debian bookworm ships 1.6), i2c-stub and the
project's I2C simulator for i2c-tools 4.3, the project's SPI simulator for spidev_test (built from the
kernel's own source by scripts/peer-tools). Text output must match byte for byte where linuxhw follows
the tool's format; exit statuses must match wherever linuxhw follows the tool's.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from linuxhw import gpio, spi
from linuxhw._kernel.real import RealBackend
from linuxhw.cli import main
from linuxhw.sim import Bank
from tests.i2c.conftest import SIM_NAME, STUB_NAME
from tests.kernel.test_cli_kernel import adapter_number, sim_chip, started, tool
from tests.spi.conftest import _sim_node as spi_sim_node
from tests.waiting import DEADLINE, child_process, read_line, wait_line_used

pytestmark = pytest.mark.kernel
__all__ = ["sim_chip"]  # the gpio-sim chip fixture, shared with test_cli_kernel

REPO = Path(__file__).resolve().parents[2]
Outcome = tuple[int, str]


@pytest.fixture(scope="module")
def peers() -> Path:
    """The directory scripts/peer-tools built libgpiod 2.x's tools and spidev_test into (on the host)."""
    proc = subprocess.run(
        [str(REPO / "scripts" / "peer-tools"), "--offline"], capture_output=True, text=True, timeout=60, check=False
    )
    if proc.returncode != 0:
        reason = f"peer tools not built: {proc.stderr.strip()}"
        if os.environ.get("LINUXHW_REQUIRE_PEERS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return Path(proc.stdout.strip())


def peer(peers: Path, *args: str) -> Outcome:
    """Run a peer tool: (exit status, stdout)."""
    name = args[0] if "/" in args[0] else str(peers / args[0])
    proc = subprocess.run([name, *args[1:]], capture_output=True, text=True, timeout=120, check=False)
    return proc.returncode, proc.stdout


def ours(capsys: pytest.CaptureFixture[str], *args: str) -> Outcome:
    capsys.readouterr()
    status = main(list(args), backend=RealBackend())
    return status, capsys.readouterr().out


# -- libgpiod 2.x ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["detect"],
        ["detect", "CHIP"],
        ["detect", "gpiochip999"],
        ["detect", "gpiochip999", "CHIP"],
        ["info", "-c", "CHIP"],
        ["info", "--unquoted", "-c", "CHIP"],
        ["info", "CLI_LED", "CLI_HOGGED"],
        ["info", "-c", "CHIP", "2", "CLI_RESET"],
        ["info", "NO_SUCH_LINE"],
        ["get", "CLI_BUTTON", "CLI_RESET"],
        ["get", "-c", "CHIP", "1", "3"],
        ["get", "--numeric", "-l", "-c", "CHIP", "1", "3"],
        ["get", "--unquoted", "-b", "pull-down", "CLI_BUTTON"],
        ["get", "-a", "CLI_BUTTON"],
        ["get", "CLI_HOGGED"],
        ["get", "NO_SUCH_LINE"],
        ["get", "-c", "CHIP", "99"],
        ["get", "--bogus", "CLI_BUTTON"],
        ["get"],
    ],
)
def test_gpio_equals_libgpiod_2(
    sim_chip: Bank, peers: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = [sim_chip.chip_name if a == "CHIP" else a for a in args]
    sim_chip.set_pull(1, 1)
    sim_chip.set_pull(3, 0)
    with _held_output(sim_chip):
        theirs = peer(peers, f"gpio{args[0]}", *args[1:])
        assert ours(capsys, "gpio", *args) == theirs


def _held_output(sim_chip: Bank) -> gpio.LineRequest:
    """CLI_LED requested as an active-low open-drain output with pull-up, so gpioinfo has attributes to show."""
    settings = gpio.LineSettings(
        direction=gpio.Direction.OUTPUT, active_low=True, drive=gpio.Drive.OPEN_DRAIN, bias=gpio.Bias.PULL_UP
    )
    return gpio.request_lines(str(sim_chip.dev_path), {0: settings}, consumer="cli-test", backend=RealBackend())


def _event_fields(text: str) -> list[list[str]]:
    """gpiomon/gpionotify lines without their timestamps (each watcher gets its own)."""
    return [line.split("\t")[1:] for line in text.splitlines()]


@pytest.mark.parametrize("options", [[], ["-c", "CHIP"], ["--unquoted", "-e", "rising"], ["-F", "%c %o %l %E %e %%"]])
def test_mon_equals_gpiomon(sim_chip: Bank, peers: Path, options: list[str]) -> None:
    options = [sim_chip.chip_name if o == "CHIP" else o for o in options]
    args = [*options, "-n", "2", "1" if "-c" in options else "CLI_BUTTON"]
    outputs = []
    for command in ([str(peers / "gpiomon")], [*LINUXHW, "gpio", "mon"]):
        sim_chip.set_pull(1, 0)
        with child(*command, *args) as proc:
            wait_line_used(str(sim_chip.dev_path), 1, backend=RealBackend())
            for level in (1, 0, 1, 0):  # each edge is queued when set_pull returns (one guest CPU)
                sim_chip.set_pull(1, level)
            out, _ = proc.communicate(timeout=60)
        outputs.append((proc.returncode, out if "-F" in options else _event_fields(out)))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 0


LINUXHW = [sys.executable, "-m", "linuxhw", "--backend", "real"]


def child(*args: str) -> contextlib.AbstractContextManager[subprocess.Popen[str]]:
    return child_process(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)


@pytest.mark.parametrize(
    "options",
    [
        ["-n", "2", "-F", "%c %o %l %e %E %C|%a", "CLI_RESET"],
        ["-n", "1", "-e", "requested", "-e", "released", "-F", "%o %E", "CLI_RESET"],  # the last -e wins
    ],
)
def test_notify_equals_gpionotify(sim_chip: Bank, peers: Path, options: list[str]) -> None:
    outputs = []
    for command in (["stdbuf", "-oL", str(peers / "gpionotify"), "--banner"], [*LINUXHW, "gpio", "notify"]):
        with child(*command, *options) as proc:
            if command[0] == "stdbuf":  # gpionotify's banner comes once its watches are in place
                read_line(proc.stdout, "gpionotify's banner")
            else:
                started(proc)
            with gpio.request_lines(str(sim_chip.dev_path), {3: None}, consumer="other", backend=RealBackend()):
                pass
            out, _ = proc.communicate(timeout=60)
        outputs.append((proc.returncode, out))
    assert outputs[0] == outputs[1]
    first = outputs[1][1].splitlines()[0]
    assert first in (f'{sim_chip.chip_name} 3 CLI_RESET 1 requested other|input consumer="other"', "3 released")


@pytest.mark.parametrize("command", ["gpioset", "linuxhw"])
def test_set_holds_until_signalled_as_gpioset(sim_chip: Bank, peers: Path, command: str) -> None:
    tool_command = [str(peers / "gpioset")] if command == "gpioset" else [*LINUXHW, "gpio", "set"]
    with child(*tool_command, "-c", sim_chip.chip_name, "0=1", "3=active") as proc:
        wait_line_used(str(sim_chip.dev_path), 3, backend=RealBackend())
        assert (sim_chip.get_value(0), sim_chip.get_value(3)) == (1, 1)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    assert out == ""
    assert proc.returncode in (-signal.SIGTERM, 128 + signal.SIGTERM)  # killed by it, or (linuxhw) exits as if
    wait_line_used(str(sim_chip.dev_path), 3, used=False, backend=RealBackend())


# -- i2c-tools' exit statuses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("adapter", "args"),
    [
        (STUB_NAME, ["get", "BUS", "0x3d", "0x00"]),  # nobody there: the read fails (i2cget: 2)
        (STUB_NAME, ["get", "BUS", "0x03"]),  # reserved address without -a: 1
        (STUB_NAME, ["get", "BUS", "0x1c", "0xa0", "s"]),  # i2c-stub lacks SMBus block: 1, before reading
        (STUB_NAME, ["get", "BUS", "0x1c", "0x0f", "z"]),  # a bad MODE: 1
        (STUB_NAME, ["set", "BUS", "0x3d", "0x00", "0x01"]),  # the write fails: 1
        (STUB_NAME, ["dump", "BUS", "0x1c", "q"]),
        (SIM_NAME, ["transfer", "BUS", "r1@0x3d"]),  # NAK: 1
        (SIM_NAME, ["transfer", "BUS", "r1"]),  # no address: 1
        (STUB_NAME, ["detect", "BUS", "0x80"]),
        (STUB_NAME, ["get", "--bogus", "BUS", "0x1c"]),
    ],
)
def test_i2c_exit_status_equals_i2c_tools(adapter: str, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    bus = str(adapter_number(adapter))
    args = [bus if a == "BUS" else a for a in args]
    proc = subprocess.run(
        [tool(f"i2c{args[0]}"), "-y", *args[1:]], capture_output=True, text=True, timeout=DEADLINE, check=False
    )
    status, _ = ours(capsys, "i2c", *args)
    assert status == proc.returncode, proc.stderr
    assert status != 0


def test_i2c_set_readback_equals_i2cset(peers: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bus = str(adapter_number(SIM_NAME))
    args = ["set", "-r", bus, "0x1c", "0xae", "0x55"]  # a block command: the byte does not read back
    theirs = peer(peers, tool("i2cset"), "-y", *args[1:])
    assert ours(capsys, "i2c", *args) == theirs
    assert theirs[1].startswith("Warning - data mismatch - wrote 0x55, read back")


# -- spidev_test ---------------------------------------------------------------------------------


@pytest.fixture
def loopback() -> Iterator[str]:
    """The simulator's loopback node, its settings put back after a spidev_test (which leaves its own)."""
    node = spi_sim_node(0)
    with spi.Device(node, backend=RealBackend()) as device:
        before = (device.mode, device.max_speed_hz, device.bits_per_word)
    yield node
    with spi.Device(node, backend=RealBackend()) as device:
        device.mode, device.max_speed_hz, device.bits_per_word = before


def spidev_test(peers: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(peers / "spidev_test"), *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("letters", [["-H"], ["-O"], ["-H", "-O"], ["-C"], ["-l"], ["-C", "-H", "-l"]])
def test_spi_letters_set_the_mode_spidev_test_sets(
    peers: Path, loopback: str, letters: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    theirs = spidev_test(peers, "-D", loopback, "-s", "1000000", *letters)
    assert theirs.returncode == 0, theirs.stderr
    reported = re.search(r"^spi mode: (0x[0-9a-f]+)$", theirs.stdout, re.M)
    assert reported is not None, theirs.stdout
    status, out = ours(capsys, "--json", "spi", "transfer", "-D", loopback, "-s", "1000000", *letters, "00")
    assert status == 0
    data = json.loads(out)
    mode = sum(int(spi.Mode[name]) for name in data["mode_flags"])
    assert hex(mode) == reported[1]


def test_spi_transfer_bytes_equal_spidev_test(peers: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flash = spi_sim_node(1)
    theirs = spidev_test(peers, "-D", flash, "-s", "1000000", "-p", "\\x9f\\x00\\x00\\x00", "-v")
    received = re.search(r"^RX \| ((?:[0-9A-F]{2} )+)", theirs.stdout, re.M)
    assert received is not None, theirs.stdout + theirs.stderr
    status, out = ours(capsys, "spi", "transfer", "-D", flash, "-s", "1000000", "9f", "00", "00", "00")
    assert (status, out.split()) == (0, [b.lower() for b in received[1].split() if b != "__"])


def test_spi_test_beyond_bufsiz(peers: Path, loopback: str, capsys: pytest.CaptureFixture[str]) -> None:
    """spidev_test fails with EMSGSIZE; linuxhw splits, and says chip select toggled between the messages."""
    theirs = spidev_test(peers, "-D", loopback, "-s", "1000000", "-S", "4097", "-I", "1")
    assert theirs.returncode != 0 and "Message too long" in theirs.stderr
    status, out = ours(capsys, "spi", "test", "-D", loopback, "-s", "1000000", "-S", "4097", "-I", "1")
    assert status == 0
    assert "chip select toggled between messages" in out.splitlines()[1]


def test_spi_three_wire_full_duplex_is_refused(peers: Path, loopback: str, capsys: pytest.CaptureFixture[str]) -> None:
    theirs = spidev_test(peers, "-D", loopback, "-s", "1000000", "-3")
    assert theirs.returncode != 0 and "can't " in theirs.stderr
    capsys.readouterr()
    assert main(["spi", "transfer", "-3", "-D", loopback, "00"], backend=RealBackend()) == 2
    assert "the kernel refuses full duplex in 3-wire mode" in capsys.readouterr().err
