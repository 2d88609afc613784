"""Hooks the cffi builder into setuptools (pyproject.toml holds everything else)."""

from setuptools import setup

setup(cffi_modules=["linuxhw/_build_uapi.py:ffibuilder"])
