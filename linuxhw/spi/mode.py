"""SPI mode flags (SPI_CPHA, SPI_CS_HIGH, SPI_TX_QUAD, ...) as one IntFlag."""

from __future__ import annotations

from enum import IntFlag

from linuxhw._uapi import lib

__all__ = ["Mode"]


class Mode(IntFlag):
    """spidev mode bits. ``MODE_0``..``MODE_3`` are the clock polarity/phase pairs."""

    CPHA = lib.SPI_CPHA
    CPOL = lib.SPI_CPOL
    CS_HIGH = lib.SPI_CS_HIGH
    LSB_FIRST = lib.SPI_LSB_FIRST
    THREE_WIRE = lib.SPI_3WIRE
    LOOP = lib.SPI_LOOP
    NO_CS = lib.SPI_NO_CS
    READY = lib.SPI_READY
    TX_DUAL = lib.SPI_TX_DUAL
    TX_QUAD = lib.SPI_TX_QUAD
    RX_DUAL = lib.SPI_RX_DUAL
    RX_QUAD = lib.SPI_RX_QUAD
    CS_WORD = lib.SPI_CS_WORD
    TX_OCTAL = lib.SPI_TX_OCTAL
    RX_OCTAL = lib.SPI_RX_OCTAL
    THREE_WIRE_HIZ = lib.SPI_3WIRE_HIZ
    RX_CPHA_FLIP = lib.SPI_RX_CPHA_FLIP
    MOSI_IDLE_LOW = lib.SPI_MOSI_IDLE_LOW
    MOSI_IDLE_HIGH = lib.SPI_MOSI_IDLE_HIGH
    MODE_0 = 0
    MODE_1 = CPHA
    MODE_2 = CPOL
    MODE_3 = CPOL | CPHA

    def names(self) -> list[str]:
        """Names of the single flags that are set, lowest bit first."""
        return [f.name for f in Mode if f.name and f.value and f in self and not f.value & (f.value - 1)]

    @property
    def clock_mode(self) -> int:
        """The SPI mode number 0..3 (CPOL << 1 | CPHA)."""
        return int(self) & 0x3
