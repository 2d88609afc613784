"""``linuxhw probe``: everything this machine (or the mock board) offers."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from linuxhw import gpio


def register(commands: Any) -> None:
    parser = commands.add_parser("probe", help="list the hardware this library can drive")
    parser.set_defaults(run=run)


def board_model() -> str | None:
    """The board's model from the device tree, where there is one."""
    try:
        return Path("/proc/device-tree/model").read_text().rstrip("\0\n")
    except OSError:
        return None


def collect(backend_name: str) -> dict[str, Any]:
    chips = []
    for info in gpio.chips():
        with gpio.Chip(info.name) as chip:
            used = sum(1 for line in chip.line_infos() if line.used)
        chips.append({**asdict(info), "lines_in_use": used})
    model = "linuxhw mock demo board" if backend_name == "mock" else board_model()
    return {"backend": backend_name, "model": model, "gpio_chips": chips}


def render(data: dict[str, Any]) -> str:
    lines = [f"board: {data['model'] or 'unknown'} (backend: {data['backend']})", "GPIO chips:"]
    lines += [
        f"  {c['name']} [{c['label']}] {c['num_lines']} lines, {c['lines_in_use']} in use" for c in data["gpio_chips"]
    ]
    if not data["gpio_chips"]:
        lines.append("  none found")
        if data["backend"] == "real":
            lines.append("No hardware here? Try the demo board: linuxhw --backend mock probe")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from linuxhw.cli.main import emit

    emit(args, collect(args.backend), render)
    return 0
