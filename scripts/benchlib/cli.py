"""scripts/bench: linuxhw against every peer and the C floor, on the same kernel devices, in one run.

Where it runs:
  --backend auto (default)  inside the VM tier (LINUXHW_TEST_TIER=kernel): measure here; anywhere
                            else: boot the VM with scripts/vmtest (spidev.bufsiz=65536 on the
                            kernel command line) and run itself there
  --backend real            measure here, on this kernel's devices (gpio-sim, i2c-stub, ...)
  --backend mock            measure linuxhw alone on the mock board (Python overhead; no peers)

Clock (--clock): "instructions" (the default with --backend auto) boots the guest with QEMU's
instruction clock, 1 µs = 1000 guest instructions, user + kernel: reproducible whatever the
host's load, a proxy for CPU work, not for a board's wall time. "wall" keeps real time (the
default with --backend real or mock, which run where they are).

Output: a table on stdout, and <out>/bench.json with <out>/bench.png next to it
(bench-quick.* for --quick). Exit status 1 when a benchmark raised (or, with --strict, when one
could not run for want of a package or device); targets never fail a run.
scripts/bench --compare OLD.json NEW.json prints each figure's change from one run to another.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from . import dma, gpio, i2c, report, spi, startup
from .core import CLOCKS, Floors, Runner, Settings

REPO = Path(__file__).resolve().parents[2]
SUITES = {"gpio": gpio.run, "i2c": i2c.run, "spi": spi.run, "dma": dma.run, "startup": startup.run}
PEERS = ("gpiod", "python-periphery", "smbus2", "spidev", "gpiozero", "matplotlib")
SPIDEV_BUFSIZ = 65536


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="short loops, 3 repeats: checks everything runs (CI)")
    parser.add_argument("--backend", choices=("auto", "real", "mock"), default="auto")
    parser.add_argument("--only", default=",".join(SUITES), help=f"comma-separated subset of {','.join(SUITES)}")
    parser.add_argument("--out", type=Path, default=REPO / "bench-results", help="directory for the JSON and PNG")
    parser.add_argument("--clock", choices=tuple(CLOCKS), help="what the guest's clocks count (see above)")
    parser.add_argument(
        "--target-ms",
        type=float,
        help="length of one timed loop (default: instructions 10 quick, 40 full; wall 15, 200)",
    )
    parser.add_argument("--repeats", type=int, help="timed loops per figure (default 3; wall-clock full runs 7)")
    parser.add_argument("--strict", action="store_true", help="also fail when a benchmark was skipped")
    parser.add_argument("--no-chart", action="store_true", help="skip the PNG")
    parser.add_argument("--summary", type=Path, metavar="JSON", help="print a Markdown summary of a run's JSON, exit")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("OLD", "NEW"),
                        help="print each figure's change from one run's JSON to another's, exit")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=1800, help="VM timeout in seconds (--backend auto)")
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(SUITES)
    if unknown:
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}; choose from {', '.join(SUITES)}")
    if args.clock is None:
        args.clock = "instructions" if args.backend == "auto" else "wall"
    elif args.clock == "instructions" and args.backend == "mock":
        parser.error("--clock instructions: the mock backend runs on this machine's own clock; use --clock wall")
    return args


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("linuxhw", *PEERS):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def machine(backend: str) -> str:
    described = os.environ.get("LINUXHW_BENCH_MACHINE")
    if described:
        return described
    where = "mock backend" if backend == "mock" else f"kernel {platform.release()}"
    return f"{where}, {os.cpu_count()} CPUs, {cpu_model()}"


def in_vm(args: argparse.Namespace, argv: list[str]) -> int:
    """Build the C floors here (the guest sees the cache read-only), run this script in the VM with
    its results in the shared repository, then move them to --out."""
    Floors().build_all()
    host = f"QEMU TCG guest (scripts/vmtest, kernel 6.12, 1 vCPU) on {os.cpu_count()}-CPU host: {cpu_model()}"
    staging = REPO / "bench-results" / f".vm-{os.getpid()}"
    guest_args = ["--backend", "real", "--clock", args.clock, "--out", str(staging), "--only", args.only]
    guest_args += ["--quick"] if args.quick else []
    guest_args += ["--target-ms", str(args.target_ms)] if args.target_ms else []
    guest_args += ["--repeats", str(args.repeats)] if args.repeats else []
    guest_args += ["--strict"] if args.strict else []
    guest_args += ["--no-chart"]  # drawn here: matplotlib's first import builds a font cache for minutes under TCG
    # The guest's own clock runs ahead on the instruction clock: the date is the host's. A fixed
    # hash seed: dict and set layouts, and so the instructions Python spends on them, stay the same
    # from run to run.
    command = (
        f"LINUXHW_BENCH_MACHINE={shlex.quote(host)} LINUXHW_BENCH_DATE={shlex.quote(utc_now())} PYTHONHASHSEED=0 "
    ) + shlex.join([sys.executable, str(REPO / "scripts" / "bench"), *guest_args])
    cmd = [sys.executable, str(REPO / "scripts" / "vmtest"), "--timeout", str(args.timeout),
           "--append", f"spidev.bufsiz={SPIDEV_BUFSIZ}", "--guest-cmd", command]  # fmt: skip
    cmd[2:2] = ["--icount"] if args.clock == "instructions" else []
    print(f"bench: {shlex.join(cmd)}", file=sys.stderr, flush=True)
    try:
        status = subprocess.run(cmd, check=False).returncode
        if staging.is_dir():
            args.out.mkdir(parents=True, exist_ok=True)
            for produced in staging.iterdir():
                shutil.move(str(produced), args.out / produced.name)
                print(f"bench: wrote {args.out / produced.name}", file=sys.stderr)
                if produced.suffix == ".json" and not args.no_chart:
                    status = max(status, draw(args.out / produced.name, args.strict))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return status


def draw(json_path: Path, strict: bool) -> int:
    """The chart next to a JSON file; 1 when it cannot be drawn and ``strict``."""
    rows, meta = report.read_json(json_path)
    png = json_path.with_suffix(".png")
    why = report.chart(png, rows, meta)
    print(f"bench: {'no chart: ' + why if why else f'wrote {png}'}", file=sys.stderr)
    return 1 if why and strict else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.summary:
        print(report.markdown(report.read_json(args.summary)[0]))
        return 0
    if args.compare:
        print(report.compare(*args.compare))
        return 0
    backend = args.backend
    if backend == "auto":
        if os.environ.get("LINUXHW_TEST_TIER") != "kernel":
            return in_vm(args, argv)
        backend = "real"
    settings = Settings.make(args.quick, args.target_ms, args.repeats, args.clock)
    started = time.monotonic()
    floors = None
    if backend == "real":
        floors = Floors()
        floors.build_all()
    runner = Runner(settings, floors)
    for name in args.only.split(","):
        print(f"bench: {name}", file=sys.stderr, flush=True)
        try:
            SUITES[name](runner, backend)
        except Exception as exc:  # a whole suite could not start (no device, ...): report and go on
            import traceback

            traceback.print_exc(file=sys.stderr)
            runner.fail(name.upper(), "setup", "-", "linuxhw", f"{type(exc).__name__}: {exc}")
    meta: dict[str, Any] = {
        "date": os.environ.get("LINUXHW_BENCH_DATE") or utc_now(),
        "machine": machine(backend),
        "backend": backend,
        "clock": settings.clock,
        "quick": settings.quick,
        "repeats": settings.repeats,
        "target_ms": round(settings.target_s * 1000, 3),
        "edge_events_per_loop": settings.events,
        "versions": versions(),
        "seconds": round(time.monotonic() - started, 1),
    }
    print(report.table(runner.rows, meta))
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "bench-quick" if settings.quick else "bench"
    report.write_json(args.out / f"{stem}.json", runner.rows, meta)
    written = [args.out / f"{stem}.json"]
    no_chart = "--no-chart" if args.no_chart else report.chart(args.out / f"{stem}.png", runner.rows, meta)
    if not no_chart:
        written.append(args.out / f"{stem}.png")
    print(f"\nwrote {', '.join(map(str, written))} in {meta['seconds']} s" + (f" (no chart: {no_chart})"
          if no_chart else ""))  # fmt: skip
    errors = [r for r in runner.rows if r.error] + report.non_finite(runner.rows)
    skipped = [r for r in runner.rows if r.skipped and r.strict]
    if errors:
        print(f"bench: {len(errors)} benchmark(s) failed", file=sys.stderr)
        return 1
    if args.strict and (skipped or (no_chart and not args.no_chart and backend != "mock")):
        print(f"bench: {len(skipped)} benchmark(s) skipped, chart: {no_chart or 'drawn'} (--strict)", file=sys.stderr)
        return 1
    return 0
