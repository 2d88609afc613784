"""cffi builder for ``linuxhw._uapi``: kernel uAPI structs, constants and ioctl numbers.

API mode: the C compiler includes the kernel's own ``<linux/...>`` headers, vendored from one
release in ``cdefs/uapi/`` and found before the build machine's, so every struct layout and
ioctl number in the declarations of ``cdefs/`` is checked by the compiler instead of being
trusted from Python, and every build has every constant whatever its linux-libc-dev.
"""

from __future__ import annotations

from pathlib import Path

from cffi import FFI

CDEFS = Path(__file__).resolve().parent.parent / "cdefs"
UAPI_HEADERS = CDEFS / "uapi"  # scripts/vendor-headers
# Declaration files in dependency order: common types first.
DECLARATIONS = ("common.h", "gpio.h", "i2c.h", "spi.h", "dmabuf.h")

ffibuilder = FFI()
for name in DECLARATIONS:
    ffibuilder.cdef((CDEFS / name).read_text())
ffibuilder.set_source("linuxhw._uapi", (CDEFS / "source.c").read_text(), include_dirs=[str(UAPI_HEADERS)])

if __name__ == "__main__":
    ffibuilder.compile(tmpdir=str(Path(__file__).resolve().parent.parent), verbose=True)
