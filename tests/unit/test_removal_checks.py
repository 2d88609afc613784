"""How linuxhw notices a removed device: the real backend's device_present() (removal or an everyday
errno?) and the slices blocked waits sleep in."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from linuxhw._events import REMOVAL_CHECK_S, wait_slices
from linuxhw._kernel.real import RealBackend


def test_an_open_character_device_is_present() -> None:
    fd = os.open("/dev/null", os.O_RDONLY)
    try:
        assert RealBackend().device_present(fd)
    finally:
        os.close(fd)


def test_a_node_gone_from_under_its_fd_is_not(tmp_path: Path) -> None:
    # devtmpfs unlinks a removed device's node: the open inode's link count drops to 0.
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o600, os.stat("/dev/null").st_rdev)
    except PermissionError:
        pytest.skip("mknod needs CAP_MKNOD")
    fd = os.open(node, os.O_RDONLY)
    try:
        assert RealBackend().device_present(fd)
        node.unlink()
        assert not RealBackend().device_present(fd)
    finally:
        os.close(fd)


def test_an_anonymous_file_that_hung_up_is_not() -> None:
    # A GPIO line request polls POLLHUP|POLLERR once its chip has gone; a socket whose peer left does too.
    here, there = socket.socketpair()
    with here:
        assert RealBackend().device_present(here.fileno())
        there.close()
        assert not RealBackend().device_present(here.fileno())


def test_a_blocked_wait_looks_again_at_least_every_removal_check() -> None:
    # 6.1 does not wake a poll() sleeping on a GPIO fd when the chip goes away: waits come in slices.
    now = [100.0]

    def clock() -> float:
        return now[0]

    def slices(timeout: float | None, count: int) -> list[float]:
        found = []
        for wait in wait_slices(timeout, clock):
            found.append(wait)
            now[0] += wait
            if len(found) == count:
                break
        return found

    assert slices(0, 5) == [0.0]
    assert slices(2.5, 5) == [REMOVAL_CHECK_S, REMOVAL_CHECK_S, 0.5]
    assert slices(None, 4) == [REMOVAL_CHECK_S] * 4
