"""Conformance at the ioctl level: the mock must give the kernel's errno for every bad call."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from typing import Any

import pytest

from linuxhw._uapi import ffi, lib
from tests.conftest import GpioSimulator


@pytest.fixture
def chip_fd(sim: GpioSimulator) -> Iterator[tuple[GpioSimulator, int]]:
    chip = sim.add_chip(4)
    fd = sim.backend.open(sim.path(chip), os.O_RDWR)
    yield sim, fd
    sim.backend.close(fd)


def _request(offsets: list[int], flags: int) -> Any:
    request = ffi.new("struct gpio_v2_line_request *")
    request.offsets[0 : len(offsets)] = offsets
    request.num_lines = len(offsets)
    request.config.flags = flags
    return request


def _ioctl(sim: GpioSimulator, fd: int, request: int, arg: Any) -> int:
    return sim.backend.ioctl(fd, request, arg)


IN = lib.GPIO_V2_LINE_FLAG_INPUT
OUT = lib.GPIO_V2_LINE_FLAG_OUTPUT


@pytest.mark.parametrize(
    ("offsets", "flags", "tweak", "expected"),
    [
        ([], IN, None, errno.EINVAL),
        ([9], IN, None, errno.EINVAL),
        ([0], IN | OUT, None, errno.EINVAL),
        ([0], lib.GPIO_V2_LINE_FLAG_EDGE_RISING, None, errno.EINVAL),
        ([0], IN | lib.GPIO_V2_LINE_FLAG_OPEN_DRAIN, None, errno.EINVAL),
        ([0], lib.GPIO_V2_LINE_FLAG_BIAS_PULL_UP, None, errno.EINVAL),
        ([0], IN | lib.GPIO_V2_LINE_FLAG_BIAS_PULL_UP | lib.GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN, None, errno.EINVAL),
        ([0], OUT | lib.GPIO_V2_LINE_FLAG_OPEN_DRAIN | lib.GPIO_V2_LINE_FLAG_OPEN_SOURCE, None, errno.EINVAL),
        ([0], IN | (1 << 40), None, errno.EINVAL),
        ([0], IN, "request-padding", errno.EINVAL),
        ([0], IN, "config-padding", errno.EINVAL),
        ([0], IN, "too-many-attrs", errno.EINVAL),
        ([0], OUT, "debounce-output", errno.EINVAL),
        ([0, 0], IN, None, errno.EBUSY),
        ([0], IN | lib.GPIO_V2_LINE_FLAG_EDGE_RISING | lib.GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE, None, errno.EOPNOTSUPP),
    ],
)
def test_bad_line_requests(
    chip_fd: tuple[GpioSimulator, int], offsets: list[int], flags: int, tweak: str | None, expected: int
) -> None:
    sim, fd = chip_fd
    request = _request(offsets, flags)
    if tweak == "request-padding":
        request.padding[2] = 1
    elif tweak == "config-padding":
        request.config.padding[0] = 1
    elif tweak == "too-many-attrs":
        request.config.num_attrs = 11
    elif tweak == "debounce-output":
        request.config.num_attrs = 1
        request.config.attrs[0].attr.id = lib.GPIO_V2_LINE_ATTR_ID_DEBOUNCE
        request.config.attrs[0].attr.debounce_period_us = 10
        request.config.attrs[0].mask = 1
    assert _ioctl(sim, fd, lib.GPIO_V2_GET_LINE_IOCTL, request) == -expected


def test_line_info_errors(chip_fd: tuple[GpioSimulator, int]) -> None:
    sim, fd = chip_fd
    info = ffi.new("struct gpio_v2_line_info *")
    info.offset = 4
    assert _ioctl(sim, fd, lib.GPIO_V2_GET_LINEINFO_IOCTL, info) == -errno.EINVAL
    info.offset = 0
    info.padding[1] = 1
    assert _ioctl(sim, fd, lib.GPIO_V2_GET_LINEINFO_IOCTL, info) == -errno.EINVAL
    unwatched = ffi.new("__u32 *", 2)
    assert _ioctl(sim, fd, lib.GPIO_GET_LINEINFO_UNWATCH_IOCTL, unwatched) == -errno.EBUSY


def test_request_fd_errors(chip_fd: tuple[GpioSimulator, int]) -> None:
    sim, fd = chip_fd
    request = _request([0, 1], IN)
    request.config.num_attrs = 1
    request.config.attrs[0].attr.id = lib.GPIO_V2_LINE_ATTR_ID_FLAGS
    request.config.attrs[0].attr.flags = OUT
    request.config.attrs[0].mask = 0b10
    assert _ioctl(sim, fd, lib.GPIO_V2_GET_LINE_IOCTL, request) == 0
    req_fd = request.fd
    try:
        values = ffi.new("struct gpio_v2_line_values *")
        assert _ioctl(sim, req_fd, lib.GPIO_V2_LINE_GET_VALUES_IOCTL, values) == -errno.EINVAL  # empty mask
        values.mask = values.bits = 0b01
        assert _ioctl(sim, req_fd, lib.GPIO_V2_LINE_SET_VALUES_IOCTL, values) == -errno.EPERM  # an input
        values.mask = 0b100
        assert _ioctl(sim, req_fd, lib.GPIO_V2_LINE_SET_VALUES_IOCTL, values) == -errno.EINVAL  # not in request
        values.mask = values.bits = 0b10
        assert _ioctl(sim, req_fd, lib.GPIO_V2_LINE_SET_VALUES_IOCTL, values) == 0
        assert _ioctl(sim, req_fd, lib.GPIO_GET_CHIPINFO_IOCTL, ffi.new("struct gpiochip_info *")) == -errno.EINVAL
        buf = ffi.new("struct gpio_v2_line_event[]", 2)
        assert sim.backend.read(req_fd, buf, 8) == -errno.EINVAL  # smaller than one event
        sim.backend.set_blocking(req_fd, False)
        assert sim.backend.read(req_fd, buf, ffi.sizeof(buf)) == -errno.EAGAIN
    finally:
        sim.backend.close(req_fd)
