"""linuxhw._uapi is built from the headers vendored in cdefs/uapi/ (scripts/vendor-headers), not the build
machine's: every struct and constant the layout tests check equals what those headers say, and the
newest constants are there whatever the platform's own headers are."""

from __future__ import annotations

from pathlib import Path

import pytest

from linuxhw._uapi import ffi, lib
from tests.unit import test_uapi_layout as core
from tests.unit import test_uapi_layout_dmabuf as dmabuf
from tests.unit.uapi_facts import c_program, header_facts

VENDORED = Path(__file__).resolve().parents[2] / "cdefs" / "uapi"
STRUCTS = {**core.STRUCTS, **dmabuf.STRUCTS, **dmabuf.NEWER_STRUCTS}
CONSTANTS = [*core.CONSTANTS, *core.NEWER_CONSTANTS, *dmabuf.CONSTANTS, *dmabuf.NEWER_CONSTANTS]


@pytest.fixture(scope="module")
def vendored_facts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    if not VENDORED.is_dir():
        pytest.skip("no cdefs/ here (scripts/platforms copies the tests, not the sources)")
    headers = [h for h in core.HEADERS if h != "linux/version.h"] + dmabuf.HEADERS
    return header_facts(c_program(headers, STRUCTS, CONSTANTS), tmp_path_factory.mktemp("vendored"), [VENDORED])


def test_vendored_headers_say_what_the_module_has(vendored_facts: dict[str, int]) -> None:
    for struct, fields in STRUCTS.items():
        assert ffi.sizeof(f"struct {struct}") == vendored_facts[struct], struct
        for field in fields:
            assert ffi.offsetof(f"struct {struct}", field) == vendored_facts[f"{struct}.{field}"], (struct, field)
    for name in CONSTANTS:
        compiled = (
            lib.lhw_spi_ioc_message(int(name[16:-1])) if name.startswith("SPI_IOC_MESSAGE(") else getattr(lib, name)
        )
        assert compiled == vendored_facts[name], name


def test_every_vendored_header_keeps_its_syscall_note() -> None:
    if not VENDORED.is_dir():
        pytest.skip("no cdefs/ here (scripts/platforms copies the tests, not the sources)")
    headers = sorted(VENDORED.rglob("*.h"))
    assert headers
    for header in headers:
        assert "WITH Linux-syscall-note" in header.read_text().splitlines()[0], header


def test_constants_newer_than_any_platforms_headers_are_compiled_in() -> None:
    """SPI_MOSI_IDLE_HIGH (6.6) and the GPIO HTE clock (5.19) postdate bullseye's 5.10 and bookworm's 6.1
    headers: with the vendored headers every build has them."""
    assert lib.SPI_MOSI_IDLE_HIGH == 1 << 18
    assert lib.GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE == 1 << 12
