"""The real backend's device_present(): how linuxhw tells a removed device from an everyday errno."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

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
