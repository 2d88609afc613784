"""``linuxhw iio list/read/capture`` and probe's IIO section, on the dummy on both backends and on the
demo board's ADS1015 (run in-process)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

from linuxhw._kernel import Backend
from linuxhw.cli import main
from linuxhw.mock import demo_board
from tests.iio.conftest import NAME, RAW, SCANNED, IioWorld


class Run:
    def __init__(self, backend: Backend, capsys: pytest.CaptureFixture[str]) -> None:
        self.backend = backend
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        status = main(list(args), backend=self.backend)
        captured = self.capsys.readouterr()
        return status, captured.out, captured.err


@pytest.fixture
def run(world: IioWorld, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(world.backend, capsys)


def test_list_shows_the_device_its_channels_and_triggers(run: Run, world: IioWorld) -> None:
    status, out, _ = run("--json", "iio", "list")
    assert status == 0
    data = json.loads(out)
    (device,) = [d for d in data["devices"] if d["name"] == NAME]
    assert [c["name"] for c in device["channels"]][:5] == [*list(SCANNED), "timestamp"]
    assert device["sampling_frequency"] == pytest.approx(3.000000033)
    assert world.trigger.name in data["triggers"]
    status, out, _ = run("iio", "list")
    assert f"{NAME} ({world.device().path}): 9 channels, 3 Hz" in out.splitlines()


def test_read_prints_values_in_units_and_raw(run: Run) -> None:
    status, out, _ = run("iio", "read", NAME, "voltage0", "steps")
    assert (status, out) == (0, f"voltage0: {80 * 0.001333:g} mV (raw 73)\nsteps: 47\n")
    status, out, _ = run("--json", "iio", "read", NAME)
    assert status == 0
    rows = {r["channel"]: r for r in json.loads(out)}
    assert {name: rows[name]["raw"] for name in RAW} == RAW
    assert rows["activity_walking"] == {"channel": "activity_walking", "value": 4.0, "unit": None, "raw": None}


def test_a_wrong_device_or_channel_is_named(run: Run) -> None:
    status, _, err = run("iio", "read", "no-such-device")
    assert status == 1 and "no IIO device named 'no-such-device'" in err
    status, _, err = run("iio", "read", NAME, "voltage7")
    assert status == 2 and "has no channel 'voltage7'" in err


@pytest.fixture
def firing(world: IioWorld) -> Iterator[None]:
    """The trigger fired again and again while the command runs (a fire while a scan is still being
    taken is dropped by the kernel; the command takes as many scans as it asked for)."""
    stop = threading.Event()

    def fire() -> None:
        while not stop.wait(0.005):
            try:
                world.trigger.fire()
            except OSError:
                return  # the trigger went with the fixture

    thread = threading.Thread(target=fire, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join()


def test_capture_prints_json_lines(run: Run, world: IioWorld, firing: None) -> None:
    status, out, _ = run("--json", "iio", "capture", NAME, "voltage0", "accel_x", "--scans", "3",
                         "--trigger", world.trigger.name, "--timeout", "30")  # fmt: skip
    assert status == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 3
    for line in lines:
        assert line["raw"] == {"voltage0": 7, "accel_x": 344}
        assert line["values"]["voltage0"] == pytest.approx((7 + 7) * 0.001333)
        assert isinstance(line["timestamp"], int)
    assert world.device().read_attribute("buffer/enable") == "0"


def test_capture_with_no_trigger_says_what_it_needs(run: Run, world: IioWorld) -> None:
    world.device().trigger = None
    status, _, err = run("iio", "capture", NAME, "--timeout", "0")
    assert status == 1 and "trigger/current_trigger" in err and "[EINVAL]" in err


def test_demo_board_ads1015(capsys: pytest.CaptureFixture[str]) -> None:
    board = demo_board()
    assert main(["iio", "read", "ads1015"], backend=board) == 0
    assert capsys.readouterr().out.splitlines() == [
        "voltage0: 1650 mV (raw 1650)", "voltage1: 825 mV (raw 825)", "voltage2: 0 mV (raw 0)",
        "voltage3: 2047 mV (raw 2047)",
    ]  # fmt: skip
    assert main(["probe"], backend=board) == 0
    assert "  ads1015 (/sys/bus/iio/devices/iio:device0): 5 channels" in capsys.readouterr().out.splitlines()
    assert board.open_files() == 0
