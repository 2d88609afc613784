"""How the kernel writes what both backends read: numbered node names, fdinfo's ``key:\tvalue`` lines."""

from __future__ import annotations

import re
from typing import Any

_NUMBER = re.compile(r"(\d+)")


def natural_key(path: str) -> list[Any]:
    """Sort key putting gpiochip2 before gpiochip10."""
    return [int(part) if part.isdigit() else part for part in _NUMBER.split(path)]


def parse_fdinfo(text: str) -> dict[str, str]:
    """``key:<tab>value`` lines of an fdinfo file as a dict."""
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:  # "key:\tvalue"; values such as a dma-buf's name keep their own spaces
            fields[key] = value[1:] if value.startswith("\t") else value.strip()
    return fields
