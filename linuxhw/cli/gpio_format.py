"""How GPIO lines, values and event timestamps look on the command line: libgpiod 2.x tools' text.

Written from what gpioinfo/gpioget/gpiomon/gpionotify 2.2 print (the kernel tier compares byte for
byte); JSON records are linuxhw's own.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict
from typing import Any, Callable

from linuxhw import gpio
from linuxhw.cli.errors import UsageError

TIMESTAMP_RAW, TIMESTAMP_UTC, TIMESTAMP_LOCAL = 0, 1, 2
_PERIOD = re.compile(r"^(\d+)(us|ms|s|m)?$")
_PERIOD_US = {"us": 1, "ms": 1000, "s": 1_000_000, "m": 60_000_000, None: 1000}


def info_record(info: gpio.LineInfo) -> dict[str, Any]:
    """A LineInfo as JSON-ready values (enums by their values)."""
    return {key: getattr(value, "value", value) for key, value in asdict(info).items()}


def quoted(text: str, unquoted: bool) -> str:
    return text if unquoted else f'"{text}"'


def line_attributes(line: dict[str, Any], unquoted: bool = False) -> str:
    """``output active-low drive=open-drain bias=pull-up edges=both ... consumer="x"``, gpioinfo's order."""
    words = ["input" if line["direction"] == "input" else "output"]
    if line["active_low"]:
        words.append("active-low")
    if line["drive"] != "push-pull":
        words.append(f"drive={line['drive']}")
    if line["bias"] in ("pull-up", "pull-down", "disabled"):
        words.append(f"bias={line['bias']}")
    if line["edge"] != "none":
        words.append(f"edges={line['edge']}")
    if line["event_clock"] != "monotonic":
        words.append(f"event-clock={line['event_clock']}")
    debounce_us = round(line["debounce_period"] * 1e6)
    if debounce_us:
        for unit, size in (("s", 1_000_000), ("ms", 1000), ("us", 1)):
            if debounce_us % size == 0:
                words.append(f"debounce-period={debounce_us // size}{unit}")
                break
    if line["used"]:
        words.append(f"consumer={quoted(line['consumer'] or 'kernel', unquoted)}")
    return " ".join(words)


def name_column(name: str, unquoted: bool) -> str:
    """gpioinfo's name column: padded to 16 characters and a tab; ``unnamed`` is never quoted."""
    if not name:
        return f"{'unnamed':<16}\t"
    text = quoted(name, unquoted)
    return f"{text:<16}\t" if unquoted or len(name) <= 14 else f"{text}\t"


def describe_line(line: dict[str, Any], unquoted: bool = False) -> str:
    """A line as gpioinfo prints it after its position: name column, then attributes (an unnamed
    line's consumer unquoted too, as gpioinfo 2.2 prints it)."""
    unquoted = unquoted or not line["name"]
    return name_column(line["name"], unquoted) + line_attributes(line, unquoted)


def line_id(chip: str, offset: int, name: str, chip_given: bool, unquoted: bool) -> str:
    """How gpiomon and gpionotify name a line: ``"NAME"``, ``CHIP OFFSET "NAME"`` with -c, or ``CHIP OFFSET``."""
    if not name:
        return f"{chip} {offset}"
    return (f"{chip} {offset} " if chip_given else "") + quoted(name, unquoted)


def timestamp(ns: int) -> str:
    """Nanoseconds as ``seconds.nanoseconds``."""
    return f"{ns // 1_000_000_000}.{ns % 1_000_000_000:09d}"


def event_time(ns: int, style: int) -> str:
    """A timestamp as raw seconds, or as UTC (``...Z``) or local ISO time, as libgpiod's tools print it."""
    if style == TIMESTAMP_RAW:
        return timestamp(ns)
    convert: Callable[[float], time.struct_time] = time.gmtime if style == TIMESTAMP_UTC else time.localtime
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", convert(ns // 1_000_000_000))
    return f"{stamp}.{ns % 1_000_000_000:09d}" + ("Z" if style == TIMESTAMP_UTC else "")


def parse_period(text: str) -> float:
    """A period as libgpiod's tools take it -> seconds: ``10`` (milliseconds), ``10us``, ``10ms``, ``10s``, ``1m``."""
    match = _PERIOD.match(text)
    if not match:
        raise UsageError(f"invalid period: {text} (e.g. 10, 10us, 10ms, 2s or 1m; a bare number is milliseconds)")
    return int(match[1]) * _PERIOD_US[match[2]] / 1e6
