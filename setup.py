"""Hooks the C parts into setuptools (pyproject.toml holds everything else): the cffi builder of
linuxhw._uapi, and linuxhw._fastpath, the plain CPython calls of the per-operation hot paths."""

from setuptools import Extension, setup

setup(
    cffi_modules=["linuxhw/_build_uapi.py:ffibuilder"],
    ext_modules=[
        Extension(
            "linuxhw._fastpath",
            ["linuxhw/_fastpath.c"],
            include_dirs=["cdefs/uapi"],  # the vendored kernel uAPI headers, before the system's
            extra_compile_args=["-Wall", "-Wextra"],
        )
    ],
)
