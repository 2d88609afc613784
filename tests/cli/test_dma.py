"""``linuxhw dma heaps|alloc`` on the demo board's heaps and udmabuf."""

from __future__ import annotations

import json

from tests.cli.conftest import Cli


def test_heaps(cli: Cli) -> None:
    result = cli("dma", "heaps")
    assert result.status == 0
    assert result.lines == [
        "linux,cma            cma      /dev/dma_heap/linux,cma",
        "system               system   /dev/dma_heap/system",
        "udmabuf              memfd    /dev/udmabuf",
    ]
    data = json.loads(cli("dma", "heaps", "--json").out)
    assert data["udmabuf"] == "/dev/udmabuf"
    assert {"name": "system", "path": "/dev/dma_heap/system", "kind": "system"} in data["heaps"]


def test_alloc_from_a_heap_named_and_checked(cli: Cli) -> None:
    result = cli("dma", "alloc", "system", "1M", "--name", "frame0", "--check")
    assert result.status == 0
    first, second = result.lines
    assert first.startswith("1048576 bytes from /dev/dma_heap/system (exporter system, name 'frame0', inode ")
    assert first.endswith("); released")
    assert second.startswith("CPU access check passed: pattern written and read back at ")


def test_alloc_rounds_up_to_pages_and_finds_cma_and_udmabuf(cli: Cli) -> None:
    data = json.loads(cli("--json", "dma", "alloc", "cma", "100").out)
    assert (data["source"], data["requested"], data["size"], data["exporter"]) == (
        "/dev/dma_heap/linux,cma", 100, 4096, "linux,cma",
    )  # fmt: skip
    udmabuf = json.loads(cli("--json", "dma", "alloc", "udmabuf", "0x10000", "--check").out)
    assert (udmabuf["source"], udmabuf["size"], udmabuf["exporter"]) == ("/dev/udmabuf", 65536, "udmabuf")
    assert udmabuf["check_mb_per_s"] > 0


def test_alloc_failures(cli: Cli) -> None:
    too_big = cli("dma", "alloc", "cma", "128M")
    assert too_big.status == 1
    assert "the linux,cma heap cannot provide 134217728 bytes" in too_big.err and "[ENOMEM]" in too_big.err
    missing = cli("dma", "alloc", "vendor-heap", "4K")
    assert missing.status == 1 and "heaps here: linux,cma, system" in missing.err
    bad_size = cli("dma", "alloc", "system", "4X")
    assert bad_size.status == 2 and "64K or 1M" in bad_size.err
