#!/usr/bin/env python3
"""Per-message cost of SPI transfers: linuxhw against py-spidev on the same spidev loopback.

Run inside the VM tier on the project's SPI controller simulator:
    scripts/vmtest --guest-cmd "$PWD/.venv/bin/python scripts/bench_spi.py"
or on the mock board (``--backend mock``, py-spidev skipped). Medians of several timed loops,
µs per message; ratios compare within one run (under TCG every syscall is slow).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import linuxhw
from linuxhw import spi

SIZES = (4, 4096, 65536)


def per_call_us(fn: Callable[[], object], calls: int, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(samples)


def loopback_path(backend: str) -> str:
    if backend == "mock":
        return "/dev/spidev0.0"
    for device in glob.glob("/sys/bus/spi/devices/spi*.0"):
        if "lhw-spi-sim" in os.path.realpath(device):
            return f"/dev/spidev{os.path.basename(device)[3:]}"
    raise SystemExit("no lhw-spi-sim loopback: run inside scripts/vmtest")


def run(backend: str, calls: int, repeats: int) -> dict[str, Any]:
    if backend == "mock":
        linuxhw.set_backend("mock").module_parameters["spidev.bufsiz"] = str(max(SIZES))  # type: ignore[attr-defined]
    path = loopback_path(backend)
    results: dict[str, Any] = {}
    with spi.Device(path, max_speed_hz=50_000_000) as dev:
        peer = None
        if backend == "real":
            import spidev

            peer = spidev.SpiDev()
            bus, cs = (int(n) for n in path.removeprefix("/dev/spidev").split("."))
            peer.open(bus, cs)
            peer.max_speed_hz = 50_000_000
        for size in SIZES:
            if size > dev.bufsiz:
                results[f"{size} B"] = {"skipped": f"spidev.bufsiz is {dev.bufsiz}; boot with spidev.bufsiz={size}"}
                continue
            data = bytes(range(256)) * (size // 256) or bytes(size)
            as_list = list(data)
            n = max(1, calls // (1 + size // 1024))
            row = {
                "linuxhw_transfer": per_call_us(partial(dev.transfer, data), n, repeats),
                "linuxhw_write": per_call_us(partial(dev.write, data), n, repeats),
            }
            if peer is not None:
                row["spidev_xfer2"] = per_call_us(partial(peer.xfer2, as_list), n, repeats)
                row["spidev_xfer3"] = per_call_us(partial(peer.xfer3, data), n, repeats)
                row["spidev_writebytes2"] = per_call_us(partial(peer.writebytes2, data), n, repeats)
                fastest = min(row["spidev_xfer2"], row["spidev_xfer3"])
                row["full_duplex_speedup_vs_fastest"] = fastest / row["linuxhw_transfer"]
                row["full_duplex_speedup_vs_xfer2"] = row["spidev_xfer2"] / row["linuxhw_transfer"]
                row["write_speedup_vs_writebytes2"] = row["spidev_writebytes2"] / row["linuxhw_write"]
            results[f"{size} B"] = row
        if peer is not None:
            peer.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("real", "mock"), default="real")
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args.backend, args.calls, args.repeats)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for size, row in results.items():
        print(size)
        for key, value in row.items():
            if isinstance(value, str):
                print(f"  {key}: {value}")
                continue
            unit = "x" if "speedup" in key else " µs"
            print(f"  {key:<34} {value:10.2f}{unit}")


if __name__ == "__main__":
    main()
