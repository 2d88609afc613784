"""The pin-spec grammar of :meth:`Board.pin`: ``HEADER:N``, ``BOARD<n>``, ``P9_12`` and pin names.

gpiozero reads ``J8:11``, ``BOARD11``, ``GPIO17`` and ``BCM17``; BeagleBone software (Adafruit_BBIO,
Blinka, config-pin) says ``P9_12`` or ``P8_03``. Headers, ``BOARD`` and BeagleBone forms ignore case,
as gpiozero does; names match exactly first, then ignoring case.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linuxhw.boards.model import Board, HeaderPin

__all__ = ["UnknownPinError", "accepted_forms", "find_pin"]


class UnknownPinError(ValueError, LookupError):
    """A spec of no pin's form or name on the board: a ValueError, as every bad spec, and a LookupError,
    so that a caller trying a board's pins after its own names can tell "not a pin" from a malformed one."""


_BOARD = re.compile(r"BOARD(\d+)", re.IGNORECASE)
_HEADER_UNDERSCORE = re.compile(r"([A-Z]+\d*)_(\d+)", re.IGNORECASE)


def find_pin(board: Board, spec: str) -> HeaderPin:
    """The one pin of ``board`` that ``spec`` names (ValueError naming the spec and the accepted forms)."""
    if not isinstance(spec, str):
        hint = f"; for physical pin {spec} use board.board_number({spec})" if isinstance(spec, int) else ""
        raise TypeError(f"a pin spec must be a str such as 'J8:11' or 'GPIO17', not {spec!r}{hint}")
    text = spec.strip()
    header, colon, number = text.partition(":")
    if colon:
        return _on_header(board, spec, header, number)
    match = _BOARD.fullmatch(text)
    if match:
        try:
            return board.board_number(int(match.group(1)))
        except ValueError as exc:
            raise ValueError(f"pin spec {spec!r}: {exc}") from None
    pins = board.names.get(text) or _ignoring_case(board, text)
    if len(pins) == 1:
        return pins[0]
    if pins:
        where = ", ".join(pin.spec for pin in pins)
        raise ValueError(
            f"pin spec {spec!r} names {len(pins)} pins on {board.model} ({where}): name one as {pins[0].header}:<n>"
        )
    match = _HEADER_UNDERSCORE.fullmatch(text)
    if match and match.group(1).upper() in (h.name.upper() for h in board.headers):
        return _on_header(board, spec, match.group(1), match.group(2))
    raise UnknownPinError(f"no pin {spec!r} on {board.model}: name a pin as {accepted_forms(board)}")


def accepted_forms(board: Board) -> str:
    """The forms of pin spec ``board`` accepts, for error messages."""
    forms = [f"{h.name}:<1-{len(h.pins)}>" for h in board.headers]
    if board.main_header is not None:
        forms.append(f"BOARD<1-{len(board.headers[board.main_header].pins)}>")
    gpio = board.gpio_pins()
    if gpio:
        first = gpio[0]
        forms.append(f"a pin name ({first.name}, {', '.join(first.aliases)}) or the kernel's line name")
    return ", ".join(forms)


def _on_header(board: Board, spec: str, header: str, number: str) -> HeaderPin:
    try:
        found = board.header(header)
    except ValueError as exc:
        raise UnknownPinError(f"pin spec {spec!r}: {exc}") from None
    if not number.isdigit():
        raise ValueError(f"pin spec {spec!r}: after {found.name}: comes a physical pin number, as in {_example(board)}")
    try:
        return found.pin(int(number))
    except ValueError as exc:
        raise ValueError(f"pin spec {spec!r}: {exc}") from None


def _ignoring_case(board: Board, text: str) -> tuple[HeaderPin, ...]:
    folded = text.upper()
    found: list[HeaderPin] = []
    for key, pins in board.names.items():
        if key.upper() == folded:
            found.extend(pin for pin in pins if pin not in found)
    return tuple(found)


def _example(board: Board) -> str:
    header = board.headers[board.main_header or 0]
    return f"{header.name}:{len(header.pins) // 4 + 1}"
