"""Command-line value parsing and the TTY progress line."""

from __future__ import annotations

import io

import pytest

from linuxhw.cli.errors import UsageError
from linuxhw.cli.output import Progress
from linuxhw.cli.values import parse_duration, parse_int, parse_level, parse_size


def test_parse_int_takes_what_i2c_tools_take() -> None:
    assert [parse_int(t, "x") for t in ("0x1c", "28", "0o34", "0b11100", "028")] == [28] * 5
    with pytest.raises(UsageError, match=r"must be 0x8\.\.0x77, not 0x03"):
        parse_int("0x03", "address", 0x08, 0x77)
    with pytest.raises(UsageError, match="must be an integer"):
        parse_int("twelve", "count")


def test_parse_size_and_duration() -> None:
    assert [parse_size(t) for t in ("4096", "0x1000", "4K", "4k", "4KiB", "1M", "1G")] == [
        4096, 4096, 4096, 4096, 4096, 1 << 20, 1 << 30,
    ]  # fmt: skip
    assert [parse_duration(t) for t in ("5ms", "100us", "2s", "0.5", "1500ns")] == pytest.approx(
        [0.005, 0.0001, 2.0, 0.5, 1.5e-6]
    )
    for bad in ("", "4X", "-1"):
        with pytest.raises(UsageError):
            parse_size(bad)
    with pytest.raises(UsageError):
        parse_duration("soon")


def test_parse_level_words() -> None:
    assert [parse_level(w) for w in ("1", "on", "Active", "true", "high")] == [1] * 5
    assert [parse_level(w) for w in ("0", "off", "inactive", "false", "low")] == [0] * 5
    with pytest.raises(UsageError):
        parse_level("2")


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    tty = FakeTty()
    monkeypatch.setattr("sys.stderr", tty)
    with Progress("scanning", 4) as progress:
        progress.update(4)
    assert tty.getvalue().startswith("\rscanning: 100%")
    assert tty.getvalue().endswith("\r")
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    with Progress("scanning", 4) as progress:
        progress.update(4)
    assert pipe.getvalue() == ""
