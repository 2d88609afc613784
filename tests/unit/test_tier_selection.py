"""What the kernel tier's guest runs (tests/conftest.py): what reaches the kernel, and any path named."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import named_on_the_command_line, reaches_the_kernel

REPO = Path(__file__).resolve().parents[2]


def item(*markers: str, **params: Any) -> Any:
    return SimpleNamespace(keywords=dict.fromkeys(markers, True), callspec=SimpleNamespace(params=params))


@pytest.mark.parametrize(
    ("test", "runs_in_the_guest"),
    [
        (item("kernel"), True),
        (item("guest"), True),
        (item(backend_name="real"), True),
        (item(backend="real", minutes="0.25"), True),
        (item(backend_name="mock"), False),
        (item("mock_only"), False),
        (item(err=110), False),
        (SimpleNamespace(keywords={}), False),
    ],
)
def test_the_guest_runs_what_reaches_the_kernel(test: Any, runs_in_the_guest: bool) -> None:
    assert reaches_the_kernel(test) is runs_in_the_guest


def test_paths_named_on_the_command_line_become_node_id_prefixes() -> None:
    config: Any = SimpleNamespace(
        rootpath=REPO,
        args=[
            "tests",
            str(REPO / "tests" / "cli"),
            "tests/gpio/test_chip.py::test_x[mock]",
            "tests/i2c/test_raw.py",
            ".",
        ],
    )
    assert named_on_the_command_line(config) == (
        "tests/cli/",
        "tests/gpio/test_chip.py::test_x[mock]",
        "tests/i2c/test_raw.py::",
    )
