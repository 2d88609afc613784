"""scripts/soak end to end, a few seconds of it: on the mock everywhere, on the kernel's simulators in the VM
tier; the report must say every answer was checked and right, every subsystem ran or was skipped by name, and
give the resources' figures — but no verdict on flatness, which a run this short cannot make (a 15-second
kernel-tier run on a busy host once grew 3 MiB with nothing wrong).  The flatness criterion itself is tested on
made-up samples: a leak of one fd, one thread or a few MiB is caught; a short run is never judged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

from soaklib.resources import MIN_JUDGED_SECONDS, RSS_SLACK_KIB, Sample, judge  # noqa: E402

SUBSYSTEMS = {"gpio", "i2c-stub", "i2c-sim", "spi", "dma-heap", "udmabuf"}
KERNEL = os.environ.get("LINUXHW_TEST_TIER") == "kernel"


@pytest.mark.parametrize(
    ("backend", "minutes"),
    [pytest.param("mock", "0.05", id="mock"),
     pytest.param("real", "0.25", id="kernel", marks=pytest.mark.skipif(not KERNEL, reason="the VM tier soaks the "
                                                                         "kernel's simulators"))],
)  # fmt: skip
def test_a_short_soak_checks_every_answer_and_leaves_flatness_unjudged(
    tmp_path: Path, backend: str, minutes: str
) -> None:
    out = tmp_path / "soak.json"
    cmd = [sys.executable, str(REPO / "scripts" / "soak"), "--backend", backend, "--minutes", minutes, "--out",
           str(out)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=150, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ALL CHECKED" in proc.stdout and "resources: NOT JUDGED (not judged: a " in proc.stdout, proc.stdout
    result = json.loads(out.read_text())
    answers = result["answers"]
    assert answers["errors"] == 0 and answers["checked"] == answers["operations"] > 0
    ran = {name for name, tally in result["subsystems"].items() if tally["operations"] > 0}
    assert ran | set(result["skipped"]) == SUBSYSTEMS, result["skipped"]
    assert result["verdict"]["flat"] is None and "too short" in result["verdict"]["why"]
    figures = result["resources"]["figures"]
    assert set(figures) == {"fds", "rss_kib", "threads"}
    assert len(result["resources"]["samples"]) >= 5


def samples(fds: list[int], rss_kib: list[int], threads: list[int]) -> list[Sample]:
    """One every 30 s (10 minutes for 20), round i at sample i."""
    return [Sample(30.0 * i, i, i * 10, *figures) for i, figures in enumerate(zip(fds, rss_kib, threads))]


def test_the_criterion_ignores_the_warm_up_and_catches_growth() -> None:
    steady = samples([9] + [12] * 19, [5000] + [20000, 20400, 20100] * 6 + [20300], [1] + [4] * 19)
    verdict = judge(steady, duration=600.0)  # samples 0-2 (under 3 rounds, 10% of 600 s) are warm-up
    assert verdict.flat, verdict.why
    assert verdict.growth == {"fds": 0, "rss_kib": 0, "threads": 0}  # maxima of the quarters: 20400 both
    leaking_fd = samples([12] * 19 + [13], [20000] * 20, [4] * 20)
    assert judge(leaking_fd, 600.0).flat is False and "fds +1 (allowed +0)" in judge(leaking_fd, 600.0).why
    leaking_thread = samples([12] * 20, [20000] * 20, [4] * 19 + [5])
    assert judge(leaking_thread, 600.0).flat is False
    rss = [20000 + 200 * i for i in range(20)]  # 2.6 MiB from the first quarter to the last: more than the slack
    assert rss[-1] - rss[4] > RSS_SLACK_KIB
    assert "rss_kib" in judge(samples([12] * 20, rss, [4] * 20), 600.0).why
    too_few = judge(samples([12] * 4, [20000] * 4, [4] * 4), 600.0)
    assert too_few.flat is False and "samples after the warm-up" in too_few.why


def test_a_run_shorter_than_the_bound_gets_no_verdict_either_way() -> None:
    """What a short run saw is shown, never judged: neither flat (it proves nothing) nor a leak (RSS may still
    be settling). Five minutes is the shortest run judged."""
    leaking_fd = samples([12] * 19 + [13], [20000] * 20, [4] * 20)
    short = [Sample(s.seconds / 100, s.rounds, s.operations, s.fds, s.rss_kib, s.threads) for s in leaking_fd]
    verdict = judge(short, duration=6.0)
    assert verdict.flat is None and verdict.why.startswith("not judged: a 6 s run is too short")
    assert "seen: " in verdict.why and "fds +1" in verdict.why and verdict.growth["fds"] == 1
    assert judge(short[:2], duration=6.0).flat is None
    assert judge(leaking_fd, duration=MIN_JUDGED_SECONDS).flat is False
    assert judge(leaking_fd, duration=MIN_JUDGED_SECONDS - 1).flat is None


def test_the_readme_shows_the_figures_of_docs_soak_json() -> None:
    if not (REPO / "docs" / "soak.json").is_file():
        pytest.skip("no docs/ here (scripts/platforms copies the tests, not the docs)")
    readme = (REPO / "README.md").read_text()
    shown = readme.split("<!-- soak-summary: scripts/soak --summary docs/soak.json -->\n")[1].split("\n<!--")[0]
    cmd = [sys.executable, str(REPO / "scripts" / "soak"), "--summary", str(REPO / "docs" / "soak.json")]
    assert shown == subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True).stdout.rstrip("\n")
