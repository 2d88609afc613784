"""``linuxhw gpio detect|info|find|get|set`` on the demo board: libgpiod 2.x tools' grammar and text."""

from __future__ import annotations

import json
import time

from linuxhw import gpio
from linuxhw.mock import Board
from tests.cli.conftest import Cli, gpio_chips
from tests.waiting import DEADLINE


def test_detect(cli: Cli) -> None:
    result = cli("gpio", "detect")
    assert (result.status, result.lines) == (
        0,
        ["gpiochip0 [pinctrl-bcm2711] (58 lines)", "gpiochip1 [mock-expander] (16 lines)"],
    )


def test_detect_named_chips(cli: Cli) -> None:
    assert cli("gpio", "detect", "1", "gpiochip0").lines == [
        "gpiochip1 [mock-expander] (16 lines)",
        "gpiochip0 [pinctrl-bcm2711] (58 lines)",
    ]
    assert cli("gpio", "detect", "gpiochip7").status == 1
    missing_first = cli("gpio", "detect", "gpiochip7", "1")  # as gpiodetect: the rest still listed, exit 1
    assert (missing_first.status, missing_first.lines) == (1, ["gpiochip1 [mock-expander] (16 lines)"])
    assert "no GPIO chip named 'gpiochip7'" in missing_first.err


def test_info_of_one_chip_as_gpioinfo_prints_it(cli: Cli, board: Board) -> None:
    result = cli("gpio", "info", "-c", "mock-expander")
    assert result.status == 0
    assert result.lines[0] == "gpiochip1 - 16 lines:"
    assert result.lines[1] == '\tline   0:\t"LED0"          \tinput'
    assert result.lines[8] == '\tline   7:\t"IRQ"           \tinput consumer="mock-irq-hog"'
    assert result.lines[9] == "\tline   8:\tunnamed         \tinput"
    with gpio.request_lines("/dev/gpiochip1", {8: None}, consumer="x", backend=board):
        assert cli("gpio", "info", "-c", "1", "8").out == "gpiochip1 8\tunnamed         \tinput consumer=x\n"
    unquoted = cli("gpio", "info", "--unquoted", "--chip", "1").lines
    assert unquoted[8] == "\tline   7:\tIRQ             \tinput consumer=mock-irq-hog"


def test_info_of_named_lines(cli: Cli, board: Board) -> None:
    with gpio.request_lines(
        "/dev/gpiochip0",
        {"GPIO17": gpio.LineSettings(direction=gpio.Direction.OUTPUT, active_low=True, drive=gpio.Drive.OPEN_DRAIN,
                                     bias=gpio.Bias.PULL_UP)},
        consumer="tour",
        backend=board,
    ):  # fmt: skip
        result = cli("gpio", "info", "GPIO17", "IRQ")
        by_offset = cli("gpio", "info", "-c", "0", "17")
    assert result.lines == [
        'gpiochip0 17\t"GPIO17"        \toutput active-low drive=open-drain bias=pull-up consumer="tour"',
        'gpiochip1 7\t"IRQ"           \tinput consumer="mock-irq-hog"',
    ]
    assert by_offset.lines == result.lines[:1]
    missing = cli("gpio", "info", "NOPE")
    assert missing.status == 1 and "no GPIO line named 'NOPE'" in missing.err


def test_info_json_of_every_chip(cli: Cli) -> None:
    chips = json.loads(cli("gpio", "info", "--json").out)
    assert [c["name"] for c in chips] == ["gpiochip0", "gpiochip1"]
    irq = chips[1]["lines"][7]
    assert irq["name"] == "IRQ" and irq["consumer"] == "mock-irq-hog" and irq["used"] is True
    assert irq["direction"] == "input"


def test_find(cli: Cli) -> None:
    assert cli("gpio", "find", "GPIO17").out == "gpiochip0 17\n"
    found = json.loads(cli("--json", "gpio", "find", "RELAY").out)
    assert (found["chip"], found["chip_label"], found["offset"]) == ("gpiochip1", "mock-expander", 6)
    missing = cli("gpio", "find", "NOPE")
    assert missing.status == 1 and "no GPIO line named 'NOPE'" in missing.err


def test_get_names_offsets_and_chip_option(cli: Cli, board: Board) -> None:
    soc, expander = gpio_chips(board)
    soc.set_pull(22, 1)
    expander.set_pull(5, 1)
    result = cli("gpio", "get", "GPIO22", "1:BTN0", "mock-expander:5", "gpiochip0:23")
    assert result.out == '"GPIO22"=active "1:BTN0"=inactive "mock-expander:5"=active "gpiochip0:23"=inactive\n'
    assert cli("gpio", "get", "--chip", "1", "5", "BTN0").out == '"5"=active "BTN0"=inactive\n'
    assert cli("gpio", "get", "--active-low", "GPIO22").out == '"GPIO22"=inactive\n'
    assert cli("gpio", "get", "--numeric", "GPIO22", "GPIO23").out == "1 0\n"
    assert cli("gpio", "get", "--unquoted", "-p", "1", "GPIO22").out == "GPIO22=active\n"
    assert json.loads(cli("--json", "gpio", "get", "GPIO22", "GPIO23").out) == {"GPIO22": 1, "GPIO23": 0}


def test_get_pull_up_bias_and_consumer(cli: Cli, board: Board) -> None:
    with gpio.Chip(0, backend=board) as chip:
        chip.watch_line_info("GPIO5")
        assert cli("gpio", "get", "--bias", "pull-up", "-C", "probe", "GPIO5").out == '"GPIO5"=active\n'
        requested = chip.read_info_event(timeout=DEADLINE)
    assert requested is not None and requested.info.consumer == "probe"


def test_get_errors(cli: Cli) -> None:
    busy = cli("gpio", "get", "IRQ")
    assert busy.status == 1
    assert "line 7 ('IRQ') is in use by consumer 'mock-irq-hog'" in busy.err and "[EBUSY]" in busy.err
    offset = cli("gpio", "get", "17")
    assert offset.status == 1 and "use CHIP:17 or --chip CHIP" in offset.err
    by_name = cli("gpio", "get", "--by-name", "-c", "0", "17")
    assert by_name.status == 1 and "17" in by_name.err
    out_of_range = cli("gpio", "get", "0:99")
    assert out_of_range.status == 1 and "out of range" in out_of_range.err
    twice = cli("gpio", "get", "GPIO17", "0:17")
    assert twice.status == 1 and "are the same line" in twice.err
    unknown = cli("gpio", "get", "--frobnicate", "GPIO17")
    assert unknown.status == 1 and unknown.err.startswith("usage: linuxhw gpio get ")


def test_set_requests_outputs_and_releases_them(cli: Cli, board: Board) -> None:
    with gpio.Chip(0, backend=board) as chip:
        chip.watch_line_info("GPIO17")
        result = cli("gpio", "set", "--hold-for", "0", "GPIO17=1", "LED0=on", "GPIO18=0")
        assert (result.status, result.out, result.err) == (0, "", "")
        requested, released = chip.read_info_event(timeout=DEADLINE), chip.read_info_event(timeout=DEADLINE)
    assert requested is not None and released is not None
    assert requested.type is gpio.InfoChangeType.REQUESTED
    assert (requested.info.direction, requested.info.consumer) == (gpio.Direction.OUTPUT, "linuxhw-set")
    assert released.type is gpio.InfoChangeType.RELEASED


def test_set_hold_keeps_lines_until_the_time_is_up(cli: Cli, board: Board) -> None:
    soc = gpio_chips(board)[0]
    seen: set[int] = set()

    def look() -> None:  # after every ioctl: the level of line 17 while it is requested
        if soc.is_requested(17):
            seen.add(soc.get_value(17))

    start = time.monotonic()
    with board.observe(look):
        result = cli("gpio", "set", "--hold-for", "300ms", "GPIO17=1")
    assert time.monotonic() - start >= 0.3  # a lower bound: it held at least that long
    assert result.status == 0
    assert seen == {1}
    assert "holding GPIO17 (gpiochip0:17)=1 until 0.3 s or Ctrl-C" in result.err
    assert not soc.is_requested(17)


def test_set_rejects_bad_values_before_touching_lines(cli: Cli) -> None:
    assert cli("gpio", "set", "GPIO17=2").status == 1
    assert cli("gpio", "set", "=1").status == 1
    assert cli("gpio", "set", "--hold-for", "soon", "GPIO17=1").status == 1
    for option in (["-t", "10"], ["-i"], ["-z"], ["--banner"]):
        refused = cli("gpio", "set", *option, "GPIO17=1")
        assert refused.status == 1 and "gpioset's " in refused.err and "not supported by linuxhw" in refused.err
