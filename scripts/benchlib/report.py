"""Reading the rows: ratios, the targets, the stdout table, the JSON file and the PNG chart."""

from __future__ import annotations

import json
import math
import operator
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core import CLOCKS, LINUXHW, RAW, SPREAD_LIMIT, Row
from .gpio import BATCH, SINGLE
from .startup import CLI_GPIO, CLI_I2C, COMPAT_GPIOZERO, COMPAT_SMBUS2, COMPAT_SPIDEV, IMPORT_GPIO, PASS, PEER
from .startup import GROUP as STARTUP

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
    PASS: "#17becf",
    PEER: "#bcbd22",
}
PANELS = (("GPIO", ("GPIO",)), ("I2C", ("I2C stub", "I2C sim")), ("SPI", ("SPI",)),
          ("DMA-BUF", ("DMA heap", "DMA udmabuf")), ("Startup", (STARTUP,)))  # fmt: skip


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


RELATIONS = {"≤": operator.le, "<": operator.lt, "≥": operator.ge}


@dataclass(frozen=True)
class Target:
    """One line of issue 15's targets table: a figure of this run against its limit."""

    name: str
    value: float
    relation: str  # a key of RELATIONS: value RELATION limit is a hit
    limit: float
    detail: str = ""

    @property
    def met(self) -> bool:
        return bool(RELATIONS[self.relation](self.value, self.limit))

    @property
    def verdict(self) -> str:
        return "HIT" if self.met else "MISS"


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
    """Issue 15's targets, issue 26's startup ones and issue 27's GPIO ones, from whatever this run
    measured (a figure it lacks is left out)."""
    found: list[Target] = []

    def over(name: str, num: tuple[str, str, str], den: tuple[str, str, str], relation: str, limit: float) -> None:
        top, bottom = _median(rows, *num), _median(rows, *den)
        if top is not None and bottom is not None:
            found.append(Target(name, top / bottom, relation, limit))

    for op in ("get 1 line", "set 1 line"):
        over(f"GPIO {op}: linuxhw ÷ Python floor", ("GPIO", op, LINUXHW), ("GPIO", op, RAW), "≤", 1.15)
        over(f"GPIO {op}: linuxhw ÷ C floor", ("GPIO", op, LINUXHW), ("GPIO", op, "C floor"), "≤", 2.0)
    for group in ("I2C stub", "I2C sim"):
        for op in ("read byte data", "read word data"):
            over(f"{group} {op}: linuxhw ÷ Python floor", (group, op, LINUXHW), (group, op, RAW), "≤", 1.3)
    judged = [("GPIO", "reconfigure", "periphery"), ("GPIO", SINGLE, "periphery")]
    for group, op, peer in judged:
        over(f"{group} {op}: linuxhw ÷ {peer}", (group, op, LINUXHW), (group, op, peer), "<", 1.0)
    over("GPIO edge events/s: many per read ÷ one per read", ("GPIO", SINGLE, LINUXHW), ("GPIO", BATCH, LINUXHW),
         "≥", 15.0)  # fmt: skip
    # issue 27: the everyday GPIO calls against the C floor of the same run
    for op, impl, limit in (("get 64 lines", "linuxhw get_values()", 2.0),
                            ("get 64 lines", "linuxhw get_values(lines)", 2.0),
                            ("set 64 lines", "linuxhw set_values()", 2.0), ("reconfigure", LINUXHW, 3.0),
                            (BATCH, LINUXHW, 2.5), (SINGLE, LINUXHW, 2.5), ("get 1 line", LINUXHW, 1.5),
                            ("set 1 line", LINUXHW, 1.5)):  # fmt: skip
        over(f"GPIO {op}: {impl} ÷ C floor (issue 27)", ("GPIO", op, impl), ("GPIO", op, "C floor"), "≤", limit)
    op = "full duplex 4 KiB"
    over(f"SPI {op}: spidev xfer2 ÷ linuxhw", ("SPI", op, "spidev xfer2"), ("SPI", op, LINUXHW), "≥", 5.0)
    for op, limit in (("buffer 4 KiB", 1.5), ("buffer 64 KiB", 1.15)):
        over(f"DMA heap {op}: linuxhw ÷ C floor", ("DMA heap", op, LINUXHW), ("DMA heap", op, "C floor"), "≤", limit)
    for op, limit in ((IMPORT_GPIO, 1.5), (CLI_GPIO, 2.0), (CLI_I2C, 2.0)):
        over(f"{STARTUP} {op}: linuxhw ÷ {PASS}", (STARTUP, op, LINUXHW), (STARTUP, op, PASS), "≤", limit)
    for op in (COMPAT_SMBUS2, COMPAT_SPIDEV, COMPAT_GPIOZERO):
        over(f"{STARTUP} {op}: linuxhw ÷ {PEER}", (STARTUP, op, LINUXHW), (STARTUP, op, PEER), "≤", 2.0)
    others = [r for r in ratios(rows) if r.kind == "peer" and r.group != STARTUP and (r.group, r.op, r.versus)
              not in judged]  # fmt: skip
    if others:
        worst = max(others, key=lambda r: r.ratio)
        slower = sum(r.ratio >= 1.0 for r in others)
        found.append(Target(f"every other operation ÷ every peer (worst: {worst.group} {worst.op} ÷ {worst.versus})",
                            worst.ratio, "<", 1.0, f"{slower} of {len(others)} not below 1"))  # fmt: skip
    return found


def _fmt(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def clock_words(meta: dict[str, Any]) -> str:
    """What the run's µs mean, for a reader (runs from before the instruction clock: wall time)."""
    return CLOCKS[meta.get("clock", "wall")]


def scattered(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.scattered]


def table(rows: list[Row], meta: dict[str, Any]) -> str:
    lines = [f"linuxhw benchmark — {meta['date']} — {meta['machine']}",
             f"clock: {clock_words(meta)}",
             f"median of {meta['repeats']} loops of ~{meta['target_ms']} ms [min .. max]; ratio = linuxhw ÷ this "
             f"(below 1: linuxhw is faster); '!': spread over {SPREAD_LIMIT:.0%}", ""]  # fmt: skip
    ratio_of = {(r.group, r.op, r.versus): r.ratio for r in ratios(rows)}
    for (group, op), members in by_op(rows).items():
        lines.append(f"{group} · {op}")
        for row in members:
            if row.ok:
                spread = f"[{_fmt(min(row.samples))} .. {_fmt(max(row.samples))}]"
                ratio = ratio_of.get((group, op, row.impl))
                ratio_text = f"{ratio:7.2f}" if ratio is not None else "       "
                note = f"  ({row.note})" if row.note else ""
                flag = f" ! spread {row.spread:.1%}" if row.scattered else ""
                lines.append(f"    {row.impl:<22} {_fmt(row.median):>9} {row.unit:<9} {spread:<22} {ratio_text}{note}"
                             f"{flag}")  # fmt: skip
            else:
                state = (
                    f"ERROR {row.error}"
                    if row.error
                    else f"skipped: {row.skipped}"
                    if row.skipped
                    else f"n/a: {row.na}"
                )
                lines.append(f"    {row.impl:<22} {state}")
    wide = scattered(rows)
    if wide:
        lines += ["", f"{len(wide)} figure(s) spread over {SPREAD_LIMIT:.0%}: on the instruction clock that is the "
                  "benchmark's fault, not the machine's"]  # fmt: skip
        lines += [f"    {r.group} · {r.op} · {r.impl}: {r.spread:.1%}" for r in wide]
    lines += [
        "",
        "targets (issues 15, 26 and 27; judged from full runs" + (", this is a quick run)" if meta["quick"] else ")"),
    ]
    for t in targets(rows):
        detail = f"   ({t.detail})" if t.detail else ""
        lines.append(f"    {t.verdict:<4}  {t.name:<62} {t.value:7.2f} {t.relation} {t.limit:g}{detail}")
    return "\n".join(lines)


def as_json(rows: list[Row], meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "meta": meta,
        "results": [row.as_json() for row in rows],
        "ratios": [r.__dict__ for r in ratios(rows)],
        "targets": [{**t.__dict__, "verdict": t.verdict} for t in targets(rows)],
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


def _target_key(name: str) -> str:
    """A target's name without the part that may change between runs (which peer is the worst)."""
    return name.split(" (worst", maxsplit=1)[0]


def compare(old_path: Path, new_path: Path) -> str:
    """Each figure's change from one run's JSON to another's, then each target's."""
    old_rows, old_meta = read_json(old_path)
    new_rows, new_meta = read_json(new_path)
    lines = [f"old: {old_path} — {old_meta['date']} — {clock_words(old_meta)}",
             f"new: {new_path} — {new_meta['date']} — {clock_words(new_meta)}"]  # fmt: skip
    if old_meta.get("clock", "wall") != new_meta.get("clock", "wall"):
        lines.append("the two runs use different clocks: their figures do not compare")
    before = {(r.group, r.op, r.impl): r for r in old_rows if r.ok}
    for (group, op), members in by_op(new_rows).items():
        shown = [(before[(group, op, r.impl)], r) for r in members if r.ok and (group, op, r.impl) in before]
        if shown:
            lines.append(f"{group} · {op}")
        for old, new in shown:
            change = new.median / old.median - 1
            lines.append(
                f"    {new.impl:<22} {_fmt(old.median):>9} → {_fmt(new.median):>9} {new.unit:<9} {change:+7.1%}"
            )
    old_targets = {_target_key(t.name): t for t in targets(old_rows)}
    lines += ["", "targets"]
    for t in targets(new_rows):
        was = old_targets.get(_target_key(t.name))
        then = f"{was.value:7.2f} {was.verdict:<4} → " if was else " " * 15
        lines.append(f"    {t.name:<62} {then}{t.value:7.2f} {t.verdict:<4} ({t.relation} {t.limit:g})")
    return "\n".join(lines)


def markdown(rows: list[Row]) -> str:
    """The README's summary: linuxhw's median per operation and its ratio to each peer and floor."""
    columns = ["C floor", RAW, "gpiod", "periphery", "smbus2", "spidev xfer2", "spidev xfer3",
               "spidev writebytes2", PASS, PEER]  # fmt: skip
    ratio_of = {(r.group, r.op, r.versus): r.ratio for r in ratios(rows)}
    used = [c for c in columns if any(key[2] == c for key in ratio_of)]
    lines = ["| operation | linuxhw | " + " | ".join(f"÷ {c}" for c in used) + " |",
             "| --- | ---: | " + " | ".join("---:" for _ in used) + " |"]  # fmt: skip
    for (group, op), members in by_op(rows).items():
        ours = next((r for r in members if r.kind == "linuxhw" and r.ok), None)
        if ours is None:
            continue
        cells = [f"{ratio_of[(group, op, c)]:.2f}" if (group, op, c) in ratio_of else "" for c in used]
        lines.append(f"| {group} {op} | {_fmt(ours.median)} {ours.unit.split('/')[0]} | " + " | ".join(cells) + " |")
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
    fig.suptitle(f"linuxhw vs peers and the C floor — below 1: linuxhw is faster\n{clock_words(meta)}\n"
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
