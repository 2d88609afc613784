"""The process's resources over the soak: fds, RSS and threads, sampled between rounds, and the verdict
whether they stayed flat.

The criterion: samples from the warm-up (the first WARMUP_SHARE of the run, and at least WARMUP_ROUNDS
rounds) are shown but not judged (imports, caches, the bus workers and the asyncio executor's threads all
start there).  Of the rest, the
highest value of the last quarter must not exceed the highest of the first quarter: by nothing for fds and
threads (both are whole numbers that a leak raises by one at a time), by at most RSS_SLACK_KIB for RSS
(Python's allocator takes memory in 1 MiB arenas, and fragmentation alone may leave one or two more in use:
a 10-minute kernel-tier run stepped up by 936 KiB once and stayed there; a leak of one small object per
operation grows by megabytes a minute).  Quarters, not single samples, so one sample taken at an unlucky moment decides
nothing; maxima, not means, so a slow climb cannot hide behind a dip.  Only a run of MIN_JUDGED_SECONDS or
more gets a verdict: a shorter one cannot tell a leak from arenas and thread stacks settling (a 15-second run
on a busy host once grew 3 MiB with every answer right), so its figures are shown and judged by nobody.
"""

from __future__ import annotations

import gc
import os
import time
from dataclasses import asdict, dataclass
from typing import Any

WARMUP_SHARE = 0.1
WARMUP_ROUNDS = 3
RSS_SLACK_KIB = 2048
MIN_JUDGED = 4  # judged samples needed for a verdict (a quarter of them is at least one)
MIN_JUDGED_SECONDS = 300.0  # runs shorter than this get no verdict on flatness
FIGURES = ("fds", "rss_kib", "threads")


@dataclass(frozen=True)
class Sample:
    seconds: float  # since the soak began
    rounds: int  # done so far
    operations: int  # made so far, all subsystems
    fds: int
    rss_kib: int
    threads: int


def take(started: float, rounds: int, operations: int) -> Sample:
    """This process now, after a garbage collection (so that only what is still reachable counts)."""
    gc.collect()
    fds = len(os.listdir("/proc/self/fd")) - 1  # not the listing's own fd
    status = {}
    with open("/proc/self/status") as lines:
        for line in lines:
            key, _, value = line.partition(":")
            status[key] = value.split()
    return Sample(round(time.monotonic() - started, 3), rounds, operations, fds, int(status["VmRSS"][0]),
                  int(status["Threads"][0]))  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    flat: bool | None  # None: the run was too short to judge
    why: str  # what was judged, with the numbers; what grew when not flat
    growth: dict[str, int]  # max of the last quarter minus max of the first, per figure
    judged: int  # samples after the warm-up


def judge(samples: list[Sample], duration: float) -> Verdict:
    judged = [s for s in samples if s.seconds >= WARMUP_SHARE * duration and s.rounds >= WARMUP_ROUNDS]
    long_enough = duration >= MIN_JUDGED_SECONDS
    too_short = (f"not judged: a {duration:.0f} s run is too short to tell a leak from memory settling "
                 f"(runs of {MIN_JUDGED_SECONDS:.0f} s or more are judged)")  # fmt: skip
    if len(judged) < MIN_JUDGED:
        few = f"only {len(judged)} samples after the warm-up; {MIN_JUDGED} needed"
        return Verdict(False, few, {}, len(judged)) if long_enough else Verdict(None, too_short, {}, len(judged))
    quarter = max(1, len(judged) // 4)
    first, last = judged[:quarter], judged[-quarter:]
    growth = {f: max(getattr(s, f) for s in last) - max(getattr(s, f) for s in first) for f in FIGURES}
    slack = {"fds": 0, "rss_kib": RSS_SLACK_KIB, "threads": 0}
    grew = [f"{f} +{growth[f]} (allowed +{slack[f]})" for f in FIGURES if growth[f] > slack[f]]
    span = f"max of the first vs the last {quarter} of {len(judged)} samples after the warm-up"
    seen = f"{span}: " + ("; ".join(grew) if grew else "no growth beyond the bounds")
    if not long_enough:
        return Verdict(None, f"{too_short}; seen: {seen}", growth, len(judged))
    return Verdict(not grew, seen, growth, len(judged))


def summary(samples: list[Sample]) -> dict[str, Any]:
    """Start, end and max of each figure, and every sample."""
    figures = {f: {"start": getattr(samples[0], f), "end": getattr(samples[-1], f),
                   "max": max(getattr(s, f) for s in samples)} for f in FIGURES}  # fmt: skip
    return {"figures": figures, "samples": [asdict(s) for s in samples]}
