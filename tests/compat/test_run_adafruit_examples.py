"""Adafruit's published examples — each driver sdist's ``examples/<part>_simpletest.py``, fetched by
scripts/peer-tools, run in place, byte for byte — through ``linuxhw run --backend parts:factory`` on a mock
Raspberry Pi 4 with the part on ``board.I2C()``'s bus at the driver's default address
(tests/compat/adafruit_parts.py). Each example loops forever, reading every second or two: the test reads
its output line by line until it has the readings it wants (each within tests/waiting.py's deadline), then
stops it as a user does, with Ctrl-C, and it dies of SIGINT with Python's KeyboardInterrupt traceback.

Not in the kernel tier: every adafruit_bus_device transfer is a plain I2C message, which the kernel's
i2c-stub (SMBus only, no I2C_FUNC_I2C) refuses; tests/compat/test_run_drivers.py runs an smbus driver there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.compat.adafruit_parts import ADS1X15_VOLTS
from tests.waiting import DEADLINE, child_process, read_line

pytestmark = pytest.mark.mock_only

REPO = Path(__file__).resolve().parents[2]
NOTICE = "linuxhw run: import "  # the run's one line per installed package a face stood in for (Blinka's)


@dataclass(frozen=True)
class Example:
    """``script`` of ``project``'s sdist, on the board ``factory`` makes: the lines it prints before it
    loops, then each time round (two rounds are read)."""

    project: str
    script: str
    factory: str
    before: tuple[str, ...]
    each: tuple[str, ...]


# fmt: off
EXAMPLES = [
    # 1006.53 hPa is 56.08 m above 1013.25 hPa: 44330 m * (1 - (p / p0) ** 0.1903), the international barometric formula
    Example("adafruit-circuitpython-bme280", "bme280_simpletest.py", "bme280", (),
            ("", "Temperature: 25.1 C", "Humidity: 24.7 %", "Pressure: 1006.5 hPa", "Altitude = 56.08 meters")),
    # 23.53 °C in 0.0625 °C steps, rounded down: 23.5 °C, 74.3 °F
    Example("adafruit-circuitpython-mcp9808", "mcp9808_simpletest.py", "mcp9808", (),
            ("Temperature: 23.5 C 74.3 F ",)),
    # 1.5 V at ±4.096 V full scale: 12000 of 32767 (the ADS1015's 750 of 2047, shifted left 4 as the driver does)
    Example("adafruit-circuitpython-ads1x15", "ads1x15_ads1115_simpletest.py", "ads1115", ("  raw\t    v",),
            (f"12000\t{ADS1X15_VOLTS:5.3f}",)),
    Example("adafruit-circuitpython-ads1x15", "ads1x15_simpletest.py", "ads1015", ("  raw\t    v",),
            (f"12000\t{ADS1X15_VOLTS:5.3f}",)),
    # the serial number's two words and each measurement's two words checked against their CRCs by the driver
    Example("adafruit-circuitpython-sht4x", "sht4x_simpletest.py", "sht4x",
            ("Found SHT4x with serial number 0x1234abcd", "Current mode is:  No heater, high precision"),
            ("Temperature: 21.5 C", "Humidity: 43.2 %", "")),
]
# fmt: on


# The first test fetches the four sdists, pip preparing each one's metadata: minutes in a platform root under
# qemu-user, past pytest's 180 s. Its own timeout covers that fetch.
FETCH_TIMEOUT = 900


@pytest.fixture(scope="module")
def sdists() -> dict[str, Path]:
    """The unpacked sdists of the installed drivers, by project; the tests skip, naming why, where they
    cannot be fetched."""
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "peer-tools"), "--adafruit-examples"],
                          capture_output=True, text=True, timeout=FETCH_TIMEOUT, check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"the drivers' sdists could not be had (PyPI unreachable?): {done.stderr.strip()[-500:]}")
    trees = [Path(line) for line in done.stdout.splitlines()]
    return {tree.name.rpartition("-")[0]: tree for tree in trees}


@pytest.mark.timeout(FETCH_TIMEOUT + 180)
@pytest.mark.parametrize("example", EXAMPLES, ids=[example.script for example in EXAMPLES])
def test_published_example_runs_unchanged(example: Example, sdists: dict[str, Path], tmp_path: Path) -> None:
    script = sdists[example.project] / "examples" / example.script
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LINUXHW_", "GPIOZERO_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"  # its prints reach the pipe as they are made, as on a terminal
    command = [sys.executable, "-m", "linuxhw", "run", "--backend", f"tests.compat.adafruit_parts:{example.factory}",
               str(script)]  # fmt: skip
    with child_process(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        wanted = [*example.before, *example.each, *example.each]
        printed = [read_line(proc.stdout, f"line {n + 1} of {example.script}").rstrip("\n") for n in range(len(wanted))]
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        _, err = proc.communicate(timeout=DEADLINE)
    assert printed == wanted, err
    assert proc.returncode == -signal.SIGINT, err
    lines = err.splitlines()
    start = lines.index("Traceback (most recent call last):")
    assert all(line.startswith(NOTICE) for line in lines[:start]), err
    assert lines[-1] == "KeyboardInterrupt", err
