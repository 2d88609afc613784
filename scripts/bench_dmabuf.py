#!/usr/bin/env python3
"""Cost of one dma-buf's life — allocate, map, CPU-access START/END around a one-byte write, close —
per buffer size (4 KiB ... 16 MiB), against a C floor program making the same calls.

``--backend real`` (in the VM tier:
``scripts/vmtest --guest-cmd 'python3 scripts/bench_dmabuf.py --backend real'``) compiles
scripts/bench_dmabuf_floor.c with cc and runs both on /dev/dma_heap/system (``--source udmabuf``:
memfd + /dev/udmabuf). A third column makes the floor's calls from Python through cffi
with no linuxhw objects, to tell the interpreter's cost from the library's. On the mock there is
no floor: only linuxhw's own cost is shown.
Numbers are medians of several repetitions; compare ratios within one run only.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import linuxhw
from linuxhw import dmabuf, mock

FLOOR_SOURCE = Path(__file__).resolve().with_name("bench_dmabuf_floor.c")
SIZES = [4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20]
DEVICES = {"heap": "/dev/dma_heap/system", "udmabuf": "/dev/udmabuf"}


def iterations_for(size: int, scale: float) -> int:
    """Enough buffers per timed loop to rise above timer noise, few enough for big sizes."""
    return max(5, min(2000, int((64 << 20) // size * scale)))


def python_per_buffer_ns(source: str, size: int, iterations: int, repeats: int) -> list[float]:
    """Nanoseconds per buffer through linuxhw.dmabuf, one sample per repetition."""
    device: dmabuf.Heap | dmabuf.Udmabuf = dmabuf.Heap("system") if source == "heap" else dmabuf.Udmabuf()
    samples = []
    with device:
        for _ in range(repeats):
            start = time.perf_counter_ns()
            for i in range(iterations):
                buf = device.allocate(size)
                with buf.cpu_access() as view:
                    view[0] = i & 0xFF
                buf.close()
            samples.append((time.perf_counter_ns() - start) / iterations)
    return samples


def raw_python_per_buffer_ns(source: str, size: int, iterations: int, repeats: int) -> list[float]:
    """The C floor's calls made from Python straight through cffi, no linuxhw objects: what the
    interpreter alone costs (under TCG, Python pays far more than C for each munmap's TLB flush)."""
    import fcntl
    import os

    from linuxhw._uapi import ffi, lib

    dev = os.open(DEVICES[source], (os.O_RDWR if source == "udmabuf" else os.O_RDONLY) | os.O_CLOEXEC)
    alloc = ffi.new("struct dma_heap_allocation_data *", {"fd_flags": os.O_RDWR | os.O_CLOEXEC})
    create = ffi.new("struct udmabuf_create *", {"flags": lib.UDMABUF_FLAGS_CLOEXEC, "size": size})
    sync = ffi.new("struct dma_buf_sync *")
    ioctl, mmap_, munmap, null = lib.lhw_ioctl, lib.lhw_mmap, lib.lhw_munmap, ffi.NULL
    samples = []
    try:
        for _ in range(repeats):
            start = time.perf_counter_ns()
            for i in range(iterations):
                if source == "udmabuf":
                    memfd = os.memfd_create("raw", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
                    os.ftruncate(memfd, size)
                    fcntl.fcntl(memfd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK)
                    create.memfd = memfd
                    fd = ioctl(dev, lib.UDMABUF_CREATE, create)
                    os.close(memfd)
                else:
                    alloc.len = size
                    alloc.fd = 0
                    ioctl(dev, lib.DMA_HEAP_IOCTL_ALLOC, alloc)
                    fd = alloc.fd
                addr = ffi.cast("unsigned char *", mmap_(null, size, 3, fd, 0))
                sync.flags = lib.DMA_BUF_SYNC_START | lib.DMA_BUF_SYNC_RW
                ioctl(fd, lib.DMA_BUF_IOCTL_SYNC, sync)
                addr[0] = i & 0xFF
                sync.flags = lib.DMA_BUF_SYNC_END | lib.DMA_BUF_SYNC_RW
                ioctl(fd, lib.DMA_BUF_IOCTL_SYNC, sync)
                munmap(addr, size)
                os.close(fd)
            samples.append((time.perf_counter_ns() - start) / iterations)
    finally:
        os.close(dev)
    return samples


def build_floor(workdir: Path) -> Path:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise SystemExit("bench_dmabuf: a C compiler (cc) is needed for the floor program")
    binary = workdir / "bench_dmabuf_floor"
    subprocess.run([compiler, "-O2", "-Wall", "-o", str(binary), str(FLOOR_SOURCE)], check=True)
    return binary


def floor_per_buffer_ns(binary: Path, source: str, size: int, iterations: int, repeats: int) -> list[float]:
    out = subprocess.run(
        [str(binary), source, DEVICES[source], str(size), str(iterations), str(repeats)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [float(line) for line in out.split()]


def run(backend_name: str, source: str, sizes: list[int], repeats: int, scale: float) -> dict[str, Any]:
    rows = []
    board = None
    if backend_name == "mock":
        board = mock.Board()
        board.add_dma_heap("system")
        board.enable_udmabuf()
    with linuxhw.use_backend(board if board is not None else "real"), tempfile.TemporaryDirectory() as tmp:
        binary = build_floor(Path(tmp)) if board is None else None
        for size in sizes:
            iterations = iterations_for(size, scale)
            python_ns = statistics.median(python_per_buffer_ns(source, size, iterations, repeats))
            row: dict[str, Any] = {"size": size, "iterations": iterations, "python_us": python_ns / 1000}
            if binary is not None:
                c_ns = statistics.median(floor_per_buffer_ns(binary, source, size, iterations, repeats))
                raw_ns = statistics.median(raw_python_per_buffer_ns(source, size, iterations, repeats))
                row.update(c_us=c_ns / 1000, ratio=python_ns / c_ns, raw_us=raw_ns / 1000, raw_ratio=raw_ns / c_ns)
            rows.append(row)
    return {"backend": backend_name, "source": source, "repeats": repeats, "rows": rows}


def human(size: int) -> str:
    return f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("mock", "real"), default="mock")
    parser.add_argument("--source", choices=tuple(DEVICES), default="heap")
    parser.add_argument("--sizes", type=lambda s: [int(x, 0) for x in s.split(",")], default=SIZES)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the buffers per timed loop")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args.backend, args.source, args.sizes, args.repeats, args.scale)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"dma-buf life cycle on the {args.backend} backend ({args.source}), median of {args.repeats}")
    header = f"  {'size':>7} {'buffers':>8} {'linuxhw µs':>11}"
    if args.backend == "real":
        header += f" {'C floor µs':>11} {'ratio':>6}   {'raw cffi µs':>11} {'ratio':>6}"
    print(header)
    for row in results["rows"]:
        extra = ""
        if "c_us" in row:
            extra = f" {row['c_us']:11.1f} {row['ratio']:6.2f}   {row['raw_us']:11.1f} {row['raw_ratio']:6.2f}"
        print(f"  {human(row['size']):>7} {row['iterations']:8d} {row['python_us']:11.1f}{extra}")


if __name__ == "__main__":
    main()
