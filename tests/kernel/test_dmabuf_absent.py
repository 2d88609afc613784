"""linuxhw's answer on a kernel without DMA-BUF heaps or udmabuf (Debian's 6.1: no CONFIG_DMABUF_HEAPS,
no CONFIG_UDMABUF): nothing listed, and every way to get a buffer fails with DeviceNotFoundError naming
the kernel option it needs; the CLI says the same and exits 1. Probed: skipped where the kernel has them
(there test_dmabuf_kernel.py and the DMA-BUF conformance suite run instead)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import linuxhw
from linuxhw import DeviceNotFoundError, dmabuf
from linuxhw._kernel.real import RealBackend
from linuxhw.cli import main
from tests.conftest import UDMABUF

pytestmark = pytest.mark.kernel
HEAP_DIR = "/dev/dma_heap"
HEAPS_OPTION = "CONFIG_DMABUF_HEAPS_SYSTEM"
UDMABUF_OPTION = "CONFIG_UDMABUF"


@pytest.fixture(autouse=True)
def real() -> Iterator[None]:
    with linuxhw.use_backend(RealBackend()):
        yield


@pytest.fixture
def no_heaps() -> None:
    if os.path.isdir(HEAP_DIR) and os.listdir(HEAP_DIR):
        pytest.skip(f"this kernel has DMA-BUF heaps ({HEAP_DIR}): the answer without them needs a kernel lacking them")


@pytest.fixture
def no_udmabuf() -> None:
    if os.path.exists(UDMABUF):
        pytest.skip(f"this kernel has {UDMABUF}: the answer without it needs a kernel lacking it")


@pytest.mark.usefixtures("no_heaps")
def test_no_heap_is_listed_and_opening_one_names_the_option() -> None:
    assert dmabuf.heaps() == []
    with pytest.raises(DeviceNotFoundError, match=HEAPS_OPTION) as found:
        dmabuf.find_heap("system")
    assert found.value.filename == f"{HEAP_DIR}/system"
    with pytest.raises(DeviceNotFoundError, match=HEAPS_OPTION) as opened:
        dmabuf.Heap("system")
    assert opened.value.filename == f"{HEAP_DIR}/system"


@pytest.mark.usefixtures("no_udmabuf")
def test_opening_udmabuf_names_the_option() -> None:
    with pytest.raises(DeviceNotFoundError, match=UDMABUF_OPTION) as exc:
        dmabuf.Udmabuf()
    assert exc.value.filename == UDMABUF


@pytest.mark.usefixtures("no_heaps", "no_udmabuf")
def test_allocate_reports_every_choice_missing() -> None:
    with pytest.raises(DeviceNotFoundError, match=r"every choice failed \(system: No such file or directory; "):
        dmabuf.allocate(4096)


@pytest.mark.usefixtures("no_heaps", "no_udmabuf")
def test_cli_lists_nothing_and_alloc_fails_naming_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dma", "heaps"], backend=RealBackend()) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"no DMA-BUF heaps ({HEAP_DIR} is empty or missing)",
        f"no {UDMABUF}",
    ]
    for source, option in (("system", HEAPS_OPTION), ("udmabuf", UDMABUF_OPTION)):
        assert main(["dma", "alloc", source, "4K"], backend=RealBackend()) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert option in captured.err, captured.err
