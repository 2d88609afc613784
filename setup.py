"""Hooks the C parts into setuptools (pyproject.toml holds everything else): the cffi builder of
linuxhw._uapi, and linuxhw._fastpath, the C core of the hot paths (module functions the kernel backend
binds, C methods and C state of the public classes), built from linuxhw/_ext/: one C file per subsystem,
the FdGate's, and module.c, which registers them."""

from setuptools import Extension, setup

EXT = "linuxhw/_ext"
SOURCES = ["module.c", "gate.c", "gpio.c", "i2c.c", "spi.c", "dmabuf.c"]

setup(
    cffi_modules=["linuxhw/_build_uapi.py:ffibuilder"],
    ext_modules=[
        Extension(
            "linuxhw._fastpath",
            [f"{EXT}/{name}" for name in SOURCES],
            depends=[f"{EXT}/internal.h"],  # every file includes it: a change rebuilds them all
            include_dirs=["cdefs/uapi"],  # the vendored kernel uAPI headers, before the system's
            # hidden: the files share their functions with each other, not with other libraries (only
            # PyInit__fastpath is exported, as when the module was one file of static functions)
            extra_compile_args=["-Wall", "-Wextra", "-fvisibility=hidden"],
        )
    ],
)
