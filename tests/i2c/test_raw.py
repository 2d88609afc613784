"""Conformance at the ioctl level: the mock gives i2c-dev's errno for every bad call."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from typing import Any

import pytest

from linuxhw._uapi import ffi, lib
from tests.i2c.conftest import I2cWorld


@pytest.fixture
def sim_fd(world: I2cWorld) -> Iterator[int]:
    with world.sim_bus() as bus:
        path = bus.path
    fd = world.backend.open(path, os.O_RDWR)
    yield fd
    world.backend.close(fd)


def _rdwr(msgs: list[tuple[int, int, int]], buffers: list[Any]) -> Any:
    array = ffi.new("struct i2c_msg[]", max(len(msgs), 1))
    for i, (addr, flags, length) in enumerate(msgs):
        array[i].addr, array[i].flags, array[i].len, array[i].buf = addr, flags, length, buffers[i]
    data = ffi.new("struct i2c_rdwr_ioctl_data *")
    data.msgs, data.nmsgs = array, len(msgs)
    return data, array


def test_rdwr_limits(world: I2cWorld, sim_fd: int) -> None:
    ioctl = world.backend.ioctl
    buf = ffi.new("__u8[]", 8200)
    data, keep = _rdwr([], [])
    assert ioctl(sim_fd, lib.I2C_RDWR, data) == -errno.EINVAL  # no messages
    data, keep = _rdwr([(0x50, 0, 1)] * 43, [buf] * 43)
    assert ioctl(sim_fd, lib.I2C_RDWR, data) == -errno.EINVAL  # more than 42
    data, keep = _rdwr([(0x50, 0, 8193)], [buf])
    assert ioctl(sim_fd, lib.I2C_RDWR, data) == -errno.EINVAL  # longer than 8192
    buf[0] = 1
    data, keep = _rdwr([(0x1C, lib.I2C_M_RD | lib.I2C_M_RECV_LEN, 8)], [buf])
    assert ioctl(sim_fd, lib.I2C_RDWR, data) == -errno.EINVAL  # RECV_LEN needs len >= buf[0] + 32
    data, keep = _rdwr([(0x1C, lib.I2C_M_RECV_LEN, 40)], [buf])
    assert ioctl(sim_fd, lib.I2C_RDWR, data) == -errno.EINVAL  # RECV_LEN on a write
    data, keep = _rdwr([(0x3D, 0, 1)], [buf])
    assert ioctl(sim_fd, lib.I2C_RDWR, data) == -errno.ENXIO
    data, keep = _rdwr([(0x50, 0, 1), (0x50, lib.I2C_M_RD, 2)], [buf, buf])
    assert ioctl(sim_fd, lib.I2C_RDWR, data) == 2  # the number of messages
    del keep


def test_addressing_ioctls(world: I2cWorld, sim_fd: int) -> None:
    ioctl = world.backend.ioctl
    assert ioctl(sim_fd, lib.I2C_SLAVE, ffi.cast("void *", 0x80)) == -errno.EINVAL  # 7-bit only
    assert ioctl(sim_fd, lib.I2C_SLAVE, ffi.cast("void *", 0x34)) == -errno.EBUSY
    assert ioctl(sim_fd, lib.I2C_SLAVE_FORCE, ffi.cast("void *", 0x34)) == 0
    assert ioctl(sim_fd, lib.I2C_TENBIT, ffi.cast("void *", 1)) == 0
    assert ioctl(sim_fd, lib.I2C_SLAVE, ffi.cast("void *", 0x2A5)) == 0
    assert ioctl(sim_fd, lib.I2C_SLAVE, ffi.cast("void *", 0x400)) == -errno.EINVAL
    assert ioctl(sim_fd, 0x07FF, ffi.cast("void *", 0)) == -errno.ENOTTY


def test_smbus_ioctl_checks(world: I2cWorld, sim_fd: int) -> None:
    ioctl = world.backend.ioctl
    assert ioctl(sim_fd, lib.I2C_SLAVE, ffi.cast("void *", 0x1C)) == 0
    data = ffi.new("union i2c_smbus_data *")
    args = ffi.new("struct i2c_smbus_ioctl_data *")
    args.read_write, args.command, args.size, args.data = lib.I2C_SMBUS_READ, 0x0F, 9, data
    assert ioctl(sim_fd, lib.I2C_SMBUS, args) == -errno.EINVAL  # no such size
    args.size, args.read_write = lib.I2C_SMBUS_BYTE_DATA, 2
    assert ioctl(sim_fd, lib.I2C_SMBUS, args) == -errno.EINVAL  # neither read nor write
    args.read_write, args.data = lib.I2C_SMBUS_READ, ffi.NULL
    assert ioctl(sim_fd, lib.I2C_SMBUS, args) == -errno.EINVAL  # data needed
    args.data = data
    assert ioctl(sim_fd, lib.I2C_SMBUS, args) == 0 and data.byte == 0x6A
    args.read_write, args.size = lib.I2C_SMBUS_WRITE, lib.I2C_SMBUS_BLOCK_DATA
    data.block[0] = 33
    assert ioctl(sim_fd, lib.I2C_SMBUS, args) == -errno.EINVAL  # block longer than 32


def test_stub_has_no_plain_i2c(world: I2cWorld) -> None:
    with world.stub_bus() as bus:
        path = bus.path
    fd = world.backend.open(path, os.O_RDWR)
    try:
        buf = ffi.new("__u8[]", 4)
        data, keep = _rdwr([(0x1C, 0, 1)], [buf])
        assert world.backend.ioctl(fd, lib.I2C_RDWR, data) == -errno.EOPNOTSUPP
        assert world.backend.ioctl(fd, lib.I2C_SLAVE, ffi.cast("void *", 0x1C)) == 0
        assert world.backend.read(fd, buf, 1) == -errno.EOPNOTSUPP
        del keep
    finally:
        world.backend.close(fd)
