"""linuxhw.compat.smbus against python-smbus itself — py-smbus's own C module (i2c-tools 4.3's smbusmodule.c,
Debian's python3-smbus; built by scripts/peer-tools) — call by call: on buses that are not open (the
arguments' forms and errors, which py-smbus checks before any ioctl) here, and on the kernel's i2c-stub in
the kernel tier: the same results, the same exceptions with the same errnos, and the differences the face
documents, as documented."""

from __future__ import annotations

import errno
import importlib.util
import os
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterator
from enum import IntEnum
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import linuxhw
from linuxhw import i2c
from linuxhw._kernel.real import RealBackend
from linuxhw.compat import smbus as face
from tests.i2c.conftest import STUB_NAME

REPO = Path(__file__).resolve().parents[2]


class Reg(IntEnum):
    CONFIG = 0x10


def python_smbus() -> ModuleType:
    """py-smbus's C module, from the directory scripts/peer-tools built it in (imported by path, not installed)."""
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "peer-tools"), "--py-smbus"],
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    if done.returncode != 0:
        reason = f"scripts/peer-tools could not build python-smbus:\n{done.stderr[-2000:]}"
        if os.environ.get("LINUXHW_REQUIRE_PEERS"):  # the kernel tier: built on the host before the boot
            pytest.fail(reason)
        pytest.skip(reason)  # e.g. a platform root without make or network
    path = Path(done.stdout.strip()) / f"smbus{sysconfig.get_config_var('EXT_SUFFIX')}"  # others' may be there too
    spec = importlib.util.spec_from_file_location("smbus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def closed() -> tuple[Any, face.SMBus]:
    """python-smbus's and the face's SMBus, neither connected to a bus."""
    return python_smbus().SMBus(), face.SMBus()


@pytest.fixture
def buses() -> Iterator[tuple[Any, face.SMBus]]:
    """python-smbus's and the face's SMBus, both on the i2c-stub scripts/vmtest loaded (0x1c, 0x50)."""
    with linuxhw.use_backend(RealBackend()) as real:
        with i2c.Bus(STUB_NAME, backend=real) as stub:
            number = stub.number
        theirs, ours = python_smbus().SMBus(number), face.SMBus(number)
        yield theirs, ours
        theirs.close()
        ours.close()
    # a descriptor left on the stub's bus would keep i2c-stub loaded: every later test that reloads it would fail
    assert not fds_on(f"/dev/i2c-{number}"), "a descriptor on the i2c-stub bus outlived both SMBus objects"


def fds_on(path: str) -> list[str]:
    """This process's file descriptors open on ``path``."""
    fds = Path("/proc/self/fd")
    return [fd.name for fd in fds.iterdir() if os.path.realpath(fd) == path]


def outcome(call: Callable[[Any], object], bus: Any) -> tuple[str, object]:
    """What ``call(bus)`` did: its result, or the exception's kind (and errno for an OSError)."""
    try:
        return ("returned", call(bus))
    except OSError as exc:
        return ("OSError", exc.errno)
    except (TypeError, OverflowError, ValueError) as exc:
        return (type(exc).__name__, None)


SAME: list[tuple[str, Callable[[Any], object]]] = [
    ("write_quick", lambda b: b.write_quick(0x1C)),
    ("write_byte_data", lambda b: b.write_byte_data(0x1C, 0x10, 0x5A)),
    ("read_byte_data", lambda b: b.read_byte_data(0x1C, 0x10)),
    ("an IntEnum register", lambda b: b.read_byte_data(0x1C, Reg.CONFIG)),
    ("write_word_data", lambda b: b.write_word_data(0x1C, 0x20, 0xBEEF)),
    ("read_word_data", lambda b: b.read_word_data(0x1C, 0x20)),
    # i2c-stub's receive byte reads at its pointer and moves it on: each side sets the pointer first
    ("write_byte, then read_byte", lambda b: (b.write_byte(0x1C, 0x20), b.read_byte(0x1C))),
    ("write_i2c_block_data", lambda b: b.write_i2c_block_data(0x1C, 0x30, [1, 2, 3, 4])),
    ("read_i2c_block_data", lambda b: b.read_i2c_block_data(0x1C, 0x30, 4)),
    ("read_i2c_block_data's 32", lambda b: b.read_i2c_block_data(0x1C, 0x30)),
    ("nobody at 0x3d", lambda b: b.read_byte(0x3D)),
    ("nobody at 0x3d, word", lambda b: b.read_word_data(0x3D, 0)),
    ("process_call i2c-stub lacks", lambda b: b.process_call(0x1C, 0x40, 1) and None),
    ("pec, off", lambda b: b.pec),
    # not open(99) on an open bus: py-smbus's open() overwrites its fd without closing it, and the leaked
    # descriptor would keep i2c-stub loaded (NOT_OPEN below tries it on a bus that is not open)
]

# What py-smbus checks before any ioctl, and what a bus that is not open answers (fd -1: EBADF).
NOT_OPEN: list[tuple[str, Callable[[Any], object]]] = [
    ("read_byte", lambda b: b.read_byte(0x1C)),
    ("write_quick", lambda b: b.write_quick(0x1C)),
    ("read_byte_data again", lambda b: b.read_byte_data(0x1C, 0x10)),
    ("read_i2c_block_data's default", lambda b: b.read_i2c_block_data(0x1C, 0x30)),
    ("write_block_data", lambda b: b.write_block_data(0x1C, 0x00, [1, 2])),
    ("block_process_call", lambda b: b.block_process_call(0x1C, 0x00, [1, 2])),
    ("process_call", lambda b: b.process_call(0x1C, 0x40, 1)),
    ("a float register", lambda b: b.read_byte_data(0x1C, 15.0)),
    ("a str address", lambda b: b.read_byte("0x1c")),
    ("keywords", lambda b: b.read_byte_data(addr=0x1C, cmd=0x10)),
    ("too many arguments", lambda b: b.read_byte(0x1C, 0)),
    ("too few", lambda b: b.write_byte_data(0x1C, 0)),
    ("a block of 33", lambda b: b.write_block_data(0x1C, 0x00, list(range(33)))),
    ("a block process call of 33", lambda b: b.block_process_call(0x1C, 0x00, list(range(33)))),
    ("a string block", lambda b: b.write_i2c_block_data(0x1C, 0x00, "abc")),
    ("a block of floats", lambda b: b.write_block_data(0x1C, 0x00, [1.0])),
    ("an IntEnum register", lambda b: b.read_byte_data(0x1C, Reg.CONFIG)),
    ("pec", lambda b: b.pec),
    ("pec off, unchanged", lambda b: setattr(b, "pec", False)),
    ("pec on", lambda b: setattr(b, "pec", 1)),
    ("close", lambda b: b.close()),
    ("open a bus that is not there", lambda b: b.open(99)),
    ("open by name", lambda b: b.open("sensors")),
]


def test_argument_forms_and_a_bus_not_open_as_python_smbus(closed: tuple[Any, face.SMBus]) -> None:
    theirs, ours = closed
    for what, call in NOT_OPEN:
        assert outcome(call, ours) == outcome(call, theirs), what
    assert outcome(type(theirs), "1") == outcome(face.SMBus, "1") == ("TypeError", None)
    assert outcome(type(theirs), 1.0) == outcome(face.SMBus, 1.0) == ("TypeError", None)
    assert outcome(lambda bus: bus(bus=-1).pec, type(theirs)) == outcome(lambda bus: bus(bus=-1).pec, face.SMBus)


def test_documented_differences_on_a_bus_not_open(closed: tuple[Any, face.SMBus]) -> None:
    theirs, ours = closed
    block = list(range(33))  # an I2C block: more than 32 bytes are one I2C transfer here
    assert outcome(lambda b: b.write_i2c_block_data(0x1C, 0x00, block), theirs) == ("OverflowError", None)
    assert outcome(lambda b: b.write_i2c_block_data(0x1C, 0x00, block), ours) == ("OSError", errno.EBADF)
    assert outcome(lambda b: b.write_block_data(0x1C, 0x00, (1, 2)), theirs) == ("TypeError", None)  # lists only
    assert outcome(lambda b: b.write_block_data(0x1C, 0x00, (1, 2)), ours) == ("OSError", errno.EBADF)
    # del bus.pec: py-smbus 4.3 takes the missing value's truth before it sees a deletion and crashes;
    # the face raises the TypeError py-smbus meant to
    assert outcome(lambda b: delattr(b, "pec"), ours) == ("TypeError", None)


@pytest.mark.kernel
def test_the_same_results_and_errors_as_python_smbus(buses: tuple[Any, face.SMBus]) -> None:
    theirs, ours = buses
    for what, call in SAME:
        assert outcome(call, ours) == outcome(call, theirs), what


@pytest.mark.kernel
def test_a_closed_bus_fails_with_ebadf_in_both(buses: tuple[Any, face.SMBus]) -> None:
    for bus in buses:
        bus.close()
        bus.close()
        assert outcome(lambda b: b.read_byte(0x1C), bus) == ("OSError", errno.EBADF)
        assert outcome(lambda b: b.pec, bus) == ("returned", False)


@pytest.mark.kernel
def test_the_documented_differences(buses: tuple[Any, face.SMBus]) -> None:
    theirs, ours = buses
    theirs.write_word_data(0x1C, 0x20, -1)  # py-smbus keeps the low 16 bits
    assert theirs.read_word_data(0x1C, 0x20) == 0xFFFF
    assert outcome(lambda b: b.write_word_data(0x1C, 0x20, -1), ours) == ("ValueError", None)
    theirs.pec = True  # sets a flag i2c-stub (no PEC) ignores
    assert theirs.pec is True and theirs.read_byte_data(0x1C, 0x20) == 0xFF
    assert outcome(lambda b: setattr(b, "pec", True), ours) == ("OSError", errno.EOPNOTSUPP)
    assert outcome(lambda b: b.write_block_data(0x1C, 0x00, (1, 2)), theirs) == ("TypeError", None)  # lists only
    assert outcome(lambda b: b.write_i2c_block_data(0x1C, 0x00, (1, 2)), ours) == ("returned", None)
