"""The compiled uAPI agrees with this platform's kernel headers: a C program built here prints sizes, offsets
and ioctl numbers straight from its <linux/gpio.h>, <linux/i2c-dev.h> and <linux/spi/spidev.h>, and they must
equal what linuxhw._uapi (built from the headers vendored in cdefs/uapi/) exposes."""

from __future__ import annotations

import pytest

from linuxhw._uapi import ffi, lib
from tests.unit.uapi_facts import Structs, c_program, header_facts

HEADERS = ["linux/version.h", "linux/gpio.h", "linux/i2c.h", "linux/i2c-dev.h", "linux/spi/spidev.h"]
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
    "i2c_msg": ["addr", "flags", "len", "buf"],
    "i2c_smbus_ioctl_data": ["read_write", "command", "size", "data"],
    "i2c_rdwr_ioctl_data": ["msgs", "nmsgs"],
    "spi_ioc_transfer": [
        "tx_buf",
        "rx_buf",
        "len",
        "speed_hz",
        "delay_usecs",
        "bits_per_word",
        "cs_change",
        "tx_nbits",
        "rx_nbits",
        "word_delay_usecs",
        "pad",
    ],
}
CONSTANTS = [
    "GPIO_GET_CHIPINFO_IOCTL", "GPIO_GET_LINEINFO_UNWATCH_IOCTL", "GPIO_V2_GET_LINEINFO_IOCTL",
    "GPIO_V2_GET_LINEINFO_WATCH_IOCTL", "GPIO_V2_GET_LINE_IOCTL", "GPIO_V2_LINE_SET_CONFIG_IOCTL",
    "GPIO_V2_LINE_GET_VALUES_IOCTL", "GPIO_V2_LINE_SET_VALUES_IOCTL", "GPIO_V2_LINE_FLAG_ACTIVE_LOW",
    "GPIO_V2_LINE_ATTR_ID_DEBOUNCE", "GPIO_V2_LINES_MAX",
    "I2C_RDWR", "I2C_SMBUS", "I2C_SLAVE", "I2C_SLAVE_FORCE", "I2C_FUNCS", "I2C_PEC", "I2C_TENBIT",
    "I2C_M_RECV_LEN", "I2C_FUNC_SMBUS_READ_BLOCK_DATA", "I2C_SMBUS_BLOCK_PROC_CALL", "I2C_RDWR_IOCTL_MAX_MSGS",
    "SPI_IOC_WR_MODE32", "SPI_IOC_RD_MODE32", "SPI_IOC_WR_MAX_SPEED_HZ", "SPI_IOC_RD_BITS_PER_WORD",
    "SPI_IOC_MESSAGE(1)", "SPI_IOC_MESSAGE(511)", "SPI_TX_OCTAL", "SPI_3WIRE",
]  # fmt: skip
# Enum members newer than the oldest platform's headers (5.10; #ifdef cannot see them): the version that has each.
NEWER_CONSTANTS = {"GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME": (5, 11), "GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE": (5, 19)}


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    guarded: list[tuple[str, Structs, list[str]]] = [
        (f"LINUX_VERSION_CODE >= KERNEL_VERSION({major}, {minor}, 0)", {}, [name])
        for name, (major, minor) in NEWER_CONSTANTS.items()
    ]
    return header_facts(c_program(HEADERS, STRUCTS, CONSTANTS, guarded), tmp_path_factory.mktemp("uapi"))


@pytest.mark.parametrize("struct", sorted(STRUCTS))
def test_struct_layout_matches_headers(struct: str, facts: dict[str, int]) -> None:
    assert ffi.sizeof(f"struct {struct}") == facts[struct]
    for field in STRUCTS[struct]:
        assert ffi.offsetof(f"struct {struct}", field) == facts[f"{struct}.{field}"], field


@pytest.mark.parametrize("name", CONSTANTS + list(NEWER_CONSTANTS))
def test_constants_match_headers(name: str, facts: dict[str, int]) -> None:
    if name not in facts:
        major, minor = NEWER_CONSTANTS[name]
        pytest.skip(f"{name} arrived in {major}.{minor} headers (linuxhw is built with the vendored ones)")
    if name.startswith("SPI_IOC_MESSAGE("):
        assert lib.lhw_spi_ioc_message(int(name[16:-1])) == facts[name]
    else:
        assert getattr(lib, name) == facts[name]


def test_known_values_every_abi() -> None:
    """Independent of the local headers: the GPIO v2 and SPI uAPI hold no pointers and pad their u64s,
    so these numbers are the same on x86_64, arm64 and 32-bit armhf alike."""
    assert ffi.sizeof("struct gpio_v2_line_request") == 592
    assert ffi.sizeof("struct gpio_v2_line_event") == 48
    assert lib.GPIO_V2_GET_LINE_IOCTL == 0xC250B407
    assert (lib.GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME, lib.GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE) == (1 << 11, 1 << 12)
    assert lib.GPIO_V2_LINE_GET_VALUES_IOCTL == 0xC010B40E
    assert ffi.sizeof("struct spi_ioc_transfer") == 32
    assert lib.lhw_spi_ioc_message(1) == 0x40206B00
    assert lib.I2C_RDWR == 0x0707


# The I2C structs that hold a pointer, by pointer size: 8 on x86_64/arm64, 4 on armhf (and i386).
POINTER_STRUCT_SIZES = {
    8: {"i2c_msg": 16, "i2c_rdwr_ioctl_data": 16, "i2c_smbus_ioctl_data": 16},
    4: {"i2c_msg": 12, "i2c_rdwr_ioctl_data": 8, "i2c_smbus_ioctl_data": 12},
}


def test_known_pointer_struct_sizes() -> None:
    """struct i2c_msg, i2c_rdwr_ioctl_data and i2c_smbus_ioctl_data hold pointers: their sizes are this ABI's."""
    sizes = POINTER_STRUCT_SIZES[ffi.sizeof("void *")]
    assert {name: ffi.sizeof(f"struct {name}") for name in sizes} == sizes
