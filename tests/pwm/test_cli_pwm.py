"""``linuxhw pwm list/get/set`` and ``probe``'s PWM section on both backends (run in-process)."""

from __future__ import annotations

import json
import re

import pytest

from linuxhw.cli import main
from tests.pwm.conftest import NAME, PwmWorld


class Run:
    def __init__(self, world: PwmWorld, capsys: pytest.CaptureFixture[str]) -> None:
        self.world = world
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        status = main(list(args), backend=self.world.backend)
        captured = self.capsys.readouterr()
        return status, captured.out, captured.err


@pytest.fixture
def run(world: PwmWorld, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(world, capsys)


def test_set_applies_reads_back_and_releases(run: Run, world: PwmWorld) -> None:
    status, out, _ = run("pwm", "set", NAME, "1", "--frequency", "50", "--duty-cycle", "7.5%")
    assert (status, out) == (0, f"{NAME} pwm1: period 20000000 ns (50 Hz), duty 1500000 ns (7.5%), normal, enabled\n")
    assert world.exported() == []  # released: the kernel keeps the output running
    output = world.output(1)
    assert (output.period_ns, output.duty_ns, output.enabled) == (20_000_000, 1_500_000, True)
    status, out, _ = run("--json", "pwm", "get", NAME, "1")  # requested for the reading: the hardware's state
    assert status == 0
    assert json.loads(out) == {
        "chip": NAME, "channel": 1, "period_ns": 20_000_000, "duty_ns": 1_500_000, "polarity": "normal",
        "enabled": True, "frequency_hz": 50.0, "duty_cycle": 0.075,
    }  # fmt: skip
    assert run("pwm", "set", NAME, "1", "--period", "1000", "--duty", "0", "--disable")[0] == 0
    assert world.output(1).enabled is False


def test_keep_leaves_it_exported_and_a_second_set_needs_adopt(run: Run, world: PwmWorld) -> None:
    args = ("pwm", "set", NAME, "2", "--period", "100000", "--duty", "25000", "--polarity", "inversed")
    assert run(*args, "--keep")[0] == 0
    assert world.exported() == ["pwm2"]
    status, out, _ = run("pwm", "list")
    assert status == 0
    assert "  pwm2: period 100000 ns (10000 Hz), duty 25000 ns (25%), inversed, enabled" in out.splitlines()
    status, _, err = run(*args)
    assert status == 1
    assert "exported through sysfs already" in err and "adopt=True" in err and "[EBUSY]" in err
    status, out, _ = run("--json", "pwm", "get", NAME, "2")  # read as it is: still exported afterwards
    assert (status, json.loads(out)["duty_ns"]) == (0, 25_000)
    assert world.exported() == ["pwm2"]
    assert run(*args[:-2], "--disable", "--adopt")[0] == 0
    assert world.exported() == []


def test_list_json_names_every_chip(run: Run, world: PwmWorld) -> None:
    status, out, _ = run("pwm", "list", "--json")
    assert status == 0
    chip = next(chip for chip in json.loads(out) if chip["name"] == NAME)
    assert chip == {
        "name": NAME, "path": world.path, "npwm": 4, "bus": "platform", "driver": "pwm-sim", "chardev": None,
        "exported": {},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "1000", "--duty-cycle", "150%"), "--duty-cycle must be a fraction 0..1"),
        (("--frequency", "0", "--duty", "0"), "--frequency must be hertz > 0"),
        (("--duty", "10"), "one of the arguments --period --frequency is required"),
        (("--period", "1000", "--duty", "2000"), r"duty_ns must be 0..period_ns \(1000\)"),
    ],
)
def test_bad_values_are_usage_errors(run: Run, world: PwmWorld, args: tuple[str, ...], message: str) -> None:
    status, _, err = run("pwm", "set", NAME, "0", *args)
    assert status == 2
    assert re.search(message, err), err
    assert world.exported() == []


def test_a_channel_past_the_chip_is_a_usage_error_and_a_missing_chip_a_failure(run: Run, world: PwmWorld) -> None:
    status, _, err = run("pwm", "get", NAME, "4")
    assert (status, "channel must be 0..3" in err) == (2, True)
    status, _, err = run("pwm", "get", "no-such.pwm", "0")
    assert (status, "no PWM chip named 'no-such.pwm'" in err) == (1, True)


def test_probe_shows_the_pwm_chips(run: Run, world: PwmWorld) -> None:
    status, out, _ = run("probe")
    assert status == 0
    assert f"  {NAME} ({world.path}, platform, pwm-sim): 4 channels" in out.splitlines()
    status, out, _ = run("--json", "probe")
    assert any(chip["name"] == NAME for chip in json.loads(out)["pwm_chips"])
