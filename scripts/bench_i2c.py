#!/usr/bin/env python3
"""Per-operation cost of I2C/SMBus calls: linuxhw against smbus2 on the same kernel devices.

Run inside the VM tier, where i2c-stub and the project's simulator module exist:
    scripts/vmtest --guest-cmd "$PWD/.venv/bin/python scripts/bench_i2c.py"
Each figure is the median of several timed loops, in µs per operation; the ratio
smbus2/linuxhw says how many times faster linuxhw is. Compare ratios, not absolute
numbers: under TCG every syscall is far slower than on hardware.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import smbus2

from linuxhw import i2c

SIM_NAME = "linuxhw i2c simulator"
STUB_NAME = "SMBus stub driver"


def per_call_us(fn: Callable[[], object], calls: int, repeats: int) -> float:
    """Median microseconds per call over ``repeats`` loops of ``calls`` calls."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(samples)


def cases(bus: i2c.Bus, peer: smbus2.SMBus) -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    """Operation name -> (linuxhw call, smbus2 call) doing the same thing on the wire."""
    chip = bus.device(0x1C)
    found: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
        "read_byte_data": (lambda: chip.read_byte_data(0x0F), lambda: peer.read_byte_data(0x1C, 0x0F)),
        "read_word_data": (lambda: chip.read_word_data(0x10), lambda: peer.read_word_data(0x1C, 0x10)),
        "i2c_block_32": (
            lambda: chip.read_i2c_block_data(0x10, 32),
            lambda: peer.read_i2c_block_data(0x1C, 0x10, 32),
        ),
    }
    if i2c.Functionality.I2C in bus.functionality:
        out, back = i2c.Message.write(0x1C, b"\x10"), i2c.Message.read(0x1C, 4)

        def peer_rdwr() -> None:
            peer.i2c_rdwr(smbus2.i2c_msg.write(0x1C, [0x10]), smbus2.i2c_msg.read(0x1C, 4))

        found["rdwr_2_messages"] = (lambda: bus.transfer(out, back), peer_rdwr)
    return found


def run(calls: int, repeats: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name in (STUB_NAME, SIM_NAME):
        with i2c.Bus(name) as bus, smbus2.SMBus(bus.number) as peer:
            for case, (ours, theirs) in cases(bus, peer).items():
                linuxhw_us = per_call_us(ours, calls, repeats)
                smbus2_us = per_call_us(theirs, calls, repeats)
                results[f"{name}: {case}"] = {
                    "linuxhw_us": linuxhw_us,
                    "smbus2_us": smbus2_us,
                    "smbus2_over_linuxhw": smbus2_us / linuxhw_us,
                }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args.calls, args.repeats)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'operation':<48} {'linuxhw µs':>11} {'smbus2 µs':>10} {'speed-up':>9}")
    for name, row in results.items():
        print(f"{name:<48} {row['linuxhw_us']:>11.2f} {row['smbus2_us']:>10.2f} {row['smbus2_over_linuxhw']:>8.2f}x")


if __name__ == "__main__":
    main()
