"""The private names the C code looks up on the library's classes are declared in one place (module.c's
name table), typed in _fastpath.pyi (the protocols mypy checks the classes against), and present on the
classes: a name added to one of them and not the others fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from linuxhw import _fastpath, dmabuf, i2c, spi
from linuxhw.gpio.request import LineRequest

MODULE_C = Path(__file__).resolve().parent.parent.parent / "linuxhw" / "_ext" / "module.c"
STUB = Path(_fastpath.__file__).with_name("_fastpath.pyi")  # installed beside the module

# each private name, the class that must have it, and whether it is a __slots__ member (the C state)
CLASSES = {
    "_c_values": (LineRequest, True),
    "_c_events": (LineRequest, True),
    "_config": (LineRequest, True),
    "_check_sequence": (LineRequest, False),
    "_raise_kernel_error": (LineRequest, False),
    "_c_reads": (i2c.Device, True),
    "_smbus_failed": (i2c.Device, False),
    "_write_failed": (spi.Device, False),
    "_transfer_failed": (spi.Device, False),
    "_c_alloc": (dmabuf.Heap, True),
    "_raise_alloc_error": (dmabuf.Heap, False),
    "_raise_closed": (dmabuf.Buffer, False),
    "_map_failed": (dmabuf.Buffer, False),
    "_sync_failed": (dmabuf.Buffer, False),
}


def table_names() -> set[str]:
    """The private names module.c interns ({&names.member, "text"} rows)."""
    if not MODULE_C.is_file():
        pytest.skip("no linuxhw/_ext/ here (an installed wheel carries no C sources)")
    rows = re.findall(r'\{&names\.[\w\[\]]+, "([^"]+)"\}', MODULE_C.read_text())
    assert rows, "module.c's name table not found"
    return {name for name in rows if name.startswith("_")}


def test_module_c_looks_up_exactly_the_names_listed_here() -> None:
    assert table_names() == set(CLASSES)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_every_name_is_typed_in_the_stub(name: str) -> None:
    declared = re.search(rf"^    (def {name}\(|{name}: )", STUB.read_text(), re.MULTILINE)
    assert declared, f"{name} is in no protocol of {STUB.name}"


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_every_name_is_on_its_class(name: str) -> None:
    cls, slot = CLASSES[name]
    assert hasattr(cls, name)
    if slot:
        assert name in cls.__dict__.get("__slots__", ()), f"{cls.__name__} keeps {name} in its __slots__ for the C"
    else:
        assert callable(getattr(cls, name))
