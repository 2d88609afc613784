#!/usr/bin/env python3
"""Per-call cost of GPIO get/set (single line and 64-line bulk) and edge-event draining.

Runs on the mock board by default; ``--backend real`` uses a gpio-sim chip (in the
VM tier: ``scripts/vmtest --guest-cmd 'python3 scripts/bench_gpio.py --backend real'``).
Numbers are medians of several repetitions; compare ratios within one run only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import linuxhw
from linuxhw import gpio, mock

IN = gpio.LineSettings(direction=gpio.Direction.INPUT)
OUT = gpio.LineSettings(direction=gpio.Direction.OUTPUT)


def per_call_us(fn: Callable[[], object], calls: int, repeats: int) -> tuple[float, float, float]:
    """(median, min, max) microseconds per call of ``fn`` over ``repeats`` timed loops."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(samples), min(samples), max(samples)


@contextmanager
def sim_chip(backend_name: str, num_lines: int) -> Iterator[Any]:
    """A 64-line simulated chip on the chosen backend, selected as the current backend."""
    if backend_name == "mock":
        board = mock.Board()
        chip = board.add_gpio_chip(num_lines, label="bench")
        with linuxhw.use_backend(board):
            yield chip
        return
    from linuxhw.sim import GpioSim

    with GpioSim() as sim:
        bank = sim.add_bank(num_lines, label="lhw-bench")
        sim.enable()
        with linuxhw.use_backend("real"):
            yield bank


def drain_rate(chip: Any, path: str, per_read: int | None, events: int) -> float:
    """Events per second read back after ``events`` edges are queued, ``per_read`` per read()."""
    with gpio.request_lines(path, {0: IN.replace(edge=gpio.Edge.BOTH)}, event_buffer_size=events) as req:
        level = chip.get_value(0)
        for _ in range(events):
            level ^= 1
            chip.set_pull(0, level)
        time.sleep(0.2)
        start = time.perf_counter()
        got = 0
        while got < events:
            got += len(req.read_edge_events(max_events=per_read, timeout=1.0))
        return got / (time.perf_counter() - start)


def run(backend_name: str, calls: int, repeats: int) -> dict[str, Any]:
    results: dict[str, Any] = {"backend": backend_name, "unit": "us/op"}
    with sim_chip(backend_name, 64) as chip:
        path = f"/dev/{chip.chip_name}"
        with gpio.request_lines(path, {0: OUT, 1: IN}) as req:
            results["get_value"] = per_call_us(lambda: req.get_value(1), calls, repeats)
            results["set_value"] = per_call_us(lambda: req.set_value(0, 1), calls, repeats)
        with gpio.request_lines(path, {tuple(range(64)): OUT}) as req:
            results["get_bits_64"] = per_call_us(req.get_bits, calls, repeats)
            results["set_bits_64"] = per_call_us(lambda: req.set_bits(0x5555_5555_5555_5555), calls, repeats)
            results["get_values_64"] = per_call_us(req.get_values, calls, repeats)
        batched = drain_rate(chip, path, None, 1024)
        single = drain_rate(chip, path, 1, 1024)
        results["events_per_s_batched"] = batched
        results["events_per_s_one_per_read"] = single
        results["event_drain_speedup"] = batched / single
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("mock", "real"), default="mock")
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args.backend, args.calls, args.repeats)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"GPIO on the {args.backend} backend (median [min..max] µs per call)")
    for key, value in results.items():
        if isinstance(value, tuple):
            print(f"  {key:<26} {value[0]:8.2f}  [{value[1]:.2f}..{value[2]:.2f}]")
    print(f"  edge events/s, many per read(): {results['events_per_s_batched']:,.0f}")
    print(
        f"  edge events/s, one per read():  {results['events_per_s_one_per_read']:,.0f}"
        f"  (batched is {results['event_drain_speedup']:.1f}x)"
    )


if __name__ == "__main__":
    main()
