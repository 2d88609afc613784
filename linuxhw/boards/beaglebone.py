"""BeagleBone Black and Green headers as data: P8 and P9, each pin's AM335x GPIO bank and offset, its bus
functions, and the four banks' line names.

Sources (checked 2026-12-08):

- Pins and functions: the BeagleBone Black System Reference Manual's P8 and P9 expansion header tables
  (the mode-7 ``gpioN_M`` of each pin, its mode-0..6 signals), cross-checked against BeagleBoard's
  ``bbb-bone-buses.dtsi`` (github.com/beagleboard/BeagleBoard-DeviceTrees, v6.6.x-Beagle).
  P9_41 and P9_42 are each wired to two balls; the line given is the one BeagleBoard's tree and
  Adafruit's pin maps use (gpio0_20, gpio0_7); the other (gpio3_20, gpio3_18) is ``P9_41A`` /
  ``P9_42B`` in the line names.
- Line names: ``gpio-line-names`` of ``am335x-boneblack.dts`` and ``am335x-bonegreen.dts`` as mainline
  Linux (arch/arm/boot/dts/ti/omap/) and BeagleBoard's v6.1/v6.6 kernels have them: ``P9_12``,
  ``P9_22 [spi0_sclk]``, ``P8_5 [mmc1_dat2]`` (no leading zero); the Green's P8 HDMI lines carry no
  ``[hdmi]``. Older BeagleBoard kernels (4.14/4.19) named the lines by signal (``GMII1_COL``...) or not
  at all; lookups go by chip label and offset first, and by name only where no chip has the label.
- Chip labels: ``gpio-0-31``, ``gpio-32-63``, ``gpio-64-95``, ``gpio-96-127``: gpio-omap labels each
  bank ``gpio-<first>-<last>`` of the GPIO numbers it covers.
- Buses: I2C2 on P9_19/P9_20 (``/dev/i2c-2``, on by default: the cape EEPROMs sit there), I2C1 on
  P9_17/P9_18 (``/dev/i2c-1``, an overlay); SPI0 on P9_17/18/21/22 (``/dev/spidev0.0``) and SPI1 on
  P9_28-31 with P9_42 as CS1 (``/dev/spidev1.0``, ``.1``), as BeagleBoard's 5.10+ kernels number
  them (``/dev/bone/spi/0.0``) and Adafruit Blinka's pin map has them. D1 is MOSI and D0 MISO, as
  BeagleBoard's overlays wire them.
"""

from __future__ import annotations

from linuxhw.boards.model import GpioChipLayout, HeaderTable, build_board

__all__ = ["BOARDS"]

LABELS = ("gpio-0-31", "gpio-32-63", "gpio-64-95", "gpio-96-127")

BANK0 = (
    "[mdio_data]", "[mdio_clk]", "P9_22 [spi0_sclk]", "P9_21 [spi0_d0]", "P9_18 [spi0_d1]", "P9_17 [spi0_cs0]",
    "[mmc0_cd]", "P9_42A [ecappwm0]", "P8_35 [lcd d12]", "P8_33 [lcd d13]", "P8_31 [lcd d14]", "P8_32 [lcd d15]",
    "P9_20 [i2c2_sda]", "P9_19 [i2c2_scl]", "P9_26 [uart1_rxd]", "P9_24 [uart1_txd]", "[rmii1_txd3]",
    "[rmii1_txd2]", "[usb0_drvvbus]", "[hdmi cec]", "P9_41B", "[rmii1_txd1]", "P8_19 [ehrpwm2a]",
    "P8_13 [ehrpwm2b]", "NC", "NC", "P8_14", "P8_17", "[rmii1_txd0]", "[rmii1_refclk]", "P9_11 [uart4_rxd]",
    "P9_13 [uart4_txd]",
)  # fmt: skip
BANK1 = (
    "P8_25 [mmc1_dat0]", "[mmc1_dat1]", "P8_5 [mmc1_dat2]", "P8_6 [mmc1_dat3]", "P8_23 [mmc1_dat4]",
    "P8_22 [mmc1_dat5]", "P8_3 [mmc1_dat6]", "P8_4 [mmc1_dat7]", "NC", "NC", "NC", "NC", "P8_12", "P8_11", "P8_16",
    "P8_15", "P9_15A", "P9_23", "P9_14 [ehrpwm1a]", "P9_16 [ehrpwm1b]", "[emmc rst]", "[usr0 led]", "[usr1 led]",
    "[usr2 led]", "[usr3 led]", "[hdmi irq]", "[usb vbus oc]", "[hdmi audio]", "P9_12", "P8_26", "P8_21 [emmc]",
    "P8_20 [emmc]",
)  # fmt: skip
BANK2_BLACK = (
    "P9_15B", "P8_18", "P8_7", "P8_8", "P8_10", "P8_9", "P8_45 [hdmi]", "P8_46 [hdmi]", "P8_43 [hdmi]",
    "P8_44 [hdmi]", "P8_41 [hdmi]", "P8_42 [hdmi]", "P8_39 [hdmi]", "P8_40 [hdmi]", "P8_37 [hdmi]", "P8_38 [hdmi]",
    "P8_36 [hdmi]", "P8_34 [hdmi]", "[rmii1_rxd3]", "[rmii1_rxd2]", "[rmii1_rxd1]", "[rmii1_rxd0]", "P8_27 [hdmi]",
    "P8_29 [hdmi]", "P8_28 [hdmi]", "P8_30 [hdmi]", "[mmc0_dat3]", "[mmc0_dat2]", "[mmc0_dat1]", "[mmc0_dat0]",
    "[mmc0_clk]", "[mmc0_cmd]",
)  # fmt: skip
BANK2_GREEN = (
    "P9_15B", "P8_18", "P8_7", "P8_8", "P8_10", "P8_9", "P8_45", "P8_46", "P8_43", "P8_44", "P8_41", "P8_42",
    "P8_39", "P8_40", "P8_37", "P8_38", "P8_36", "P8_34", "[rmii1_rxd3]", "[rmii1_rxd2]", "[rmii1_rxd1]",
    "[rmii1_rxd0]", "P8_27", "P8_29", "P8_28", "P8_30", "[mmc0_dat3]", "[mmc0_dat2]", "[mmc0_dat1]", "[mmc0_dat0]",
    "[mmc0_clk]", "[mmc0_cmd]",
)  # fmt: skip
BANK3 = (
    "[mii col]", "[mii crs]", "[mii rx err]", "[mii tx en]", "[mii rx dv]", "[i2c0 sda]", "[i2c0 scl]",
    "[jtag emu0]", "[jtag emu1]", "[mii tx clk]", "[mii rx clk]", "NC", "NC", "[usb vbus en]", "P9_31 [spi1_sclk]",
    "P9_29 [spi1_d0]", "P9_30 [spi1_d1]", "P9_28 [spi1_cs0]", "P9_42B [ecappwm0]", "P9_27", "P9_41A", "P9_25", "NC",
    "NC", "NC", "NC", "NC", "NC", "NC", "NC", "NC", "NC",
)  # fmt: skip

# Physical pin 1..46: a supply, or (bank, offset) of the pin's mode-7 GPIO (the SRM's header tables).
P8 = HeaderTable(
    "P8",
    ("GND", "GND", (1, 6), (1, 7), (1, 2), (1, 3), (2, 2), (2, 3), (2, 5), (2, 4), (1, 13), (1, 12), (0, 23),
     (0, 26), (1, 15), (1, 14), (0, 27), (2, 1), (0, 22), (1, 31), (1, 30), (1, 5), (1, 4), (1, 1), (1, 0), (1, 29),
     (2, 22), (2, 24), (2, 23), (2, 25), (0, 10), (0, 11), (0, 9), (2, 17), (0, 8), (2, 16), (2, 14), (2, 15),
     (2, 12), (2, 13), (2, 10), (2, 11), (2, 8), (2, 9), (2, 6), (2, 7)),
)  # fmt: skip
P9 = HeaderTable(
    "P9",
    ("GND", "GND", "VDD_3V3", "VDD_3V3", "VDD_5V", "VDD_5V", "SYS_5V", "SYS_5V", "PWR_BUT", "SYS_RESETN",
     (0, 30), (1, 28), (0, 31), (1, 18), (1, 16), (1, 19), (0, 5), (0, 4), (0, 13), (0, 12), (0, 3), (0, 2),
     (1, 17), (0, 15), (3, 21), (0, 14), (3, 19), (3, 17), (3, 15), (3, 16), (3, 14), "VDD_ADC", "AIN4",
     "GNDA_ADC", "AIN6", "AIN5", "AIN2", "AIN3", "AIN0", "AIN1", (0, 20), (0, 7), "GND", "GND", "GND", "GND"),
)  # fmt: skip

FUNCTIONS = {
    "P8_13": ("EHRPWM2B",),
    "P8_19": ("EHRPWM2A",),
    "P8_34": ("EHRPWM1B",),
    "P8_36": ("EHRPWM1A",),
    "P8_37": ("UART5_TXD",),
    "P8_38": ("UART5_RXD",),
    "P8_45": ("EHRPWM2A",),
    "P8_46": ("EHRPWM2B",),
    "P9_11": ("UART4_RXD",),
    "P9_13": ("UART4_TXD",),
    "P9_14": ("EHRPWM1A",),
    "P9_16": ("EHRPWM1B",),
    "P9_17": ("SPI0_CS0", "I2C1_SCL"),
    "P9_18": ("SPI0_MOSI", "I2C1_SDA"),
    "P9_19": ("I2C2_SCL",),
    "P9_20": ("I2C2_SDA",),
    "P9_21": ("SPI0_MISO", "UART2_TXD", "I2C2_SCL", "EHRPWM0B"),
    "P9_22": ("SPI0_SCLK", "UART2_RXD", "I2C2_SDA", "EHRPWM0A"),
    "P9_24": ("UART1_TXD", "I2C1_SCL"),
    "P9_26": ("UART1_RXD", "I2C1_SDA"),
    "P9_28": ("SPI1_CS0", "ECAPPWM2"),
    "P9_29": ("SPI1_MISO", "EHRPWM0B"),
    "P9_30": ("SPI1_MOSI",),
    "P9_31": ("SPI1_SCLK", "EHRPWM0A"),
    "P9_42": ("ECAPPWM0", "UART3_TXD", "SPI1_CS1"),
}
I2C = {2: ("P9_20", "P9_19"), 1: ("P9_18", "P9_17")}
SPI = {0: ("P9_22", "P9_18", "P9_21", ("P9_17",)), 1: ("P9_31", "P9_30", "P9_29", ("P9_28", "P9_42"))}

_SOURCE = "BeagleBone Black SRM P8/P9 tables; BeagleBoard-DeviceTrees v6.6.x-Beagle src/arm/ti/omap/{}"


def _banks(bank2: tuple[str, ...]) -> tuple[GpioChipLayout, ...]:
    return tuple(GpioChipLayout(label, names) for label, names in zip(LABELS, (BANK0, BANK1, bank2, BANK3)))


BOARDS = tuple(
    build_board(
        id=id,
        model=model,
        compatible=(compatible,),
        models=(f"TI AM335x {model}",),
        headers=(P8, P9),
        chips=_banks(bank2),
        pin_names="header",
        functions=FUNCTIONS,
        i2c=I2C,
        spi=SPI,
        main_header=None,
        source=_SOURCE.format(dts),
    )
    for id, model, compatible, bank2, dts in (
        ("beaglebone-black", "BeagleBone Black", "ti,am335x-bone-black", BANK2_BLACK, "am335x-boneblack.dts"),
        ("beaglebone-green", "BeagleBone Green", "ti,am335x-bone-green", BANK2_GREEN, "am335x-bonegreen.dts"),
    )
)
