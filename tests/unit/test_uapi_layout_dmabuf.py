"""The compiled DMA-BUF uAPI agrees with <linux/dma-heap.h>, <linux/dma-buf.h> and <linux/udmabuf.h>:
a C program built here prints sizes, offsets and ioctl numbers straight from the headers."""

from __future__ import annotations

import pytest

from linuxhw._uapi import ffi, lib
from tests.unit.uapi_facts import Structs, c_program
from tests.unit.uapi_facts import header_facts as compile_facts

HEADERS = ["fcntl.h", "linux/dma-heap.h", "linux/dma-buf.h", "linux/udmabuf.h"]
STRUCTS = {
    "dma_heap_allocation_data": ["len", "fd", "fd_flags", "heap_flags"],
    "dma_buf_sync": ["flags"],
    "udmabuf_create": ["memfd", "flags", "offset", "size"],
    "udmabuf_create_item": ["memfd", "__pad", "offset", "size"],
    "udmabuf_create_list": ["flags", "count", "list"],
}
# Structs of 6.0 that 5.10 headers lack (the vendored headers have them): checked where the headers have them.
NEWER_STRUCTS = {
    "dma_buf_export_sync_file": ["flags", "fd"],
    "dma_buf_import_sync_file": ["flags", "fd"],
}
CONSTANTS = [
    "DMA_HEAP_IOCTL_ALLOC",
    "DMA_HEAP_VALID_FD_FLAGS",
    "DMA_HEAP_VALID_HEAP_FLAGS",
    "DMA_BUF_IOCTL_SYNC",
    "DMA_BUF_SYNC_READ",
    "DMA_BUF_SYNC_WRITE",
    "DMA_BUF_SYNC_RW",
    "DMA_BUF_SYNC_START",
    "DMA_BUF_SYNC_END",
    "DMA_BUF_SYNC_VALID_FLAGS_MASK",
    "DMA_BUF_NAME_LEN",
    "DMA_BUF_SET_NAME",
    "DMA_BUF_SET_NAME_A",
    "DMA_BUF_SET_NAME_B",
    "UDMABUF_FLAGS_CLOEXEC",
    "UDMABUF_CREATE",
    "UDMABUF_CREATE_LIST",
    "F_SEAL_SEAL",
    "F_SEAL_SHRINK",
    "F_SEAL_GROW",
    "F_SEAL_WRITE",
]
NEWER_CONSTANTS = ["DMA_BUF_IOCTL_EXPORT_SYNC_FILE", "DMA_BUF_IOCTL_IMPORT_SYNC_FILE", "F_SEAL_FUTURE_WRITE"]


@pytest.fixture(scope="module")
def header_facts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    guarded: list[tuple[str, Structs, list[str]]] = [("defined(DMA_BUF_IOCTL_EXPORT_SYNC_FILE)", NEWER_STRUCTS, [])]
    guarded += [(f"defined({name})", {}, [name]) for name in NEWER_CONSTANTS]
    source = c_program(HEADERS, STRUCTS, CONSTANTS, guarded)
    return compile_facts(source, tmp_path_factory.mktemp("uapi-dmabuf"))


@pytest.mark.parametrize("struct", sorted(STRUCTS))
def test_struct_layout_matches_headers(struct: str, header_facts: dict[str, int]) -> None:
    assert ffi.sizeof(f"struct {struct}") == header_facts[struct]
    for field in STRUCTS[struct]:
        assert ffi.offsetof(f"struct {struct}", field) == header_facts[f"{struct}.{field}"], field


@pytest.mark.parametrize("struct", sorted(NEWER_STRUCTS))
def test_newer_struct_layout_matches_headers_or_the_6_0_uapi(struct: str, header_facts: dict[str, int]) -> None:
    if struct not in header_facts:  # pre-6.0 headers: the vendored layout is the 6.0 uAPI
        assert ffi.sizeof(f"struct {struct}") == 8
        return
    assert ffi.sizeof(f"struct {struct}") == header_facts[struct]
    for field in NEWER_STRUCTS[struct]:
        assert ffi.offsetof(f"struct {struct}", field) == header_facts[f"{struct}.{field}"], field


@pytest.mark.parametrize("name", CONSTANTS + NEWER_CONSTANTS)
def test_constants_match_headers(name: str, header_facts: dict[str, int]) -> None:
    if name not in header_facts:
        pytest.skip(f"{name} is not in these headers (linuxhw is built with the vendored ones)")
    assert getattr(lib, name) == header_facts[name]


def test_known_64_bit_values() -> None:
    """Independent of the local headers: the uAPI is fixed, so these never change on 64-bit ABIs."""
    if ffi.sizeof("long") != 8:
        pytest.skip("numbers below are for 64-bit ABIs")
    assert ffi.sizeof("struct dma_heap_allocation_data") == 24
    assert ffi.sizeof("struct udmabuf_create_list") == 8
    assert ffi.sizeof("struct udmabuf_create_item") == 24
    assert lib.DMA_HEAP_IOCTL_ALLOC == 0xC0184800
    assert lib.DMA_BUF_IOCTL_SYNC == 0x40086200
    assert lib.DMA_BUF_SET_NAME == lib.DMA_BUF_SET_NAME_B == 0x40086201
    assert lib.DMA_BUF_IOCTL_EXPORT_SYNC_FILE == 0xC0086202
    assert lib.DMA_BUF_IOCTL_IMPORT_SYNC_FILE == 0x40086203
    assert lib.UDMABUF_CREATE == 0x40187542
    assert lib.UDMABUF_CREATE_LIST == 0x40087543
