"""linuxhw._fastpath, built from linuxhw/_ext/ (one C file per subsystem), still exports every type and
function the one-file module did, with the same members: the split moved code, it removed nothing. The lists
are written out on purpose; the consolidation of issue 27 shortens them where it removes a duplicate."""

from __future__ import annotations

import types

import pytest

from linuxhw import _fastpath

FUNCTIONS = [
    "gpio_get_values",
    "gpio_set_values",
    "edge_events",
    "smbus_value",
    "spi_exchange",
    "dma_heap_alloc",
    "dma_buf_sync",
    "mapping_view",
    "map_shared",
    "c_methods",
    "dma_heap_state",
    "dma_methods",
]

BUFFER_FIELDS = ["writable", "_backend", "_view", "_gate", "_fd", "size", "path", "exporter"]
# each type with what it defines itself (methods, getters, members, the slots Python sees: constructible,
# callable, a context manager, a finalizer)
TYPES = {
    "FdGate": {"__new__", "enter", "leave", "__enter__", "__exit__", "close", "wake_fd", "fd", "busy"},
    "GpioValues": {"__new__", "close", "outputs"},
    "EdgeReads": {"__new__", "close"},
    "I2cChannel": {"__new__", "__enter__", "__exit__", "close", "selected"},
    "SmbusReads": {"__new__"},
    "SpiWriter": {"__new__", "__call__", "close"},
    "BufferBase": {"__new__", "__del__", "map", "close", "cpu_access", *BUFFER_FIELDS},
    "CpuAccess": {"__enter__", "__exit__"},
    "HeapAlloc": set(),
}
BASE_TYPES = {"BufferBase"}  # dmabuf.Buffer subclasses it; the others are final
Py_TPFLAGS_BASETYPE = 1 << 10


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_function_is_still_exported(name: str) -> None:
    function = getattr(_fastpath, name)
    assert isinstance(function, types.BuiltinFunctionType)
    assert function.__name__ == name
    assert function.__module__ == "linuxhw._fastpath"
    assert function.__doc__


@pytest.mark.parametrize("name", sorted(TYPES))
def test_every_type_is_still_exported_with_its_members(name: str) -> None:
    cls = getattr(_fastpath, name)
    assert isinstance(cls, type)
    assert (cls.__module__, cls.__qualname__) == ("linuxhw._fastpath", name)
    assert cls.__doc__
    assert set(vars(cls)) - {"__doc__"} == TYPES[name]
    assert bool(cls.__flags__ & Py_TPFLAGS_BASETYPE) == (name in BASE_TYPES)
