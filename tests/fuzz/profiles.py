"""Hypothesis profiles of the fuzz tests and the count of examples they ran.

``LINUXHW_FUZZ`` picks the profile: ``ci`` (the default: bounded, derandomised, no example database,
so a run is reproducible and its time is fixed), ``small`` (scripts/platforms, whose mock tier runs
under qemu-user; and the default in the kernel tier, whose guest repeats the host's mock fuzzing
under TCG) or ``long`` (a bigger, random local run). ``LINUXHW_FUZZ_EXAMPLES=N`` overrides the
examples per test of any profile.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, Phase, settings

EXAMPLES = {"ci": 100, "small": 10, "long": 2000}
_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

for _name, _examples in EXAMPLES.items():
    settings.register_profile(
        f"linuxhw-{_name}",
        max_examples=int(os.environ.get("LINUXHW_FUZZ_EXAMPLES") or _examples),
        deadline=None,  # slow shared machines and qemu-user: no per-example time limit
        derandomize=_name != "long",
        database=None,
        suppress_health_check=_SUPPRESS,
        print_blob=True,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no explain phase: it is slow
    )

PROFILE = os.environ.get("LINUXHW_FUZZ") or ("small" if os.environ.get("LINUXHW_TEST_TIER") == "kernel" else "ci")
if PROFILE not in EXAMPLES:
    raise ValueError(f"LINUXHW_FUZZ must be one of {', '.join(EXAMPLES)}, not {PROFILE!r}")
FUZZ = settings.get_profile(f"linuxhw-{PROFILE}")

examples_run: Counter[str] = Counter()  # test group -> examples run in this session
