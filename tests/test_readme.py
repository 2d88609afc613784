"""The README's examples run as doctests on the mock board, so the tour stays true."""

from __future__ import annotations

import doctest
from pathlib import Path

import linuxhw

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_examples() -> None:
    previous = linuxhw.get_backend()
    try:
        result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)
    finally:
        linuxhw.set_backend(previous)
    assert result.attempted > 20
    assert result.failed == 0


def test_module_docstring_examples() -> None:
    import linuxhw.mock

    result = doctest.testmod(linuxhw.mock)
    assert result.attempted > 0
    assert result.failed == 0
