"""cffi builder for ``linuxhw._uapi``: kernel uAPI structs, constants and ioctl numbers.

API mode: the C compiler includes the real ``<linux/...>`` headers, so every struct
layout and ioctl number in the declarations of ``cdefs/`` is checked on the building
machine instead of being trusted from Python.
"""

from __future__ import annotations

from pathlib import Path

from cffi import FFI

CDEFS = Path(__file__).resolve().parent.parent / "cdefs"
# Declaration files in dependency order: common types first.
DECLARATIONS = ("common.h", "gpio.h", "i2c.h", "spi.h", "dmabuf.h")

ffibuilder = FFI()
for name in DECLARATIONS:
    ffibuilder.cdef((CDEFS / name).read_text())
ffibuilder.set_source("linuxhw._uapi", (CDEFS / "source.c").read_text())

if __name__ == "__main__":
    ffibuilder.compile(tmpdir=str(Path(__file__).resolve().parent.parent), verbose=True)
