"""``linuxhw dma``: list the DMA-BUF heaps and udmabuf, and allocate a buffer to see that one works."""

from __future__ import annotations

import argparse
import time
from typing import Any

from linuxhw import dmabuf
from linuxhw._kernel import get_backend
from linuxhw.cli.errors import OperationFailed
from linuxhw.cli.output import Progress, emit
from linuxhw.cli.parser import Commands
from linuxhw.cli.values import argument_type, parse_size

UDMABUF = "udmabuf"
UDMABUF_PATH = "/dev/udmabuf"
CHUNK = 1 << 20  # the --check pattern is written and compared a MiB at a time


def register(commands: Commands, json_option: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("dma", description=__doc__)
    sub = parser.add_subparsers(dest="dma_command", required=True, metavar="DMA_COMMAND")
    heaps = sub.add_parser("heaps", parents=[json_option], help="list the DMA-BUF heaps and udmabuf")
    heaps.set_defaults(run=list_heaps, prog=heaps.prog)
    alloc = sub.add_parser(
        "alloc",
        parents=[json_option],
        help="allocate a buffer, show what the kernel made, release it",
        description="Allocate SIZE bytes (4096, 0x1000, 64K, 1M) from HEAP: a heap name, 'cma' (the CMA heap "
        "under whichever name it has), a /dev/dma_heap path, or 'udmabuf'. The buffer is released on exit.",
    )
    alloc.add_argument("heap", metavar="HEAP")
    alloc.add_argument("size", type=argument_type(parse_size), metavar="SIZE")
    alloc.add_argument("--name", help="name the buffer (DMA_BUF_SET_NAME, up to 31 bytes)")
    alloc.add_argument("--check", action="store_true", help="map it, write a pattern and read it back")
    alloc.set_defaults(run=allocate, prog=alloc.prog)


def udmabuf_present() -> bool:
    return UDMABUF_PATH in get_backend().device_nodes(UDMABUF)


def list_heaps(args: argparse.Namespace) -> int:
    data = {
        "heaps": [{"name": h.name, "path": h.path, "kind": h.kind} for h in dmabuf.heaps()],
        "udmabuf": UDMABUF_PATH if udmabuf_present() else None,
    }

    def render(d: dict[str, Any]) -> str:
        rows = [f"{h['name']:<20} {h['kind']:<8} {h['path']}" for h in d["heaps"]]
        if not rows:
            rows.append("no DMA-BUF heaps (/dev/dma_heap is empty or missing)")
        rows.append(f"{'udmabuf':<20} {'memfd':<8} {d['udmabuf']}" if d["udmabuf"] else "no /dev/udmabuf")
        return "\n".join(rows)

    emit(args, data, render)
    return 0


def _check(buffer: dmabuf.Buffer) -> float:
    """Write a pattern through the CPU mapping, read it back; MB/s of the round trip."""
    pattern = bytes(range(256)) * (CHUNK // 256)
    start = time.monotonic()
    with Progress(f"checking {buffer.size} bytes", 2 * buffer.size) as progress:
        with buffer.cpu_access(write=True) as view:
            for offset in range(0, buffer.size, CHUNK):
                end = min(offset + CHUNK, buffer.size)
                view[offset:end] = pattern[: end - offset]
                progress.update(end)
        with buffer.cpu_access(read=True) as view:
            for offset in range(0, buffer.size, CHUNK):
                end = min(offset + CHUNK, buffer.size)
                if view[offset:end] != pattern[: end - offset]:
                    raise OperationFailed(f"{buffer.path}: read back differs from the pattern at {offset:#x}")
                progress.update(buffer.size + end)
    elapsed = max(time.monotonic() - start, 1e-9)
    return 2 * buffer.size / elapsed / 1e6


def allocate(args: argparse.Namespace) -> int:
    if args.heap == UDMABUF:
        with dmabuf.Udmabuf() as device:
            buffer = device.allocate(args.size, name=args.name)
        source = UDMABUF_PATH
    else:
        with dmabuf.Heap(args.heap) as heap:
            buffer = heap.allocate(args.size, name=args.name)
            source = heap.path
    with buffer:
        info = buffer.info()
        data: dict[str, Any] = {
            "source": source,
            "requested": args.size,
            "size": buffer.size,
            "exporter": info.exporter,
            "name": info.name,
            "inode": info.inode,
        }
        if args.check:
            data["check_mb_per_s"] = round(_check(buffer), 1)

    def render(d: dict[str, Any]) -> str:
        name = f", name {d['name']!r}" if d["name"] else ""
        text = f"{d['size']} bytes from {d['source']} (exporter {d['exporter']}{name}, inode {d['inode']}); released"
        if "check_mb_per_s" in d:
            text += f"\nCPU access check passed: pattern written and read back at {d['check_mb_per_s']} MB/s"
        return text

    emit(args, data, render)
    return 0
