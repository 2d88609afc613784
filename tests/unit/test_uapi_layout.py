"""The compiled uAPI agrees with the kernel headers: a C program built here prints sizes, offsets and
ioctl numbers straight from <linux/gpio.h>, and they must equal what linuxhw._uapi exposes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from linuxhw._uapi import ffi, lib

STRUCTS = {
    "gpiochip_info": ["name", "label", "lines"],
    "gpio_v2_line_values": ["bits", "mask"],
    "gpio_v2_line_attribute": ["id", "padding", "flags", "values", "debounce_period_us"],
    "gpio_v2_line_config_attribute": ["attr", "mask"],
    "gpio_v2_line_config": ["flags", "num_attrs", "padding", "attrs"],
    "gpio_v2_line_request": ["offsets", "consumer", "config", "num_lines", "event_buffer_size", "padding", "fd"],
    "gpio_v2_line_info": ["name", "consumer", "offset", "num_attrs", "flags", "attrs", "padding"],
    "gpio_v2_line_info_changed": ["info", "timestamp_ns", "event_type", "padding"],
    "gpio_v2_line_event": ["timestamp_ns", "id", "offset", "seqno", "line_seqno", "padding"],
}
CONSTANTS = [
    "GPIO_GET_CHIPINFO_IOCTL",
    "GPIO_GET_LINEINFO_UNWATCH_IOCTL",
    "GPIO_V2_GET_LINEINFO_IOCTL",
    "GPIO_V2_GET_LINEINFO_WATCH_IOCTL",
    "GPIO_V2_GET_LINE_IOCTL",
    "GPIO_V2_LINE_SET_CONFIG_IOCTL",
    "GPIO_V2_LINE_GET_VALUES_IOCTL",
    "GPIO_V2_LINE_SET_VALUES_IOCTL",
    "GPIO_V2_LINE_FLAG_ACTIVE_LOW",
    "GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE",
    "GPIO_V2_LINE_ATTR_ID_DEBOUNCE",
    "GPIO_V2_LINES_MAX",
]


def _c_program() -> str:
    lines = ["#include <stdio.h>", "#include <stddef.h>", "#include <linux/gpio.h>", "int main(void) {"]
    for struct, fields in STRUCTS.items():
        lines.append(f'printf("{struct} %zu\\n", sizeof(struct {struct}));')
        lines += [f'printf("{struct}.{f} %zu\\n", offsetof(struct {struct}, {f}));' for f in fields]
    lines += [f'printf("{name} %llu\\n", (unsigned long long)({name}));' for name in CONSTANTS]
    lines += ["return 0;", "}"]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def header_facts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.fail("a C compiler is needed to check the uAPI layout (apt-get install gcc)")
    work: Path = tmp_path_factory.mktemp("uapi")
    (work / "facts.c").write_text(_c_program())
    subprocess.run([compiler, "-o", str(work / "facts"), str(work / "facts.c")], check=True)
    out = subprocess.run([str(work / "facts")], check=True, capture_output=True, text=True).stdout
    return {key: int(value) for key, value in (line.split() for line in out.splitlines())}


@pytest.mark.parametrize("struct", sorted(STRUCTS))
def test_struct_layout_matches_headers(struct: str, header_facts: dict[str, int]) -> None:
    assert ffi.sizeof(f"struct {struct}") == header_facts[struct]
    for field in STRUCTS[struct]:
        assert ffi.offsetof(f"struct {struct}", field) == header_facts[f"{struct}.{field}"], field


@pytest.mark.parametrize("name", CONSTANTS)
def test_constants_match_headers(name: str, header_facts: dict[str, int]) -> None:
    assert getattr(lib, name) == header_facts[name]


def test_known_x86_64_values() -> None:
    """Independent of the local headers: the uAPI is fixed, so these never change on 64-bit."""
    if ffi.sizeof("long") != 8:
        pytest.skip("numbers below are for 64-bit ABIs")
    assert ffi.sizeof("struct gpio_v2_line_request") == 592
    assert ffi.sizeof("struct gpio_v2_line_event") == 48
    assert lib.GPIO_V2_GET_LINE_IOCTL == 0xC250B407
    assert lib.GPIO_V2_LINE_GET_VALUES_IOCTL == 0xC010B40E
