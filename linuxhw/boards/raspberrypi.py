"""Raspberry Pi headers as data: the 40-pin J8 of every Pi that has one and the 26-pin P1 (with P5) of the
first Model A/B, each pin's SoC GPIO and bus functions, and the GPIO chip's line names per board.

Sources (checked 2026-12-08):

- Line names: the ``gpio-line-names`` of the Raspberry Pi kernel's device trees
  (github.com/raspberrypi/linux ``arch/arm/boot/dts/broadcom/``: bcm2708-rpi-b-rev1, bcm2708-rpi-b,
  bcm2708-rpi-b-plus, bcm2708-rpi-zero, bcm2708-rpi-zero-w, bcm2709-rpi-2-b (bcm2710-rpi-2-b is the
  same), bcm2710-rpi-3-b, bcm2710-rpi-3-b-plus, bcm2710-rpi-zero-2-w, bcm2711-rpi-4-b (the
  downstream block, which the Pi 400's and the CM4's trees also end with), bcm2712-rpi-5-b). Where a
  file names the header lines twice, the later block is the one the kernel keeps. For the Pi 5 the
  names are those of ``gpioinfo`` on Raspberry Pi OS (Pi 5, 500 and CM5 reports, 2024-2025:
  ``ID_SDA``, ``ID_SCL``, ``GPIO2``..``GPIO27``, as mainline's RP1 binding also names them); one
  downstream revision named the header lines by pin instead (``PIN3``...). Lookups go by chip label
  and offset (the BCM number), so a kernel that names the lines otherwise still resolves.
- Chip labels: ``pinctrl-bcm2835`` (BCM2835/6/7 and the Zero 2 W's BCM2710A1), ``pinctrl-bcm2711``
  (Pi 4, 400, CM4; 58 lines), ``pinctrl-rp1`` (Pi 5; 54 lines): the pinctrl drivers' gpio_chip labels
  as ``gpiodetect`` prints them.
- Physical pins and functions: pinout.xyz and the BCM2835 ARM Peripherals alternate-function table;
  the 26-pin rev 1 / rev 2 differences (pins 3, 5 and 13) and P5 as gpiozero's and RPi.GPIO's pin
  maps have them. The RP1's functions (its a0 function on GPIO4-6 is GPCLK0-2, as on the BCM chips; its
  PWM channels ``PWM0_CHAN0``..) as the function-select table of Raspberry Pi's ``pinctrl`` tool
  (github.com/raspberrypi/utils ``pinctrl/``, the RP1 chip's) names them.
- Buses: ``i2c_arm`` is I2C1 on pins 3/5 (``/dev/i2c-1``; on the rev 1 Model B it is I2C0, so
  ``/dev/i2c-0`` there), ``i2c_vc`` is I2C0 on the ID pins 27/28 (``/dev/i2c-0``), spidev 0.0/0.1 on
  SPI0 CE0/CE1 (pins 24/26), spidev 1.0-1.2 on SPI1 CE0-CE2 (pins 12/11/36: ``dtoverlay=spi1-3cs``).
  They exist once enabled (``dtparam=i2c_arm=on``, ``dtparam=spi=on``, ...).
"""

from __future__ import annotations

from linuxhw.boards.model import Board, GpioChipLayout, HeaderTable, build_board

__all__ = ["BOARDS"]

BCM2835 = "pinctrl-bcm2835"
BCM2711 = "pinctrl-bcm2711"
RP1 = "pinctrl-rp1"


def _gpio(*numbers: int) -> tuple[tuple[int, int], ...]:
    return tuple((0, n) for n in numbers)


# The 40-pin header, physical pin 1..40: a supply, or the SoC GPIO (BCM number) on the chip's line.
J8 = HeaderTable(
    "J8",
    ("3V3", "5V", *_gpio(2), "5V", *_gpio(3), "GND", *_gpio(4, 14), "GND", *_gpio(15, 17, 18, 27), "GND",
     *_gpio(22, 23), "3V3", *_gpio(24, 10), "GND", *_gpio(9, 25, 11, 8), "GND", *_gpio(7, 0, 1, 5), "GND",
     *_gpio(6, 12, 13), "GND", *_gpio(19, 16, 26, 20), "GND", *_gpio(21)),
)  # fmt: skip
# The 26-pin P1 of the Model A and B: rev 2 is J8's first 26 pins; rev 1 has GPIO0/1 on 3/5 and GPIO21 on 13.
P1_REV2 = HeaderTable("P1", J8.entries[:26])
P1_REV1 = HeaderTable("P1", (*J8.entries[:2], (0, 0), "5V", (0, 1), *J8.entries[5:12], (0, 21), *J8.entries[13:26]))
P5 = HeaderTable("P5", ("5V", "3V3", *_gpio(28, 29, 30, 31), "GND", "GND"))  # the rev 2 boards' 8-pin P5

# Bus functions of the header GPIOs (BCM2835 alternate functions; the same on the BCM2711).
BCM_FUNCTIONS = {
    "GPIO0": ("I2C0_SDA",),
    "GPIO1": ("I2C0_SCL",),
    "GPIO2": ("I2C1_SDA",),
    "GPIO3": ("I2C1_SCL",),
    "GPIO4": ("GPCLK0",),
    "GPIO5": ("GPCLK1",),
    "GPIO6": ("GPCLK2",),
    "GPIO7": ("SPI0_CE1",),
    "GPIO8": ("SPI0_CE0",),
    "GPIO9": ("SPI0_MISO",),
    "GPIO10": ("SPI0_MOSI",),
    "GPIO11": ("SPI0_SCLK",),
    "GPIO12": ("PWM0",),
    "GPIO13": ("PWM1",),
    "GPIO14": ("UART0_TXD", "UART1_TXD"),
    "GPIO15": ("UART0_RXD", "UART1_RXD"),
    "GPIO16": ("SPI1_CE2",),
    "GPIO17": ("SPI1_CE1",),
    "GPIO18": ("SPI1_CE0", "PWM0", "PCM_CLK"),
    "GPIO19": ("SPI1_MISO", "PWM1", "PCM_FS"),
    "GPIO20": ("SPI1_MOSI", "PCM_DIN"),
    "GPIO21": ("SPI1_SCLK", "PCM_DOUT"),
}
# The RP1 (Pi 5): the same buses on the same pins; its one PWM block has four channels.
RP1_FUNCTIONS = {
    **BCM_FUNCTIONS,
    "GPIO12": ("PWM0_CHAN0",),
    "GPIO13": ("PWM0_CHAN1",),
    "GPIO14": ("UART0_TXD",),
    "GPIO15": ("UART0_RXD",),
    "GPIO18": ("SPI1_CE0", "PWM0_CHAN2"),
    "GPIO19": ("SPI1_MISO", "PWM0_CHAN3"),
    "GPIO20": ("SPI1_MOSI",),
    "GPIO21": ("SPI1_SCLK",),
}

SPI0 = ("GPIO11", "GPIO10", "GPIO9", ("GPIO8", "GPIO7"))  # SCLK, MOSI, MISO, CE0, CE1
SPI1 = ("GPIO21", "GPIO20", "GPIO19", ("GPIO18", "GPIO17", "GPIO16"))
I2C_40PIN = {1: ("GPIO2", "GPIO3"), 0: ("GPIO0", "GPIO1")}
SPI_40PIN = {0: SPI0, 1: SPI1}


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_GPIO16_27 = "GPIO16 GPIO17 GPIO18 GPIO19 GPIO20 GPIO21 GPIO22 GPIO23 GPIO24 GPIO25 GPIO26 GPIO27"
_GPIO2_27 = f"GPIO2 GPIO3 GPIO4 GPIO5 GPIO6 GPIO7 GPIO8 GPIO9 GPIO10 GPIO11 GPIO12 GPIO13 GPIO14 GPIO15 {_GPIO16_27}"
_SD_CARD = "SD_CLK_R SD_CMD_R SD_DATA0_R SD_DATA1_R SD_DATA2_R SD_DATA3_R"
_SD1 = "CTS0 RTS0 TXD0 RXD0 SD1_CLK SD1_CMD SD1_DATA0 SD1_DATA1 SD1_DATA2 SD1_DATA3"  # the wireless chip's lines

# gpio-line-names, offset 0 up, of each board's device tree (see the module docstring).
NAMES_1B_REV1 = _names(
    "SDA0 SCL0 SDA1 SCL1 GPIO_GCLK CAM_GPIO1 LAN_RUN SPI_CE1_N SPI_CE0_N SPI_MISO SPI_MOSI SPI_SCLK NC NC "
    "TXD0 RXD0 STATUS_LED_N GPIO17 GPIO18 NC NC GPIO21 GPIO22 GPIO23 GPIO24 GPIO25 NC CAM_GPIO0 "
    "CONFIG0 CONFIG1 CONFIG2 CONFIG3 NC NC NC NC NC NC NC NC PWM0_OUT NC NC NC NC PWM1_OUT HDMI_HPD_P "
    f"SD_CARD_DET {_SD_CARD}"
)
NAMES_1B_REV2 = _names(
    "SDA0 SCL0 SDA1 SCL1 GPIO_GCLK CAM_GPIO1 LAN_RUN SPI_CE1_N SPI_CE0_N SPI_MISO SPI_MOSI SPI_SCLK NC NC "
    "TXD0 RXD0 STATUS_LED_N GPIO17 GPIO18 NC NC CAM_GPIO0 GPIO22 GPIO23 GPIO24 GPIO25 NC GPIO27 "
    "GPIO28 GPIO29 GPIO30 GPIO31 NC NC NC NC NC NC NC NC PWM0_OUT NC NC NC NC PWM1_OUT HDMI_HPD_P "
    f"SD_CARD_DET {_SD_CARD}"
)
NAMES_1B_PLUS = _names(
    f"ID_SDA ID_SCL {_GPIO2_27} SDA0 SCL0 NC LAN_RUN CAM_GPIO1 NC NC PWR_LOW_N NC NC USB_LIMIT NC "
    f"PWM0_OUT CAM_GPIO0 NC NC ETH_CLK PWM1_OUT HDMI_HPD_N STATUS_LED {_SD_CARD}"
)
NAMES_ZERO = _names(
    "ID_SDA ID_SCL SDA1 SCL1 GPIO_GCLK GPIO5 GPIO6 SPI_CE1_N SPI_CE0_N SPI_MISO SPI_MOSI SPI_SCLK GPIO12 GPIO13 "
    f"TXD0 RXD0 {_GPIO16_27} SDA0 SCL0 NC NC CAM_GPIO1 NC NC NC NC NC NC NC NC CAM_GPIO0 NC NC NC NC "
    f"HDMI_HPD_N STATUS_LED_N {_SD_CARD}"
)
NAMES_ZERO_W = _names(
    f"ID_SDA ID_SCL {_GPIO2_27} SDA0 SCL0 {_SD1} CAM_GPIO1 WL_ON NC WIFI_CLK CAM_GPIO0 BT_ON "
    f"HDMI_HPD_N STATUS_LED_N {_SD_CARD}"
)
NAMES_2B = _names(
    f"ID_SDA ID_SCL {_GPIO2_27} SDA0 SCL0 NC LAN_RUN CAM_GPIO1 NC NC PWR_LOW_N NC NC USB_LIMIT NC "
    f"PWM0_OUT CAM_GPIO0 SMPS_SCL SMPS_SDA ETH_CLK PWM1_OUT HDMI_HPD_N STATUS_LED {_SD_CARD}"
)
NAMES_3B = _names(
    "ID_SDA ID_SCL SDA1 SCL1 GPIO_GCLK GPIO5 GPIO6 SPI_CE1_N SPI_CE0_N SPI_MISO SPI_MOSI SPI_SCLK GPIO12 GPIO13 "
    f"TXD1 RXD1 {_GPIO16_27} NC LAN_RUN_BOOT {_SD1} PWM0_OUT PWM1_OUT ETH_CLK WIFI_CLK SDA0 SCL0 SMPS_SCL "
    f"SMPS_SDA {_SD_CARD}"
)
NAMES_3B_PLUS = _names(
    f"ID_SDA ID_SCL {_GPIO2_27} HDMI_HPD_N STATUS_LED_G {_SD1} PWM0_OUT PWM1_OUT ETH_CLK WIFI_CLK "
    f"SDA0 SCL0 SMPS_SCL SMPS_SDA {_SD_CARD}"
)
NAMES_ZERO_2W = _names(
    f"ID_SDA ID_SCL {_GPIO2_27} HDMI_HPD_N STATUS_LED_N {_SD1} CAM_GPIO1 WL_ON BT_ON WIFI_CLK "
    f"SDA0 SCL0 SMPS_SCL SMPS_SDA {_SD_CARD}"
)
NAMES_4B = _names(
    f"ID_SDA ID_SCL {_GPIO2_27} RGMII_MDIO RGMIO_MDC {_SD1} PWM0_MISO PWM1_MOSI STATUS_LED_G_CLK "
    "SPIFLASH_CE_N SDA0 SCL0 RGMII_RXCLK RGMII_RXCTL RGMII_RXD0 RGMII_RXD1 RGMII_RXD2 RGMII_RXD3 "
    "RGMII_TXCLK RGMII_TXCTL RGMII_TXD0 RGMII_TXD1 RGMII_TXD2 RGMII_TXD3"
)
NAMES_5 = _names(
    f"ID_SDA ID_SCL {_GPIO2_27} PCIE_RP1_WAKE FAN_TACH HOST_SDA HOST_SCL ETH_RST_N - CD0_IO0_MICCLK "
    "CD0_IO0_MICDAT0 RP1_PCIE_CLKREQ_N - CD0_SDA CD0_SCL CD1_SDA CD1_SCL USB_VBUS_EN USB_OC_N RP1_STAT_LED "
    "FAN_PWM CD1_IO0_MICCLK 2712_WAKE CD1_IO1_MICDAT1 EN_MAX_USB_CUR - - - -"
)

_SOURCE = "raspberrypi/linux arch/arm/boot/dts/broadcom/{}; pinout.xyz"


def _pi(id: str, model: str, compatible: tuple[str, ...], models: tuple[str, ...], dts: str,
        chip: GpioChipLayout, headers: tuple[HeaderTable, ...] = (J8,), i2c: dict[int, tuple[str, str]] | None = None,
        spi: dict[int, tuple[str, str, str, tuple[str, ...]]] | None = None) -> Board:  # fmt: skip
    return build_board(
        id=id,
        model=model,
        compatible=compatible,
        models=models,
        headers=headers,
        chips=(chip,),
        pin_names="bcm",
        functions=RP1_FUNCTIONS if chip.label == RP1 else BCM_FUNCTIONS,
        i2c=I2C_40PIN if i2c is None else i2c,
        spi=SPI_40PIN if spi is None else spi,
        source=_SOURCE.format(dts),
    )


# First claimant of a compatible string wins when the firmware's model string names none of them.
BOARDS = (
    _pi("raspberrypi-1b", "Raspberry Pi 1 Model B (rev 2)", ("raspberrypi,model-b-rev2", "raspberrypi,model-b"),
        ("Raspberry Pi Model B Rev 2",), "bcm2708-rpi-b.dts", GpioChipLayout(BCM2835, NAMES_1B_REV2),
        headers=(P1_REV2, P5), i2c={1: ("GPIO2", "GPIO3")}, spi={0: SPI0}),
    _pi("raspberrypi-1b-rev1", "Raspberry Pi 1 Model B (rev 1)", ("raspberrypi,model-b",),
        ("Raspberry Pi Model B Rev 1",), "bcm2708-rpi-b-rev1.dts", GpioChipLayout(BCM2835, NAMES_1B_REV1),
        headers=(P1_REV1,), i2c={0: ("GPIO0", "GPIO1")}, spi={0: SPI0}),
    _pi("raspberrypi-1a", "Raspberry Pi 1 Model A", ("raspberrypi,model-a", "raspberrypi,model-b"),
        ("Raspberry Pi Model A",), "bcm2708-rpi-b.dts", GpioChipLayout(BCM2835, NAMES_1B_REV2),
        headers=(P1_REV2, P5), i2c={1: ("GPIO2", "GPIO3")}, spi={0: SPI0}),
    _pi("raspberrypi-1b-plus", "Raspberry Pi 1 Model B+", ("raspberrypi,model-b-plus",),
        ("Raspberry Pi Model B Plus",), "bcm2708-rpi-b-plus.dts", GpioChipLayout(BCM2835, NAMES_1B_PLUS)),
    _pi("raspberrypi-1a-plus", "Raspberry Pi 1 Model A+", ("raspberrypi,model-a-plus", "raspberrypi,model-b-plus"),
        ("Raspberry Pi Model A Plus",), "bcm2708-rpi-b-plus.dts", GpioChipLayout(BCM2835, NAMES_1B_PLUS)),
    _pi("raspberrypi-zero", "Raspberry Pi Zero", ("raspberrypi,model-zero",), ("Raspberry Pi Zero Rev",),
        "bcm2708-rpi-zero.dts", GpioChipLayout(BCM2835, NAMES_ZERO)),
    _pi("raspberrypi-zero-w", "Raspberry Pi Zero W", ("raspberrypi,model-zero-w",), ("Raspberry Pi Zero W",),
        "bcm2708-rpi-zero-w.dts", GpioChipLayout(BCM2835, NAMES_ZERO_W)),
    _pi("raspberrypi-zero-2w", "Raspberry Pi Zero 2 W", ("raspberrypi,model-zero-2-w",), ("Raspberry Pi Zero 2 W",),
        "bcm2710-rpi-zero-2-w.dts", GpioChipLayout(BCM2835, NAMES_ZERO_2W)),
    _pi("raspberrypi-2b", "Raspberry Pi 2 Model B", ("raspberrypi,2-model-b", "raspberrypi,2-model-b-rev2"),
        ("Raspberry Pi 2 Model B",), "bcm2709-rpi-2-b.dts", GpioChipLayout(BCM2835, NAMES_2B)),
    _pi("raspberrypi-3b", "Raspberry Pi 3 Model B", ("raspberrypi,3-model-b",), ("Raspberry Pi 3 Model B Rev",),
        "bcm2710-rpi-3-b.dts", GpioChipLayout(BCM2835, NAMES_3B)),
    _pi("raspberrypi-3b-plus", "Raspberry Pi 3 Model B+", ("raspberrypi,3-model-b-plus",),
        ("Raspberry Pi 3 Model B Plus",), "bcm2710-rpi-3-b-plus.dts", GpioChipLayout(BCM2835, NAMES_3B_PLUS)),
    _pi("raspberrypi-3a-plus", "Raspberry Pi 3 Model A+", ("raspberrypi,3-model-a-plus", "raspberrypi,3-model-b-plus"),
        ("Raspberry Pi 3 Model A Plus",), "bcm2710-rpi-3-b-plus.dts", GpioChipLayout(BCM2835, NAMES_3B_PLUS)),
    _pi("raspberrypi-4b", "Raspberry Pi 4 Model B", ("raspberrypi,4-model-b",), ("Raspberry Pi 4 Model B",),
        "bcm2711-rpi-4-b.dts", GpioChipLayout(BCM2711, NAMES_4B)),
    _pi("raspberrypi-400", "Raspberry Pi 400", ("raspberrypi,400",), ("Raspberry Pi 400",),
        "bcm2711-rpi-400.dts", GpioChipLayout(BCM2711, NAMES_4B)),
    _pi("raspberrypi-cm4", "Raspberry Pi Compute Module 4 (IO board J8)", ("raspberrypi,4-compute-module",),
        ("Raspberry Pi Compute Module 4",), "bcm2711-rpi-cm4.dts", GpioChipLayout(BCM2711, NAMES_4B)),
    _pi("raspberrypi-5", "Raspberry Pi 5", ("raspberrypi,5-model-b",), ("Raspberry Pi 5 Model B",),
        "bcm2712-rpi-5-b.dts", GpioChipLayout(RP1, NAMES_5)),
)  # fmt: skip
