"""linuxhw.compat.smbus gives python-smbus's (py-smbus 4.3) signatures, results and exceptions, on the
simulator bus and i2c-stub."""

from __future__ import annotations

import errno
import inspect
from collections.abc import Iterator
from enum import IntEnum

import pytest

from linuxhw import i2c
from linuxhw.compat.smbus import SMBus
from linuxhw.errors import ClosedError
from tests.compat.smbus_calls import check_common_calls
from tests.compat.test_smbus2 import raised_errno
from tests.i2c.conftest import SIM_NAME, STUB_NAME, I2cWorld


class Reg(IntEnum):
    """Drivers name their registers; py-smbus takes anything with __index__."""

    WHO_AM_I = 0x0F


def number(name: str) -> int:
    """The N of /dev/i2c-N for the adapter called ``name``: py-smbus opens buses by number only."""
    with i2c.Bus(name) as bus:
        return bus.number


@pytest.fixture
def sim(world: I2cWorld) -> Iterator[SMBus]:
    bus = SMBus(number(SIM_NAME))
    yield bus
    bus.close()


@pytest.fixture
def stub(world: I2cWorld) -> Iterator[SMBus]:
    bus = SMBus(number(STUB_NAME))
    yield bus
    bus.close()


def test_every_call_with_py_smbus_results(sim: SMBus) -> None:
    check_common_calls(sim, Reg.WHO_AM_I)
    block = sim.read_i2c_block_data(0x1C, 0x30)  # py-smbus's default length: 32
    assert isinstance(block, list) and len(block) == 32 and block[:4] == [1, 2, 3, 4]
    assert sim.block_process_call(0x1C, 0xB0, (1, 2, 3)) == [3, 2, 1]  # any sequence
    assert all(isinstance(sim.read_byte(0x1C), int) for _ in range(2))


def test_arguments_are_positional_and_integer_like(sim: SMBus) -> None:
    """py-smbus parses every transaction with PyArg_ParseTuple: by position, "i" integers."""
    for name in ("write_quick", "read_byte", "write_byte", "read_byte_data", "write_byte_data", "read_word_data",
                 "write_word_data", "process_call", "read_block_data", "write_block_data", "block_process_call",
                 "read_i2c_block_data", "write_i2c_block_data"):  # fmt: skip
        parameters = list(inspect.signature(getattr(SMBus, name)).parameters.values())[1:]
        assert parameters and all(p.kind is inspect.Parameter.POSITIONAL_ONLY for p in parameters), name
    with pytest.raises(TypeError):
        sim.read_byte_data(addr=0x1C, cmd=0x0F)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="'float' object cannot be interpreted as an integer"):
        sim.read_byte_data(0x1C, 15.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="vals must be a list of integers"):
        sim.write_block_data(0x1C, 0xA1, "abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="vals must be a list of integers"):
        sim.write_block_data(0x1C, 0xA1, [1.5])  # type: ignore[list-item]
    with pytest.raises(OverflowError, match="at most 32"):  # py-smbus's exception for a long block
        sim.write_block_data(0x1C, 0xA1, list(range(33)))
    with pytest.raises(OverflowError, match="at most 32"):
        sim.block_process_call(0x1C, 0xB0, list(range(33)))
    with pytest.raises(ValueError, match="register must be a byte"):  # py-smbus would keep the low byte
        sim.write_byte_data(0x1C, 0x100, 0)
    with pytest.raises(ValueError, match="value must be a 16-bit word"):
        sim.write_word_data(0x1C, 0x20, -1)
    with pytest.raises(ValueError, match="vals must hold bytes"):
        sim.write_i2c_block_data(0x1C, 0x30, [256])
    with pytest.raises(ValueError, match=r"address must be 0\.\.0x7f"):  # no 10-bit addressing in py-smbus
        sim.read_byte(0x2A5)


def test_longer_i2c_blocks_than_py_smbus(stub: SMBus) -> None:
    """py-smbus stops at 32 bytes; linuxhw does several SMBus calls on the SMBus-only stub."""
    stub.write_i2c_block_data(0x1C, 0x00, list(range(40)))
    assert stub.read_i2c_block_data(0x1C, 0x00, 40) == list(range(40))


def test_faults_are_oserrors_with_the_kernels_errno(sim: SMBus, stub: SMBus) -> None:
    assert raised_errno(lambda: sim.read_byte(0x3D)) == errno.ENXIO
    assert raised_errno(lambda: sim.read_byte(0x34)) == errno.EBUSY  # a kernel driver holds 0x34
    assert raised_errno(lambda: sim.read_byte(0x34)) == errno.EBUSY  # again: py-smbus would ask 0x3d now
    assert raised_errno(lambda: stub.read_block_data(0x1C, 0x00)) == errno.EOPNOTSUPP  # not in I2C_FUNCS


def test_open_close_and_a_bus_that_is_not_open(world: I2cWorld) -> None:
    bus = SMBus()  # bus=-1: not connected
    for call in (lambda: bus.read_byte(0x1C), lambda: bus.write_quick(0x1C)):
        with pytest.raises(OSError, match="not open") as raised:
            call()
        assert raised.value.errno == errno.EBADF and isinstance(raised.value, ClosedError)
    with pytest.raises(FileNotFoundError) as missing:
        bus.open(99)
    assert missing.value.errno == errno.ENOENT
    bus.open(bus=number(SIM_NAME))
    assert bus.read_byte_data(0x1C, 0x0F) == 0x6A
    bus.open(number(STUB_NAME))  # the simulator's fd is closed first
    bus.write_byte_data(0x1C, 0x01, 0x33)
    assert bus.read_byte_data(0x1C, 0x01) == 0x33
    bus.close()
    bus.close()
    assert raised_errno(lambda: bus.read_byte(0x1C)) == errno.EBADF
    with pytest.raises(TypeError):
        SMBus("1")  # type: ignore[arg-type]


def test_pec_attribute(sim: SMBus, stub: SMBus) -> None:
    assert sim.pec is False
    sim.write_byte_data(0x1C, 0x11, 0x22)
    sim.pec = 1
    assert sim.pec is True
    assert raised_errno(lambda: sim.read_byte_data(0x1C, 0x11)) == errno.EBADMSG  # the model sends no PEC byte
    sim.pec = False
    assert sim.read_byte_data(0x1C, 0x11) == 0x22
    sim.pec = True
    sim.close()
    assert sim.pec is False  # close() turns PEC off, as py-smbus's does
    sim.pec = False  # no change: nothing to ask of a closed bus
    assert raised_errno(lambda: setattr(sim, "pec", True)) == errno.EBADF
    with pytest.raises(TypeError, match="Cannot delete attribute"):
        del sim.pec
    assert raised_errno(lambda: setattr(stub, "pec", True)) == errno.EOPNOTSUPP  # i2c-stub has no PEC
    assert stub.pec is False
