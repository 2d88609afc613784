"""linuxhw.compat.smbus2 gives smbus2's results and exceptions, on the simulator bus and i2c-stub."""

from __future__ import annotations

import errno
from collections.abc import Callable

import pytest

from linuxhw.compat.smbus2 import I2cFunc, SMBus, i2c_msg
from tests.compat.smbus_calls import check_common_calls
from tests.i2c.conftest import SIM_NAME, STUB_NAME, I2cWorld


def raised_errno(call: Callable[[], object]) -> int | None:
    """The errno of the OSError that ``call`` raises (the test fails when it raises none)."""
    try:
        call()
    except OSError as exc:
        return exc.errno
    pytest.fail("no OSError raised")


def test_every_smbus_call_with_smbus2_return_types(world: I2cWorld) -> None:
    with SMBus(SIM_NAME) as bus:
        assert bus.funcs & I2cFunc.I2C and isinstance(bus.funcs, I2cFunc)
        assert isinstance(bus.fd, int)
        check_common_calls(bus)
        assert bus.address == 0x1C  # the last one used


def test_i2c_rdwr_with_i2c_msg(world: I2cWorld) -> None:
    with SMBus(SIM_NAME) as bus:
        bus.i2c_rdwr(i2c_msg.write(0x50, [0x00, ord("h"), ord("i")]))
        write, read = i2c_msg.write(0x50, "\x00"), i2c_msg.read(0x50, 2)
        bus.i2c_rdwr(write, read)
        assert bytes(read) == b"hi" and list(read) == [104, 105] and len(read) == 2
        assert read.buf[0] == b"h" and read.buf[0:2] == b"hi" and str(read) == "hi"
        assert repr(read) == "i2c_msg(80,1,b'hi')"
        with pytest.raises(TypeError, match="i2c_msg"):
            bus.i2c_rdwr(b"\x00")  # type: ignore[arg-type]


def test_longer_i2c_blocks_than_smbus2(world: I2cWorld) -> None:
    """smbus2 refuses more than 32 bytes; linuxhw does one transfer (or several SMBus calls)."""
    with SMBus(STUB_NAME) as bus:
        bus.write_i2c_block_data(0x1C, 0x00, list(range(40)))
        assert bus.read_i2c_block_data(0x1C, 0x00, 40) == list(range(40))
        with pytest.raises(ValueError, match="cannot exceed 32"):
            bus.write_block_data(0x1C, 0x00, list(range(33)))


def test_faults_are_oserrors_with_the_kernels_errno(world: I2cWorld) -> None:
    with SMBus(SIM_NAME) as bus:
        assert raised_errno(lambda: bus.read_byte(0x3D)) == errno.ENXIO
        assert raised_errno(lambda: bus.read_byte(0x34)) == errno.EBUSY
        assert (
            raised_errno(lambda: bus.read_byte(0x34, force=True)) == errno.ENXIO
        )  # force passes the driver; no chip answers behind it
    with SMBus(STUB_NAME) as stub:
        assert raised_errno(lambda: stub.i2c_rdwr(i2c_msg.read(0x1C, 1))) == errno.EOPNOTSUPP
        with pytest.raises(OSError, match="SMBUS_PEC is not a feature"):
            stub.pec = 1


def test_pec_open_close_and_bad_input(world: I2cWorld) -> None:
    with SMBus() as bus:
        with pytest.raises(ValueError, match="not open"):
            bus.read_byte(0x1C)
        with pytest.raises(TypeError, match="Unexpected type"):
            bus.open(1.5)  # type: ignore[arg-type]
        bus.open(SIM_NAME)
        bus.pec = 1
        assert bus.pec == 1
        bus.write_byte_data(0x1C, 0x11, 0x22)
        assert (
            raised_errno(lambda: bus.read_byte_data(0x1C, 0x11)) == errno.EBADMSG
        )  # the register model sends no PEC byte back
        bus.enable_pec(False)
        assert bus.read_byte_data(0x1C, 0x11) == 0x22
        with pytest.raises(ValueError, match="value must be a byte"):
            bus.write_byte_data(0x1C, 0x11, 256)
        bus.close()
        assert bus.fd is None and bus.pec == 0
        with pytest.raises(ValueError, match="not open"):
            bus.write_quick(0x1C)
