"""scripts/soak end to end, a few seconds of it: on the mock everywhere, on the kernel's simulators in the VM
tier; the report must say every answer was checked and the resources stayed flat.  And the flatness
criterion itself, on made-up samples: a leak of one fd, one thread or a few MiB is caught."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

from soaklib.resources import RSS_SLACK_KIB, Sample, judge  # noqa: E402

SUBSYSTEMS = {"gpio", "i2c-stub", "i2c-sim", "spi", "dma-heap", "udmabuf"}
KERNEL = os.environ.get("LINUXHW_TEST_TIER") == "kernel"


@pytest.mark.parametrize(
    ("backend", "minutes"),
    [pytest.param("mock", "0.05", id="mock"),
     pytest.param("real", "0.25", id="kernel", marks=pytest.mark.skipif(not KERNEL, reason="the VM tier soaks the "
                                                                         "kernel's simulators"))],
)  # fmt: skip
def test_a_short_soak_checks_every_answer_and_stays_flat(tmp_path: Path, backend: str, minutes: str) -> None:
    out = tmp_path / "soak.json"
    cmd = [sys.executable, str(REPO / "scripts" / "soak"), "--backend", backend, "--minutes", minutes, "--out",
           str(out)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=150, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ALL CHECKED" in proc.stdout and "resources: FLAT" in proc.stdout, proc.stdout
    result = json.loads(out.read_text())
    answers = result["answers"]
    assert answers["errors"] == 0 and answers["checked"] == answers["operations"] > 0
    ran = {name for name, tally in result["subsystems"].items() if tally["operations"] > 0}
    assert ran | set(result["skipped"]) == SUBSYSTEMS, result["skipped"]
    assert result["verdict"]["flat"] is True and result["verdict"]["judged"] >= 4
    figures = result["resources"]["figures"]
    assert set(figures) == {"fds", "rss_kib", "threads"}
    assert len(result["resources"]["samples"]) >= 5


def samples(fds: list[int], rss_kib: list[int], threads: list[int]) -> list[Sample]:
    return [Sample(float(i), i, i * 10, *figures) for i, figures in enumerate(zip(fds, rss_kib, threads))]


def test_the_criterion_ignores_the_warm_up_and_catches_growth() -> None:
    steady = samples([9] + [12] * 19, [5000] + [20000, 20400, 20100] * 6 + [20300], [1] + [4] * 19)
    verdict = judge(steady, duration=20.0)  # samples 0-2 (under 3 rounds, 10% of 20 s) are warm-up
    assert verdict.flat, verdict.why
    assert verdict.growth == {"fds": 0, "rss_kib": 0, "threads": 0}  # maxima of the quarters: 20400 both
    leaking_fd = samples([12] * 19 + [13], [20000] * 20, [4] * 20)
    assert not judge(leaking_fd, 20.0).flat and "fds +1 (allowed +0)" in judge(leaking_fd, 20.0).why
    leaking_thread = samples([12] * 20, [20000] * 20, [4] * 19 + [5])
    assert not judge(leaking_thread, 20.0).flat
    rss = [20000 + 200 * i for i in range(20)]  # 2.6 MiB from the first quarter to the last: more than the slack
    assert rss[-1] - rss[4] > RSS_SLACK_KIB
    assert "rss_kib" in judge(samples([12] * 20, rss, [4] * 20), 20.0).why
    too_few = judge(samples([12] * 4, [20000] * 4, [4] * 4), 20.0)
    assert not too_few.flat and "samples after the warm-up" in too_few.why


def test_the_readme_shows_the_figures_of_docs_soak_json() -> None:
    if not (REPO / "docs" / "soak.json").is_file():
        pytest.skip("no docs/ here (scripts/platforms copies the tests, not the docs)")
    readme = (REPO / "README.md").read_text()
    shown = readme.split("<!-- soak-summary: scripts/soak --summary docs/soak.json -->\n")[1].split("\n<!--")[0]
    cmd = [sys.executable, str(REPO / "scripts" / "soak"), "--summary", str(REPO / "docs" / "soak.json")]
    assert shown == subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True).stdout.rstrip("\n")
