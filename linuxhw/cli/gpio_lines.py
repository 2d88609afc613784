"""Naming GPIO lines on the command line: ``NAME``, ``CHIP:OFFSET``, ``CHIP:NAME``, or offsets with --chip;
and, on a board linuxhw.boards knows, its header pins: ``J8:11``, ``BOARD11``, ``P9_12``, ``GPIO17``.

A chip is a number, a path, a kernel name (gpiochip0) or a label (pinctrl-bcm2711); a bare
name is looked up across every chip and must be unique on the system. A spec that names no chip's
line is tried as a pin of the board (``--board ID``, else ``$LINUXHW_BOARD``, else the device tree's),
so the kernel's own names always win and a header pin reaches its line by chip label and offset.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linuxhw import gpio
from linuxhw.cli.errors import UsageError
from linuxhw.errors import DeviceNotFoundError
from linuxhw.gpio import Bias, Drive
from linuxhw.gpio.chip import chip_paths

if TYPE_CHECKING:
    from linuxhw import boards

BIASES = {"as-is": Bias.AS_IS, "pull-up": Bias.PULL_UP, "pull-down": Bias.PULL_DOWN, "disabled": Bias.DISABLED}
DRIVES = {d.value: d for d in Drive}


@dataclass(frozen=True)
class LineRef:
    """A line the user named, resolved to its chip and offset."""

    spec: str
    chip_path: str
    chip_name: str
    offset: int
    name: str

    @property
    def label(self) -> str:
        """``GPIO22 (gpiochip0:22)``, or ``gpiochip0:22`` for an unnamed line."""
        where = f"{self.chip_name}:{self.offset}"
        return f"{self.name} ({where})" if self.name else where


def open_chip(spec: str) -> gpio.Chip:
    """A chip by number, path, kernel name or label."""
    return gpio.Chip(int(spec) if spec.isdigit() else spec)


# What a header pin looks like when no board is known: J8:11, BOARD11, P9_12.
_PIN_SHAPE = re.compile(r"[A-Z]+\d+[:_]\d+|BOARD\d+", re.IGNORECASE)
# A chip's kernel name before the colon (gpiochip9:5) is that shape too, but names a chip, never a header:
# a missing one is reported as a missing chip. (A chip number or path never has the shape.)
_CHIP_NAME = re.compile(r"gpiochip\d+")


class LineResolver:
    """Resolves line specs, reading every chip's line names at most once per command."""

    def __init__(self, chip: str | None = None, by_name: bool = False, board: str | None = None) -> None:
        self.chip = chip
        self.by_name = by_name  # --by-name: digits are a name, not an offset on --chip
        self._names: dict[str, list[LineRef]] | None = None
        # --board: whose header pins specs may name (an unknown id fails at once); else found when needed
        self._board: boards.Board | None = None
        if board:  # linuxhw.boards is imported when a board is named or a spec needs one, never for kernel names
            from linuxhw import boards

            self._board = boards.get(board)
        self._board_known = self._board is not None

    @classmethod
    def for_args(cls, args: argparse.Namespace) -> LineResolver:
        """The resolver the chip options (add_chip_options) ask for."""
        return cls(args.chip, args.by_name, args.board)

    def board(self) -> boards.Board | None:
        """The board whose header pins specs may name: --board's, else $LINUXHW_BOARD's or the device
        tree's, looked up once, when a spec first needs it."""
        if not self._board_known:
            from linuxhw import boards

            self._board, self._board_known = boards.current(), True
        return self._board

    def _index(self) -> dict[str, list[LineRef]]:
        if self._names is None:
            names: dict[str, list[LineRef]] = {}
            for path in chip_paths():
                with gpio.Chip(path) as chip:
                    for info in chip.line_infos():
                        if info.name:
                            ref = LineRef(info.name, path, chip.name, info.offset, info.name)
                            names.setdefault(info.name, []).append(ref)
            self._names = names
        return self._names

    def _on_chip(self, chip_spec: str, line: str, spec: str, as_name: bool = False) -> LineRef:
        with open_chip(chip_spec) as chip:
            if line.isdigit() and not as_name:
                offset = chip.line_offset(int(line))  # out of range: ValueError, a usage error
            else:
                try:
                    offset = chip.line_offset(line)
                except ValueError as exc:  # no such name (or not unique) on this chip
                    raise LookupError(str(exc)) from None
            return LineRef(spec, chip.path, chip.name, offset, chip.line_info(offset).name)

    def resolve(self, spec: str) -> LineRef:
        if not spec:
            raise UsageError("a line name must not be empty")
        if self.chip is not None:
            return self._on_chip(self.chip, spec, spec, as_name=self.by_name)
        try:
            return self._on_system(spec)
        except (DeviceNotFoundError, LookupError) as missing:
            return self._on_board(spec, missing)

    def _on_system(self, spec: str) -> LineRef:
        chip_spec, colon, line = spec.rpartition(":")
        if colon and chip_spec and line:
            try:
                return self._on_chip(chip_spec, line, spec)
            except (DeviceNotFoundError, LookupError):
                if spec not in self._index():  # not a line whose name has a colon either
                    raise
        matches = self._index().get(spec, [])
        if len(matches) > 1:
            where = ", ".join(f"{m.chip_name}:{m.offset}" for m in matches)
            raise LookupError(f"GPIO line name {spec!r} is not unique ({where}): name it as CHIP:OFFSET")
        if not matches:
            hint = f"; for offset {spec} use CHIP:{spec} or --chip CHIP" if spec.isdigit() else ""
            raise LookupError(f"no GPIO line named {spec!r} on any chip{hint}")
        found = matches[0]
        return LineRef(spec, found.chip_path, found.chip_name, found.offset, found.name)

    def _on_board(self, spec: str, missing: Exception) -> LineRef:
        """``spec`` as a header pin of the board, after no chip had it (``missing`` says so)."""
        from linuxhw import boards

        board = self.board()
        if board is None:
            if _PIN_SHAPE.fullmatch(spec) and not _CHIP_NAME.fullmatch(spec.rpartition(":")[0]):
                known = ", ".join(b.id for b in boards.known())
                raise LookupError(
                    f"no GPIO chip has a line {spec!r}, and it looks like a header pin, but linuxhw does not know "
                    f"this board: name it with --board ID or ${boards.BOARD_VARIABLE} (one of {known})"
                ) from None
            raise missing
        try:
            pin = board.pin(spec)
        except boards.UnknownPinError:
            if spec.isdigit() and isinstance(missing, LookupError):
                raise LookupError(f"{missing}, or BOARD{spec} for pin {spec} of the {board.model}'s header") from None
            raise missing from None
        except ValueError as exc:  # a header pin's form, but not one of this board's: J8:41, BOARD0
            raise UsageError(str(exc)) from None
        if pin.line is None:
            raise UsageError(f"{spec!r} is pin {pin.spec} of the {board.model}: {pin.name}, not a GPIO line")
        location = boards.locate(pin.line)
        return LineRef(spec, location.chip_path, os.path.basename(location.chip_path), location.offset, location.name)

    def resolve_all(self, specs: Sequence[str]) -> list[LineRef]:
        """Resolve every spec; the same line named twice is a usage error."""
        refs: list[LineRef] = []
        seen: dict[tuple[str, int], str] = {}
        for spec in specs:
            ref = self.resolve(spec)
            key = (ref.chip_path, ref.offset)
            if key in seen:
                raise UsageError(f"{spec!r} and {seen[key]!r} are the same line ({ref.chip_name}:{ref.offset})")
            seen[key] = spec
            refs.append(ref)
        return refs


def by_chip(refs: Sequence[LineRef]) -> dict[str, list[LineRef]]:
    """Group lines by chip path, keeping the order the user gave."""
    groups: dict[str, list[LineRef]] = {}
    for ref in refs:
        groups.setdefault(ref.chip_path, []).append(ref)
    return groups


def add_chip_options(parser: argparse.ArgumentParser) -> None:
    """How libgpiod 2.x's tools scope and print lines: -c/--chip, --by-name, -s/--strict, --unquoted."""
    parser.add_argument("-c", "--chip", help="the chip of the lines (number, path, name or label): offsets allowed")
    parser.add_argument(
        "--board",
        metavar="ID",
        help="the board whose header pins lines may be (J8:11, BOARD11, P9_12): default $LINUXHW_BOARD, "
        "else the device tree's",
    )
    parser.add_argument("--by-name", action="store_true", help="lines are names even if they look like offsets")
    parser.add_argument(
        "-s", "--strict", action="store_true", help="accepted: linuxhw always refuses a name that is not unique"
    )
    parser.add_argument("--unquoted", action="store_true", help="do not quote line and consumer names")


def add_line_options(parser: argparse.ArgumentParser, consumer: str) -> None:
    """What every line-requesting command shares: the chip options, -l, -b and -C."""
    add_chip_options(parser)
    parser.add_argument("-l", "--active-low", action="store_true", help="treat the lines as active-low")
    parser.add_argument("-b", "--bias", choices=tuple(BIASES), default="as-is", help="pull resistor")
    parser.add_argument("-C", "--consumer", default=consumer, help=f"consumer label (default {consumer})")
