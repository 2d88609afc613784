"""How GPIO line info and event timestamps look on the command line."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from linuxhw import gpio


def info_record(info: gpio.LineInfo) -> dict[str, Any]:
    """A LineInfo as JSON-ready values (enums by their values)."""
    return {key: getattr(value, "value", value) for key, value in asdict(info).items()}


def describe_line(line: dict[str, Any]) -> str:
    """``"GPIO17"  consumer="tour" [used, output, active-low]`` from an info record."""
    flags = [line["direction"]]
    if line["used"]:
        flags.insert(0, "used")
    if line["active_low"]:
        flags.append("active-low")
    for key, default in (("bias", "unknown"), ("drive", "push-pull"), ("edge", "none")):
        if line[key] != default:
            flags.append(f"{key}={line[key]}")
    if line["debounce_period"]:
        flags.append(f"debounce={line['debounce_period'] * 1e6:.0f}us")
    if line["event_clock"] != "monotonic":
        flags.append(f"clock={line['event_clock']}")
    name = f'"{line["name"]}"' if line["name"] else "unnamed"
    consumer = f' consumer="{line["consumer"]}"' if line["consumer"] else ""
    return f"{name:<16}{consumer} [{', '.join(flags)}]"


def timestamp(ns: int) -> str:
    """Nanoseconds as ``seconds.nanoseconds``."""
    return f"{ns // 1_000_000_000}.{ns % 1_000_000_000:09d}"
