"""linuxhw.compat.smbus2 and the real smbus2 on the same kernel devices: same results, same errnos."""

from __future__ import annotations

import errno
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import smbus2

import linuxhw
import linuxhw.i2c
from linuxhw._kernel.real import RealBackend
from linuxhw.compat import smbus2 as ours
from tests.i2c.conftest import SIM_NAME, STUB_NAME

pytestmark = pytest.mark.kernel

Call = Callable[[Any, Any], object]  # (SMBus, i2c_msg class) -> result


def rdwr(bus: Any, msg: Any) -> bytes:
    reply = msg.read(0x50, 8)
    bus.i2c_rdwr(msg.write(0x50, [0x00]), reply)
    return bytes(reply)


SEQUENCE: list[tuple[str, Call]] = [
    ("write byte data", lambda bus, msg: bus.write_byte_data(0x1C, 0x10, 0x42)),
    ("read byte data", lambda bus, msg: bus.read_byte_data(0x1C, 0x10)),
    ("send byte", lambda bus, msg: bus.write_byte(0x1C, 0x10)),
    ("receive byte", lambda bus, msg: bus.read_byte(0x1C)),
    ("quick", lambda bus, msg: bus.write_quick(0x1C)),
    ("write word", lambda bus, msg: bus.write_word_data(0x1C, 0x20, 0xBEEF)),
    ("read word", lambda bus, msg: bus.read_word_data(0x1C, 0x20)),
    ("process call", lambda bus, msg: bus.process_call(0x1C, 0x24, 0x1234)),
    ("i2c block write", lambda bus, msg: bus.write_i2c_block_data(0x1C, 0x30, [1, 2, 3, 4, 5])),
    ("i2c block read", lambda bus, msg: bus.read_i2c_block_data(0x1C, 0x30, 5)),
    ("block write", lambda bus, msg: bus.write_block_data(0x1C, 0xA1, [7, 8, 9])),
    ("block read", lambda bus, msg: bus.read_block_data(0x1C, 0xA0)),
    ("block process call", lambda bus, msg: bus.block_process_call(0x1C, 0xB0, [1, 2, 3])),
    ("absent address", lambda bus, msg: bus.read_byte(0x3D)),
    ("address a driver owns", lambda bus, msg: bus.read_byte(0x34)),
    ("forced past the driver", lambda bus, msg: bus.read_byte(0x34, force=True)),
    ("combined transfer", rdwr),
    ("combined transfer to nobody", lambda bus, msg: bus.i2c_rdwr(msg.write(0x3D, [0]))),
]


def outcome(call: Call, bus: Any, msg: Any) -> object:
    """The call's result, or the errno of the OSError it raised."""
    try:
        return call(bus, msg)
    except OSError as exc:
        return ("errno", exc.errno)


def outcomes(bus: Any, msg: Any) -> list[object]:
    return [outcome(call, bus, msg) for _, call in SEQUENCE]


def number(adapter: str) -> int:
    with linuxhw.i2c.Bus(adapter) as bus:
        return bus.number


@pytest.fixture
def real() -> Iterator[None]:
    with linuxhw.use_backend(RealBackend()):
        yield


@pytest.mark.parametrize("adapter", [SIM_NAME, STUB_NAME])
def test_same_outcomes_as_smbus2(real: None, adapter: str) -> None:
    """The whole sequence on each library in turn: every write comes before the reads that check it."""
    with ours.SMBus(adapter) as mine, smbus2.SMBus(number(adapter)) as theirs:
        expected = outcomes(theirs, smbus2.i2c_msg)
        got = outcomes(mine, ours.i2c_msg)
        assert int(mine.funcs) == int(theirs.funcs)
    names = [what for what, _ in SEQUENCE]
    theirs_by_name, ours_by_name = dict(zip(names, expected)), dict(zip(names, got))
    if adapter == STUB_NAME:  # the one intended difference: linuxhw sends nothing the adapter does not advertise
        assert theirs_by_name.pop("block write") is None  # i2c-stub carries it out all the same
        assert ours_by_name.pop("block write") == ("errno", errno.EOPNOTSUPP)
    assert ours_by_name == theirs_by_name


@pytest.mark.parametrize("pec", [0, 1])
def test_same_pec_outcome_as_smbus2(real: None, pec: int) -> None:
    with ours.SMBus(SIM_NAME) as mine, smbus2.SMBus(number(SIM_NAME)) as theirs:
        mine.pec = theirs.pec = pec
        theirs.write_byte_data(0x1C, 0x11, 0x22)
        mine.write_byte_data(0x1C, 0x12, 0x22)
        assert outcome(READ_BACK, mine, ours.i2c_msg) == outcome(READ_BACK, theirs, smbus2.i2c_msg)


READ_BACK: Call = lambda bus, msg: bus.read_byte_data(0x1C, 0x11)  # noqa: E731
