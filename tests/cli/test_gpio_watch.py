"""``linuxhw gpio mon`` and ``gpio notify`` (gpiomon, gpionotify 2.x): events, lost events, -n, Ctrl-C."""

from __future__ import annotations

import contextlib
import gc
import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from linuxhw import gpio
from linuxhw.mock import Board
from tests.cli.conftest import REPO, Cli, gpio_chips, linuxhw_process, wait_until_used
from tests.waiting import DEADLINE, child_process, read_line

# Commands that wait for events give up after this long without one, so a test whose driver thread
# failed ends (and shows the thread's error) instead of waiting for ever.
IDLE = f"{DEADLINE:g}s"


@contextmanager
def in_thread(action: Callable[[], None]) -> Iterator[None]:
    """Run ``action`` in a thread beside the block; its exception, if any, fails the test afterwards."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join(DEADLINE)
    assert not thread.is_alive(), "the thread driving the lines did not finish"
    if failures:
        raise failures[0]


def toggler(board: Board, offset: int, levels: list[int], hold_lock: bool = False) -> Callable[[], None]:
    """Once the line is requested, drive its pull through ``levels`` (inside the board lock: all at once,
    before the command can read any; otherwise each edge is queued as its pull is set)."""
    soc = gpio_chips(board)[0]

    def drive() -> None:
        wait_until_used(board, "/dev/gpiochip0", offset)
        with board.lock if hold_lock else contextlib.nullcontext():
            for level in levels:
                soc.set_pull(offset, level)

    return drive


def test_mon_prints_each_edge_and_stops_after_count(cli: Cli, board: Board) -> None:
    with in_thread(toggler(board, 22, [1, 0, 1])):
        result = cli("gpio", "mon", "--idle-timeout", IDLE, "--num-events", "3", "GPIO22")
    assert result.status == 0
    assert "watching GPIO22 (gpiochip0:22) for both edges; Ctrl-C stops" in result.err
    rows = [line.split("\t") for line in result.lines]  # gpiomon's: TIMESTAMP<TAB>EDGE<TAB>"NAME"
    assert [row[1:] for row in rows] == [["rising", '"GPIO22"'], ["falling", '"GPIO22"'], ["rising", '"GPIO22"']]
    stamps = [float(row[0]) for row in rows]
    assert stamps == sorted(stamps)
    with gpio.Chip(0, backend=board) as chip:
        assert not chip.line_info(22).used


def test_mon_rising_only_with_format_on_two_chips(cli: Cli, board: Board) -> None:
    expander = gpio_chips(board)[1]

    def drive() -> None:
        wait_until_used(board, "/dev/gpiochip1", 4)
        toggler(board, 22, [1, 0])()
        expander.set_pull(4, 1)

    with in_thread(drive):
        result = cli(
            "gpio",
            "mon",
            "--idle-timeout",
            IDLE,
            "-e",
            "rising",
            "-n",
            "2",
            "-F",
            "%c %o %l %E %e %q %% %z %",
            "GPIO22",
            "BTN0",
        )
    assert result.status == 0
    assert result.lines == ["gpiochip0 22 GPIO22 rising 1 1 % %z %", "gpiochip1 4 BTN0 rising 1 1 % %z %"]


def test_mon_json_lines(cli: Cli, board: Board) -> None:
    with in_thread(toggler(board, 22, [1])):
        result = cli("--json", "gpio", "mon", "--idle-timeout", IDLE, "-n", "1", "GPIO22")
    record = json.loads(result.out)
    assert {k: record[k] for k in ("chip", "offset", "name", "type", "seqno", "line_seqno")} == {
        "chip": "gpiochip0", "offset": 22, "name": "GPIO22", "type": "rising", "seqno": 1, "line_seqno": 1,
    }  # fmt: skip


def test_mon_flags_events_the_kernel_dropped(cli: Cli, board: Board) -> None:
    # Six edges land while mon cannot read; a 2-event kernel buffer keeps the last two.
    with in_thread(toggler(board, 22, [1, 0, 1, 0, 1, 0], hold_lock=True)):
        result = cli("gpio", "mon", "--idle-timeout", IDLE, "--buffer-size", "2", "-n", "2", "-F", "%q %E", "GPIO22")
    assert result.status == 0
    assert result.lines == ["5 rising", "6 falling"]
    assert "4 event(s) lost on gpiochip0 before seqno 5: the kernel's event buffer overflowed" in result.err


def test_mon_lost_events_in_json(cli: Cli, board: Board) -> None:
    with in_thread(toggler(board, 22, [1, 0, 1, 0], hold_lock=True)):
        result = cli("--json", "gpio", "mon", "--idle-timeout", IDLE, "--buffer-size", "2", "-n", "2", "GPIO22")
    records = [json.loads(line) for line in result.lines]
    assert records[0] == {"lost": 2, "chip": "gpiochip0", "before_seqno": 3}
    assert [r["seqno"] for r in records[1:]] == [3, 4]


def test_mon_idle_timeout_ends_quietly(cli: Cli) -> None:
    result = cli("gpio", "mon", "-q", "--idle-timeout", "50ms", "GPIO22")
    assert (result.status, result.out, result.err) == (0, "", "")


def test_mon_quiet_prints_nothing_but_counts_events(cli: Cli, board: Board) -> None:
    with in_thread(toggler(board, 22, [1, 0])):
        result = cli("gpio", "mon", "-q", "--idle-timeout", IDLE, "-n", "2", "GPIO22")
    assert (result.status, result.out, result.err) == (0, "", "")


def test_mon_timestamps_utc_and_realtime(cli: Cli, board: Board) -> None:
    with in_thread(toggler(board, 22, [1])):
        result = cli("gpio", "mon", "-E", "realtime", "--idle-timeout", IDLE, "-n", "1", "-F", "%U|%S", "GPIO22")
    with in_thread(toggler(board, 22, [0])):
        utc = cli("gpio", "mon", "--utc", "--idle-timeout", IDLE, "-n", "1", "GPIO22")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z\|\d+\.\d{9}", result.lines[0]), result.lines
    assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z\tfalling\t"GPIO22"', utc.lines[0]), utc.lines


def test_mon_usage_errors(cli: Cli) -> None:
    assert cli("gpio", "mon", "-n", "0", "GPIO22").status == 1
    assert cli("gpio", "mon", "-p", "soon", "GPIO22").status == 1
    assert cli("gpio", "mon", "--banner", "GPIO22").status == 1


def test_mon_debounce_is_requested(cli: Cli, board: Board) -> None:
    soc = gpio_chips(board)[0]
    seen: set[int] = set()

    def look() -> None:  # after every ioctl: what the request asked of line 22
        if soc.is_requested(22):
            seen.add(soc.lines[22].debounce_us)

    with board.observe(look):
        cli("gpio", "mon", "-q", "--debounce-period", "5ms", "--idle-timeout", "50ms", "GPIO22")
        cli("gpio", "mon", "-q", "-p", "7", "--idle-timeout", "50", "GPIO22")  # bare numbers: milliseconds
    assert seen == {5000, 7000}


def watched_then_used(board: Board, chip: int, line: str, consumer: str) -> Callable[[], None]:
    """Once a command watches the line's info, request it and release it again."""
    mock_chip = gpio_chips(board)[chip]

    def use_line() -> None:
        offset = mock_chip.line_names.index(line)
        board.wait_for(lambda: mock_chip.is_watched(offset), f"a watch on {line}'s info", DEADLINE)
        with gpio.request_lines(chip, {line: None}, consumer=consumer, backend=board):
            pass

    return use_line


def test_notify_reports_requests_and_releases(cli: Cli, board: Board) -> None:
    with in_thread(watched_then_used(board, 0, "GPIO17", "someone")):
        result = cli("gpio", "notify", "-n", "2", "--idle-timeout", IDLE, "GPIO17")
    assert result.status == 0
    assert [row.split("\t")[1:] for row in result.lines] == [["requested", '"GPIO17"'], ["released", '"GPIO17"']]
    with in_thread(watched_then_used(board, 0, "GPIO17", "someone")):
        custom = cli("gpio", "notify", "-c", "0", "-n", "1", "--idle-timeout", IDLE, "-F", "%e %E %o %l|%C|%a", "17")
    assert custom.lines == ['1 requested 17 GPIO17|someone|input consumer="someone"']


def test_notify_event_filter_and_json(cli: Cli, board: Board) -> None:
    with in_thread(watched_then_used(board, 1, "LED0", "x")):  # as gpionotify, the last -e wins
        result = cli(
            "--json", "gpio", "notify", "-n", "1", "-e", "requested", "-e", "released", "--idle-timeout", IDLE, "LED0"
        )
    record = json.loads(result.out)
    assert (record["type"], record["chip"], record["info"]["name"]) == ("released", "gpiochip1", "LED0")


# -- a signal never lost by a wait ----------------------------------------------------------------------
# A signal taken by another thread runs its C handler there and leaves the main thread's wait blocked,
# as one that lands just before the wait starts does: only the signal pipe can end such a wait.


@pytest.fixture
def no_finalizers() -> Iterator[None]:
    """No garbage collection while the test runs: Python raises KeyboardInterrupt wherever the main thread
    is, and inside a finalizer the collector ran it would be swallowed ("Exception ignored in")."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def interrupt_from_another_thread(after: Callable[[], None] = lambda: None) -> threading.Thread:
    def interrupt() -> None:
        after()
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)

    thread = threading.Thread(target=interrupt, daemon=True)
    thread.start()
    return thread


@pytest.mark.usefixtures("no_finalizers")
def test_a_signal_taken_elsewhere_ends_the_hold(cli: Cli, board: Board) -> None:
    soc = gpio_chips(board)[0]
    start = time.monotonic()
    thread = interrupt_from_another_thread(lambda: board.wait_for(lambda: soc.is_requested(17), "GPIO17 held"))
    result = cli("gpio", "set", "--hold-for", f"{DEADLINE:g}s", "GPIO17=1")
    assert result.status == 130
    assert time.monotonic() - start < DEADLINE, "the hold ran its whole time despite Ctrl-C"
    thread.join(DEADLINE)
    assert not thread.is_alive()


@pytest.mark.usefixtures("no_finalizers")
@pytest.mark.parametrize("command", ["mon", "notify"])
def test_a_signal_taken_elsewhere_ends_a_watch(cli: Cli, board: Board, command: str) -> None:
    soc = gpio_chips(board)[0]
    ready = (lambda: soc.is_requested(22)) if command == "mon" else (lambda: soc.is_watched(22))
    thread = interrupt_from_another_thread(lambda: board.wait_for(ready, f"gpio {command} on GPIO22", DEADLINE))
    # Without the pipe the command would wait out the idle timeout (then exit 0): the status tells.
    assert cli("gpio", command, "--idle-timeout", IDLE, "GPIO22").status == 130
    thread.join(DEADLINE)
    assert not thread.is_alive()


# -- Ctrl-C and SIGTERM in a real process --------------------------------------------------------------


def _started(proc: subprocess.Popen[str]) -> str:
    line = read_line(proc.stderr, "the command's 'linuxhw: ...' line saying it started")
    assert line.startswith("linuxhw: "), line
    return line


def test_ctrl_c_stops_mon_cleanly() -> None:
    with linuxhw_process("--backend", "mock", "gpio", "mon", "GPIO22", "BTN0") as proc:
        assert "watching GPIO22 (gpiochip0:22), BTN0 (gpiochip1:4)" in _started(proc)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert (out, err) == ("", "")


RUN_ON_DEMO = (
    "import sys; from linuxhw.cli import main; from linuxhw.mock import demo_board\n"
    "board = demo_board(); status = main(sys.argv[1:], backend=board)\n"
    "print('open fds after exit:', board.open_files()); sys.exit(status)\n"
)


@pytest.mark.parametrize(
    ("args", "sig", "status"),
    [
        (["gpio", "mon", "GPIO22"], signal.SIGINT, 130),
        (["gpio", "notify", "GPIO22"], signal.SIGINT, 130),
        (["gpio", "set", "GPIO17=1", "LED0=1"], signal.SIGINT, 130),
        (["gpio", "mon", "GPIO22"], signal.SIGTERM, 143),
        (["gpio", "set", "GPIO17=1"], signal.SIGTERM, 143),
    ],
)
def test_signals_release_every_line(args: list[str], sig: signal.Signals, status: int) -> None:
    with child_process(
        [sys.executable, "-c", RUN_ON_DEMO, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO
    ) as proc:
        _started(proc)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == status
    assert out == "open fds after exit: 0\n"
    assert err == ""
