"""scripts/bench end to end on the mock backend (every suite runs and prints), and its chart from
made-up rows. The kernel tier runs the real thing after pytest (scripts/test: vmtest --then)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

from benchlib import report  # noqa: E402
from benchlib.core import Row  # noqa: E402
from benchlib.startup import PROCESSES  # noqa: E402

pytestmark = pytest.mark.skipif(
    os.environ.get("LINUXHW_TEST_TIER") == "kernel", reason="the VM tier runs scripts/bench --quick on the kernel"
)
GROUPS = {"GPIO", "I2C stub", "I2C sim", "SPI", "DMA heap", "DMA udmabuf", "Startup"}


def test_quick_run_on_the_mock(tmp_path: Path) -> None:
    cmd = [sys.executable, str(REPO / "scripts" / "bench"), "--backend", "mock", "--quick", "--target-ms", "1",
           "--repeats", "2", "--out", str(tmp_path)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "GPIO · get 1 line" in proc.stdout
    data = json.loads((tmp_path / "bench-quick.json").read_text())
    ours = [r for r in data["results"] if r["impl"] == "linuxhw"]
    assert {r["group"] for r in ours} == GROUPS
    assert all(r["median"] > 0 and r["min"] <= r["median"] <= r["max"] for r in ours)
    assert not [r for r in data["results"] if "error" in r]
    assert data["meta"]["quick"] is True
    # the startup group: whole processes, each op against python -c pass measured in the same rounds
    startup = {(r["op"], r["impl"]): r for r in data["results"] if r["group"] == "Startup"}
    assert {op for op, _ in startup} == set(PROCESSES)
    assert len(startup["import linuxhw.gpio", "python -c pass"]["samples"]) == 2
    assert startup["import compat.smbus2", "peer's import"]["note"] == "import smbus2"
    judged = {t["name"] for t in data["targets"]}
    assert "Startup import linuxhw.gpio: linuxhw ÷ python -c pass" in judged
    assert "Startup import compat.spidev: linuxhw ÷ peer's import" in judged


def test_ratios_targets_and_chart(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    rows = [
        Row("GPIO", "get 1 line", "linuxhw", "linuxhw", [2.0, 2.2, 2.4]),
        Row("GPIO", "get 1 line", "gpiod", "peer", [4.0, 4.0, 4.0]),
        Row("GPIO", "get 1 line", "C floor", "floor", [1.0, 1.0, 1.0]),
        Row("GPIO", "get 1 line", "Python floor", "variant", [2.0, 2.0, 2.0]),
        Row("SPI", "full duplex 4 KiB", "linuxhw", "linuxhw", [10.0]),
        Row("SPI", "full duplex 4 KiB", "spidev xfer2", "peer", [100.0]),
        Row("SPI", "full duplex 4 KiB", "spidev xfer3", "peer", [90.0]),
        Row("SPI", "write 4 B", "linuxhw", "linuxhw", [9.0, 9.1, 9.2]),
        Row("SPI", "write 4 B", "spidev writebytes2", "peer", [8.0, 8.1, 8.2]),
        Row("DMA heap", "buffer 4 KiB", "linuxhw", "linuxhw", [30.0]),
        Row("DMA heap", "buffer 4 KiB", "C floor", "floor", [20.0]),
        Row("DMA heap", "buffer 4 KiB", "periphery", "peer", na="no such call"),
    ]
    found = {(r.op, r.versus): r.ratio for r in report.ratios(rows)}
    assert found[("get 1 line", "gpiod")] == pytest.approx(0.55)
    assert found[("get 1 line", "C floor")] == pytest.approx(2.2)
    targets = {t.name.split(" (worst")[0]: t for t in report.targets(rows)}
    assert targets["GPIO get 1 line: linuxhw ÷ C floor"].verdict == "MISS"  # 2.2 > 2.0
    assert targets["GPIO get 1 line: linuxhw ÷ Python floor"].value == pytest.approx(1.1)
    assert targets["GPIO get 1 line: linuxhw ÷ Python floor"].verdict == "HIT"
    assert targets["SPI full duplex 4 KiB: spidev xfer2 ÷ linuxhw"].value == pytest.approx(10.0)
    assert targets["DMA heap buffer 4 KiB: linuxhw ÷ C floor"].verdict == "HIT"  # exactly 1.5
    every = targets["every other operation ÷ every peer"]
    assert every.verdict == "MISS" and "write 4 B" in every.name  # 9.1 / 8.1: slower than writebytes2
    assert [(r.op, r.impl) for r in rows if r.scattered] == [
        ("get 1 line", "linuxhw"),
        ("write 4 B", "linuxhw"),
        ("write 4 B", "spidev writebytes2"),
    ]  # 18%, 2.2%, 2.5%
    meta = {"date": "today", "machine": "test", "quick": False, "repeats": 3, "target_ms": 1, "clock": "instructions"}
    assert report.chart(tmp_path / "bench.png", rows, meta) == ""
    assert (tmp_path / "bench.png").read_bytes()[:4] == b"\x89PNG"
    text = report.table(rows, meta)
    assert "n/a: no such call" in text and "1000 guest instructions" in text and "! spread 18.2%" in text


def test_compare(tmp_path: Path) -> None:
    def run(name: str, linuxhw: float) -> Path:
        rows = [Row("GPIO", "get 1 line", "linuxhw", "linuxhw", [linuxhw]),
                Row("GPIO", "get 1 line", "C floor", "floor", [1.0])]  # fmt: skip
        meta = {"date": name, "machine": "test", "quick": False, "repeats": 1, "target_ms": 1, "clock": "instructions"}
        report.write_json(tmp_path / f"{name}.json", rows, meta)
        return tmp_path / f"{name}.json"

    cmd = [sys.executable, str(REPO / "scripts" / "bench"), "--compare", str(run("old", 2.5)), str(run("new", 2.0))]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True).stdout
    assert [line.split() for line in out.splitlines() if "linuxhw  " in line] == [["linuxhw", "2.5", "→", "2", "µs/op",
                                                                                   "-20.0%"]]  # fmt: skip
    assert "GPIO get 1 line: linuxhw ÷ C floor" in out and "2.50 MISS →    2.00 HIT" in out


def test_the_readme_shows_the_startup_run_it_names() -> None:
    """The README's startup table is ``scripts/bench --summary docs/bench-startup.json``, and its
    targets table has that run's ratios."""
    readme = (REPO / "README.md").read_text()
    marker = "<!-- startup-summary: scripts/bench --summary docs/bench-startup.json -->\n"
    shown = readme.split(marker, 1)[1].split("\n\n", 1)[0]
    rows, _ = report.read_json(REPO / "docs" / "bench-startup.json")
    assert shown == report.markdown(rows)
    before, _ = report.read_json(REPO / "docs" / "bench-startup-before.json")
    for old, new in zip(report.targets(before), report.targets(rows)):
        assert f"| {old.value:.2f} | {new.value:.2f} | {new.verdict} |" in readme, new.name
