"""Fuzzing the mock kernel the way a broken caller would: real ioctl numbers on every kind of mock file,
with random struct contents or a NULL argument. The mock answers 0 or -errno like the kernel (EINVAL,
EFAULT, ENOTTY, ...), and never raises.

Structs holding user pointers (I2C_RDWR, I2C_SMBUS, SPI_IOC_MESSAGE) and fd numbers the mock would use
on this process's own files (UDMABUF_CREATE*) get NULL only: random addresses are not fuzzable in-process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linuxhw import dmabuf, gpio, i2c, spi
from linuxhw._uapi import ffi, lib
from tests.fuzz.harness import fuzzed
from tests.fuzz.profiles import FUZZ

# ioctl -> what its argument points to (None: the argument is a number, not a pointer)
STRUCTS: dict[int, str | None] = {
    lib.GPIO_GET_CHIPINFO_IOCTL: "struct gpiochip_info",
    lib.GPIO_V2_GET_LINEINFO_IOCTL: "struct gpio_v2_line_info",
    lib.GPIO_V2_GET_LINEINFO_WATCH_IOCTL: "struct gpio_v2_line_info",
    lib.GPIO_GET_LINEINFO_UNWATCH_IOCTL: "__u32",
    lib.GPIO_V2_GET_LINE_IOCTL: "struct gpio_v2_line_request",
    lib.GPIO_V2_LINE_SET_CONFIG_IOCTL: "struct gpio_v2_line_config",
    lib.GPIO_V2_LINE_GET_VALUES_IOCTL: "struct gpio_v2_line_values",
    lib.GPIO_V2_LINE_SET_VALUES_IOCTL: "struct gpio_v2_line_values",
    lib.DMA_HEAP_IOCTL_ALLOC: "struct dma_heap_allocation_data",
    lib.DMA_BUF_IOCTL_SYNC: "struct dma_buf_sync",
    lib.SPI_IOC_RD_MODE: "__u8",
    lib.SPI_IOC_WR_MODE: "__u8",
    lib.SPI_IOC_RD_MODE32: "__u32",
    lib.SPI_IOC_WR_MODE32: "__u32",
    lib.SPI_IOC_RD_LSB_FIRST: "__u8",
    lib.SPI_IOC_WR_LSB_FIRST: "__u8",
    lib.SPI_IOC_RD_BITS_PER_WORD: "__u8",
    lib.SPI_IOC_WR_BITS_PER_WORD: "__u8",
    lib.SPI_IOC_RD_MAX_SPEED_HZ: "__u32",
    lib.SPI_IOC_WR_MAX_SPEED_HZ: "__u32",
    lib.I2C_FUNCS: "unsigned long",
    lib.I2C_SLAVE: None,
    lib.I2C_SLAVE_FORCE: None,
    lib.I2C_TENBIT: None,
    lib.I2C_PEC: None,
    lib.I2C_RETRIES: None,
    lib.I2C_TIMEOUT: None,
}
NULL_ONLY = [lib.I2C_RDWR, lib.I2C_SMBUS, lib.lhw_spi_ioc_message(1), lib.UDMABUF_CREATE, lib.UDMABUF_CREATE_LIST]
FILES = ["gpiochip", "line request", "i2c", "spidev", "heap", "dma-buf", "udmabuf"]


@contextmanager
def _open_file(kind: str) -> Iterator[int]:
    """An fd of the current mock board of this kind (through the public API, closed afterwards)."""
    with ExitStack() as stack:
        if kind == "gpiochip":
            handle: Any = stack.enter_context(gpio.Chip(0))
        elif kind == "line request":
            handle = stack.enter_context(gpio.request_lines(0, {(0, 1): None}))
        elif kind == "i2c":
            handle = stack.enter_context(i2c.Bus(1))
        elif kind == "spidev":
            handle = stack.enter_context(spi.Device((0, 0)))
        elif kind == "heap":
            handle = stack.enter_context(dmabuf.Heap("system"))
        elif kind == "dma-buf":
            handle = stack.enter_context(dmabuf.allocate(4096))
        else:
            handle = stack.enter_context(dmabuf.Udmabuf())
        yield handle._kernel_fd()


@pytest.mark.parametrize("kind", FILES)
@FUZZ
@given(data=st.data())
def test_mock_ioctl_answers_errno(kind: str, data: st.DataObject) -> None:
    with fuzzed("mock ioctl", allow=lambda call: True) as world, _open_file(kind) as fd:
        request = data.draw(st.sampled_from([*STRUCTS, *NULL_ONLY]) | st.integers(0, 2**32 - 1))
        ctype = STRUCTS.get(request)
        if request in NULL_ONLY or request not in STRUCTS or data.draw(st.booleans()):
            arg: Any = ffi.NULL
        elif ctype is None:
            arg = ffi.cast("void *", data.draw(st.integers(0, 2**64 - 1)))
        else:
            raw = data.draw(st.binary(min_size=ffi.sizeof(ctype), max_size=ffi.sizeof(ctype)))
            arg = ffi.new(f"{ctype} *")
            ffi.memmove(arg, raw, len(raw))
        ret = world.board.ioctl(fd, request, arg)
        assert isinstance(ret, int)
        if request == lib.GPIO_V2_GET_LINE_IOCTL and ret == 0:
            world.board.close(arg.fd)  # a request the random bytes made
        elif request == lib.DMA_HEAP_IOCTL_ALLOC and ret == 0:
            world.board.close(arg.fd)
        else:
            assert ret >= 0 or 1 <= -ret < 4096, f"not 0 or -errno: {ret}"
