"""scripts/soak: minutes of mixed traffic on every subsystem, every answer checked, with the process's fds,
RSS and threads sampled throughout; they must stay flat (soaklib/resources.py says how that is judged).

Where it runs:
  --backend auto (default)  inside the VM tier (LINUXHW_TEST_TIER=kernel): soak here; anywhere else: boot
                            the VM with scripts/vmtest (--kernel) and run itself there
  --backend real            soak here, on this kernel's simulators (gpio-sim, i2c-stub, the project's
                            i2c-sim and spi-sim, the system DMA heap and udmabuf where the kernel has them)
  --backend mock            soak the mock board on this machine (a quick look; no kernel involved)

The traffic, round after round until the time is up: GPIO (set/get, edges made by pulls read sync, awaited
and with async for, reconfigure, requests coming and going under an info watch), i2c-stub (SMBus byte, word
and block, sync and asyncio), the I2C simulator (I2C_RDWR transfers, an EEPROM, PEC, 10-bit, block process
call, transfer_async), the SPI simulator (loopback transfers and messages, submit() with callbacks,
transfer_async, the flash's JEDEC ID), and the DMA heap and udmabuf (allocate, name, map, sync, dup, close;
SPI and I2C straight from and into dma-buf memory).

Output: a report on stdout and JSON (--out). Exit status 0 when every answer was checked and right and the
resources stayed flat (or the run was too short to judge them: under 5 minutes), 1 otherwise, 2 for bad
arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime
import json
import os
import platform
import random
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from linuxhw.testing.hardware import Hardware
from linuxhw.testing.kernel import KernelHardware
from linuxhw.testing.mock import MockHardware

from . import resources
from .core import Workload
from .dma import DmaTraffic, Unavailable
from .gpio import GpioTraffic
from .i2c import SimTraffic, StubTraffic
from .report import markdown, text
from .spi import SpiTraffic

REPO = Path(__file__).resolve().parents[2]
SAMPLES_WANTED = 60  # per run, when --sample-seconds is not given
MAX_SAMPLE_SECONDS = 10.0
VM_SETUP_SECONDS = 900  # the boot and the simulators' setup under TCG, on top of the soak itself


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the traffic runs (default 10)")
    parser.add_argument("--backend", choices=("auto", "real", "mock"), default="auto")
    parser.add_argument("--kernel", default="6.12", help="with --backend auto: the kernel the VM boots (6.12, 6.1)")
    parser.add_argument("--out", type=Path, default=REPO / "soak-results" / "soak.json", help="where the JSON goes")
    parser.add_argument("--sample-seconds", type=float, help=f"between samples (default: {SAMPLES_WANTED} per run, "
                        f"at most {MAX_SAMPLE_SECONDS:g} s apart)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="of the random sizes, values and lines (default 1)")
    parser.add_argument("--summary", type=Path, metavar="JSON", help="print a run's figures as Markdown, exit")
    args = parser.parse_args(argv)
    if not args.minutes > 0:
        parser.error(f"--minutes must be above 0, not {args.minutes}")
    if args.sample_seconds is not None and not args.sample_seconds > 0:
        parser.error(f"--sample-seconds must be above 0, not {args.sample_seconds}")
    return args


def in_vm(args: argparse.Namespace) -> int:
    """Run this script in the VM tier with its JSON in the shared repository, then move it to --out."""
    staging = REPO / "soak-results" / f".vm-{os.getpid()}.json"
    guest = [sys.executable, str(REPO / "scripts" / "soak"), "--backend", "real", "--minutes", str(args.minutes),
             "--seed", str(args.seed), "--out", str(staging)]  # fmt: skip
    guest += ["--sample-seconds", str(args.sample_seconds)] if args.sample_seconds else []
    timeout = args.minutes * 60 + VM_SETUP_SECONDS
    cmd = [sys.executable, str(REPO / "scripts" / "vmtest"), "--kernel", args.kernel, "--timeout", str(timeout),
           "--guest-cmd", shlex.join(guest)]  # fmt: skip
    print(f"soak: {shlex.join(cmd)}", file=sys.stderr, flush=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    try:
        status = subprocess.run(cmd, check=False).returncode
        if staging.is_file():
            args.out.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(staging), args.out)
            print(f"soak: wrote {args.out}", file=sys.stderr)
    finally:
        staging.unlink(missing_ok=True)
    return status


def workloads(
    hw: Hardware, rng: random.Random, handles: contextlib.ExitStack, skipped: dict[str, str]
) -> list[Workload]:
    """Every subsystem's traffic, opened on ``hw`` (handles into ``handles``); DMA-BUF sources the kernel lacks go
    to ``skipped``."""
    opened: list[Workload] = [GpioTraffic(rng, handles, hw), StubTraffic(rng, handles, hw),
                              SimTraffic(rng, handles, hw), SpiTraffic(rng, handles, hw)]  # fmt: skip
    for kind in ("heap", "udmabuf"):
        try:
            opened.append(DmaTraffic(rng, handles, hw, kind))
        except Unavailable as exc:
            skipped["dma-heap" if kind == "heap" else "udmabuf"] = str(exc)
    return opened


async def soak(hw: Hardware, args: argparse.Namespace, duration: float, interval: float) -> dict[str, Any]:
    rng = random.Random(args.seed)
    skipped: dict[str, str] = {}
    with contextlib.ExitStack() as handles:
        traffic = workloads(hw, rng, handles, skipped)
        started = time.monotonic()
        samples = [resources.take(started, 0, 0)]
        rounds = 0
        next_sample = started + interval
        while time.monotonic() < started + duration:
            for workload in traffic:
                await workload.round()
            rounds += 1
            if time.monotonic() >= next_sample:
                samples.append(resources.take(started, rounds, sum(w.tally.operations for w in traffic)))
                next_sample += interval
        samples.append(resources.take(started, rounds, sum(w.tally.operations for w in traffic)))
        seconds = time.monotonic() - started
    verdict = resources.judge(samples, duration)
    tallies = {w.name: w.tally.as_json() for w in traffic}
    answers = {key: sum(t[key] for t in tallies.values()) for key in ("operations", "checked", "errors")}
    criterion = (resources.__doc__ or "").split("\n\n")[1].replace("\n", " ")
    return {
        "meta": meta(args, hw, duration, interval, rounds, seconds),
        "subsystems": tallies,
        "skipped": skipped,
        "answers": answers,
        "resources": resources.summary(samples),
        "verdict": {**dataclasses.asdict(verdict), "criterion": criterion},
    }


def meta(args: argparse.Namespace, hw: Hardware, duration: float, interval: float, rounds: int,
         seconds: float) -> dict[str, Any]:  # fmt: skip
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "backend": hw.name,
        "where": "in the VM tier (QEMU TCG guest)"
        if os.environ.get("LINUXHW_TEST_TIER") == "kernel"
        else "on this machine",
        "kernel": platform.release(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "minutes": args.minutes,
        "seconds": round(seconds, 1),
        "rounds": rounds,
        "sample_seconds": round(interval, 3),
        "seed": args.seed,
        "commit": args.commit,
    }


def commit() -> str:
    """The repository's commit the soak ran from ("" outside a git checkout), "+" when the tree differs."""
    git = ["git", "-C", str(REPO)]
    try:
        head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
        if head.returncode != 0:
            return ""
        dirty = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True, check=False).stdout
    except OSError:  # no git here
        return ""
    return head.stdout.strip() + ("+" if dirty.strip() else "")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.summary:
        print(markdown(json.loads(args.summary.read_text())))
        return 0
    backend = args.backend
    if backend == "auto":
        if os.environ.get("LINUXHW_TEST_TIER") != "kernel":
            return in_vm(args)
        backend = "real"
    duration = args.minutes * 60
    interval = args.sample_seconds or min(MAX_SAMPLE_SECONDS, duration / SAMPLES_WANTED)
    args.commit = commit()  # before the run: the code that ran, whatever changes in the tree meanwhile
    with MockHardware() if backend == "mock" else KernelHardware() as hw:
        result = asyncio.run(soak(hw, args, duration, interval))
    print(text(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"\nwrote {args.out}")
    answers = result["answers"]
    right = answers["errors"] == 0 and answers["checked"] == answers["operations"]
    return 0 if right and result["verdict"]["flat"] is not False else 1
