"""Reading the rows: ratios, the targets, the stdout table, the JSON file and the PNG chart."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core import LINUXHW, RAW, Row

# Chart colours, one per comparison, the same in every panel.
COLOURS = {
    "C floor": "#444444",
    RAW: "#aaaaaa",
    "gpiod": "#1f77b4",
    "periphery": "#ff7f0e",
    "smbus2": "#2ca02c",
    "spidev xfer2": "#d62728",
    "spidev xfer3": "#9467bd",
    "spidev writebytes2": "#8c564b",
}
PANELS = (("GPIO", ("GPIO",)), ("I2C", ("I2C stub", "I2C sim")), ("SPI", ("SPI",)),
          ("DMA-BUF", ("DMA heap", "DMA udmabuf")))  # fmt: skip
FLOOR_LIMIT = 1.5


@dataclass(frozen=True)
class Ratio:
    """linuxhw's median over another implementation's, for one operation (below 1: linuxhw is faster)."""

    group: str
    op: str
    versus: str
    kind: str
    ratio: float
    low: float  # linuxhw's fastest sample over the other's slowest
    high: float


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    limit: float
    at_most: bool  # value <= limit passes (else value >= limit)
    detail: str
    low: float | None = None  # for "not slower than a peer": the ratio of linuxhw's best sample to its worst

    @property
    def met(self) -> bool:
        return self.value <= self.limit if self.at_most else self.value >= self.limit

    @property
    def verdict(self) -> str:
        """met, MISS, or tie: the median is over the limit but the two sample ranges overlap, so this
        run cannot tell linuxhw from the peer (the same syscall from C on both sides, say)."""
        if self.met:
            return "met"
        return "tie" if self.low is not None and self.low <= self.limit else "MISS"


def by_op(rows: Iterable[Row]) -> dict[tuple[str, str], list[Row]]:
    out: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        out.setdefault((row.group, row.op), []).append(row)
    return out


def ratios(rows: list[Row]) -> list[Ratio]:
    found = []
    for (group, op), members in by_op(rows).items():
        ours = next((r for r in members if r.kind == "linuxhw" and r.ok), None)
        if ours is None:
            continue
        for other in members:
            if other is ours or not other.ok:
                continue
            low, high = min(ours.samples) / max(other.samples), max(ours.samples) / min(other.samples)
            found.append(Ratio(group, op, other.impl, other.kind, ours.median / other.median, low, high))
    return found


def _median(rows: list[Row], group: str, op: str, impl: str) -> float | None:
    for row in rows:
        if (row.group, row.op, row.impl) == (group, op, impl) and row.ok:
            return row.median
    return None


def targets(rows: list[Row]) -> list[Target]:
    """The issue's targets, from whatever this run measured."""
    found: list[Target] = []
    all_ratios = ratios(rows)
    floor_and_peers = [("GPIO", "get 1 line"), ("GPIO", "set 1 line"), ("I2C stub", "read byte data"),
                       ("I2C sim", "read byte data")]  # fmt: skip
    for group, op in floor_and_peers:
        for r in all_ratios:
            if (r.group, r.op) != (group, op) or r.kind == "variant":
                continue
            if r.kind == "floor":
                found.append(Target(f"{group} {op}: linuxhw/C floor", r.ratio, FLOOR_LIMIT, True, "≤ 1.5x the C floor"))
            else:
                found.append(Target(f"{group} {op}: linuxhw/{r.versus}", r.ratio, 1.0, True, "faster than every peer",
                                    r.low))  # fmt: skip
    for group, op in by_op(rows):
        if group != "SPI":
            continue
        ours = _median(rows, group, op, LINUXHW)
        paths = ("spidev xfer2", "spidev xfer3") if op.startswith("full duplex") else ("spidev writebytes2",)
        theirs = [r for r in all_ratios if (r.group, r.op) == (group, op) and r.versus in paths]
        if theirs:
            fastest = max(theirs, key=lambda r: r.ratio)  # the peer path linuxhw is slowest against
            found.append(Target(f"SPI {op}: linuxhw/fastest spidev", fastest.ratio, 1.0, True,
                                "never slower than py-spidev's fastest path", fastest.low))  # fmt: skip
        xfer2 = _median(rows, group, op, "spidev xfer2")
        if op == "full duplex 4 KiB" and ours is not None and xfer2 is not None:
            found.append(Target(f"SPI {op}: spidev xfer2/linuxhw", xfer2 / ours, 5.0, False, "≥ 5x the list path"))
    batch = _median(rows, "GPIO", "edge drain, many per read", LINUXHW)
    single = _median(rows, "GPIO", "edge drain, one per read", LINUXHW)
    if batch is not None and single is not None:
        found.append(Target("GPIO edge events/s: many per read ÷ one per read", single / batch, 10.0, False,
                            "≥ 10x the events/s of one event per read()"))  # fmt: skip
    return found


def _fmt(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def table(rows: list[Row], meta: dict[str, Any]) -> str:
    lines = [f"linuxhw benchmark — {meta['date']} — {meta['machine']}",
             f"median of {meta['repeats']} loops of ~{meta['target_ms']} ms [min .. max]; ratio = linuxhw ÷ this "
             "(below 1: linuxhw is faster)", ""]  # fmt: skip
    ratio_of = {(r.group, r.op, r.versus): r.ratio for r in ratios(rows)}
    for (group, op), members in by_op(rows).items():
        lines.append(f"{group} · {op}")
        for row in members:
            if row.ok:
                spread = f"[{_fmt(min(row.samples))} .. {_fmt(max(row.samples))}]"
                ratio = ratio_of.get((group, op, row.impl))
                ratio_text = f"{ratio:7.2f}" if ratio is not None else "       "
                note = f"  ({row.note})" if row.note else ""
                lines.append(f"    {row.impl:<22} {_fmt(row.median):>9} {row.unit:<9} {spread:<22} {ratio_text}{note}")
            else:
                state = (
                    f"ERROR {row.error}"
                    if row.error
                    else f"skipped: {row.skipped}"
                    if row.skipped
                    else f"n/a: {row.na}"
                )
                lines.append(f"    {row.impl:<22} {state}")
    lines += ["", "targets (judged from full runs" + (", this is a quick run)" if meta["quick"] else ")")]
    for t in targets(rows):
        lines.append(f"    {t.verdict:<4}  {t.name:<58} {t.value:7.2f}   ({t.detail})")
    return "\n".join(lines)


def as_json(rows: list[Row], meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "meta": meta,
        "results": [row.as_json() for row in rows],
        "ratios": [r.__dict__ for r in ratios(rows)],
        "targets": [{**t.__dict__, "met": t.met, "verdict": t.verdict} for t in targets(rows)],
    }


def write_json(path: Path, rows: list[Row], meta: dict[str, Any]) -> None:
    path.write_text(json.dumps(as_json(rows, meta), indent=1, ensure_ascii=False) + "\n")


def read_json(path: Path) -> tuple[list[Row], dict[str, Any]]:
    """The rows and meta data of a file written by :func:`write_json`."""
    data = json.loads(path.read_text())
    rows = [
        Row(
            r["group"],
            r["op"],
            r["impl"],
            r["kind"],
            list(r.get("samples", [])),
            r.get("unit", "µs/op"),
            r.get("note", ""),
            r.get("skipped", ""),
            r.get("n/a", ""),
            r.get("error", ""),
        )
        for r in data["results"]
    ]
    return rows, data["meta"]


def markdown(rows: list[Row]) -> str:
    """The README's summary: linuxhw's median per operation and its ratio to each peer and floor."""
    columns = ["C floor", RAW, "gpiod", "periphery", "smbus2", "spidev xfer2", "spidev xfer3",
               "spidev writebytes2"]  # fmt: skip
    ratio_of = {(r.group, r.op, r.versus): r.ratio for r in ratios(rows)}
    used = [c for c in columns if any(key[2] == c for key in ratio_of)]
    lines = ["| operation | linuxhw | " + " | ".join(f"÷ {c}" for c in used) + " |",
             "| --- | ---: | " + " | ".join("---:" for _ in used) + " |"]  # fmt: skip
    for (group, op), members in by_op(rows).items():
        ours = next((r for r in members if r.kind == "linuxhw" and r.ok), None)
        if ours is None:
            continue
        cells = [f"{ratio_of[(group, op, c)]:.2f}" if (group, op, c) in ratio_of else "" for c in used]
        unit = ours.unit.replace("µs/", " µs/")
        lines.append(f"| {group} {op} | {_fmt(ours.median)}{unit.split('/')[0]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _label(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


def chart(path: Path, rows: list[Row], meta: dict[str, Any]) -> str:
    """Grouped bars of linuxhw ÷ each peer and the C floor, one panel per subsystem, log scale.
    Returns why no chart was drawn, or ""."""
    config = Path(os.environ.get("MPLCONFIGDIR") or Path.home() / ".config" / "matplotlib")
    if not os.access(config if config.exists() else config.parent, os.W_OK):  # read-only home (the VM)
        os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp(prefix="linuxhw-bench-mpl-")
    try:
        import matplotlib
    except ImportError:
        return "matplotlib is not installed: pip install -e '.[bench]'"

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    found = [r for r in ratios(rows) if r.kind != "variant" or r.versus == RAW]
    panels = [(title, [r for r in found if r.group in groups]) for title, groups in PANELS]
    panels = [(title, members) for title, members in panels if members]
    if not panels:
        return "no ratios to draw (the mock backend measures linuxhw alone)"
    fig, axes = plt.subplots(len(panels), 1, figsize=(13, 3.6 * len(panels) + 1.2), squeeze=False)
    for ax, (title, members) in zip(axes[:, 0], panels):
        _panel(ax, title, members)
    kind = "quick run" if meta["quick"] else "full run"
    fig.suptitle(f"linuxhw vs peers and the C floor — below 1: linuxhw is faster (dotted: 1.5x floor target)\n"
                 f"{meta['date']} · {kind} · {meta['machine']}", fontsize=10)  # fmt: skip
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return ""


def _panel(ax: Any, title: str, members: list[Ratio]) -> None:
    from matplotlib.ticker import FuncFormatter

    ops: list[tuple[str, str]] = []
    for r in members:
        if (r.group, r.op) not in ops:
            ops.append((r.group, r.op))
    versus = [v for v in COLOURS if any(r.versus == v for r in members)]
    width = 0.8 / max(1, len(versus))
    for i, name in enumerate(versus):
        xs: list[float] = []
        heights: list[float] = []
        errs: list[list[float]] = [[], []]
        for x, key in enumerate(ops):
            found = next((r for r in members if (r.group, r.op) == key and r.versus == name), None)
            if found is None:
                continue
            xs.append(x - 0.4 + width * (i + 0.5))
            heights.append(found.ratio)
            errs[0].append(max(0.0, found.ratio - found.low))
            errs[1].append(max(0.0, found.high - found.ratio))
        bars = ax.bar(xs, heights, width, yerr=errs, capsize=2, label=name, color=COLOURS[name],
                      error_kw={"elinewidth": 0.7, "alpha": 0.6})  # fmt: skip
        for bar, value in zip(bars, heights):
            ax.annotate(_label(value), (bar.get_x() + bar.get_width() / 2, value), xytext=(0, 2),
                        textcoords="offset points", ha="center", va="bottom", fontsize=6.5)  # fmt: skip
    ax.set_yscale("log")
    ax.axhline(1.0, color="black", linewidth=0.8)
    if title in ("GPIO", "I2C"):
        ax.axhline(FLOOR_LIMIT, color="#444444", linewidth=0.8, linestyle=":")
    lows = [min(r.ratio, r.low) for r in members]
    highs = [max(r.ratio, r.high) for r in members]
    ax.set_ylim(min(0.5, min(lows) / 1.6), max(2.0, max(highs) * 1.8))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    several = len({group for group, _ in ops}) > 1  # "I2C stub"/"I2C sim": name the group in the label
    labels = [f"{group.split()[-1]}\n{op}" if several else op.replace(", ", ",\n") for group, op in ops]
    ax.set_xticks(range(len(ops)))
    ax.set_xticklabels([label.replace("buffer ", "") for label in labels], fontsize=8)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.set_ylabel("linuxhw time ÷ theirs")
    ax.grid(axis="y", which="both", alpha=0.25)
    ax.legend(fontsize=8, ncol=len(versus), loc="upper left", frameon=False)


def non_finite(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.ok and not all(math.isfinite(s) and s > 0 for s in r.samples)]
