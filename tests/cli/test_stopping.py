"""The signal pipe behind the CLI's waits: a signal whose C handler already ran still ends the wait."""

from __future__ import annotations

import os
import selectors
import signal

from linuxhw.cli import stopping
from tests.waiting import DEADLINE


def _wakeup_fd() -> int:
    fd = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(fd)
    return fd


def test_the_pipe_is_installed_only_while_a_command_runs() -> None:
    before = _wakeup_fd()
    with stopping.signals_stop_the_command():
        assert _wakeup_fd() not in (-1, before)
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    assert _wakeup_fd() == before
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_byte_from_a_signal_wakes_a_watching_selector() -> None:
    with stopping.signals_stop_the_command(), selectors.DefaultSelector() as selector:
        stopping.watch_signals(selector)
        os.write(_wakeup_fd(), bytes([signal.SIGINT]))  # what the C handler writes, wherever it ran
        assert [key.data for key, _ in selector.select(DEADLINE)] == [stopping.SIGNALLED]
        stopping.drain_signals()
        assert selector.select(0) == []


def test_sleep_drains_a_signal_whose_handler_did_not_raise() -> None:
    with stopping.signals_stop_the_command():
        os.write(_wakeup_fd(), bytes([signal.SIGUSR1]))
        stopping.sleep(0.01)
        with selectors.DefaultSelector() as selector:
            stopping.watch_signals(selector)
            assert selector.select(0) == []
