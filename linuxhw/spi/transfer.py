"""Transfer and Message: ``struct spi_ioc_transfer`` tied to its buffers, and a list of them that
spidev runs as ONE SPI_IOC_MESSAGE(N) ioctl (chip select held across transfers unless cs_change)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Union

from linuxhw._buffers import pin
from linuxhw._kernel.dma_align import DMA_MINALIGN, dma_minalign
from linuxhw._uapi import ffi, lib

__all__ = ["DMA_MINALIGN", "Message", "Transfer", "dma_minalign"]

MAX_TRANSFERS = 511  # SPI_MSGSIZE(N) must fit the ioctl's 14-bit size field
NBITS = (0, 1, 2, 4, 8)
Buffer = Union[bytes, bytearray, memoryview, Any]


def counted(length: int) -> int:
    """What one transfer of ``length`` bytes takes of spidev's bufsiz: ALIGN(length, ARCH_DMA_MINALIGN)."""
    return -(-length // DMA_MINALIGN) * DMA_MINALIGN


def _check_int(name: str, value: int, top: int) -> None:
    if value.__class__ is not int or not 0 <= value <= top:
        raise ValueError(f"{name} must be an int 0..{top}, not {value!r}")


class Transfer:
    """One segment of a message: clock out ``tx`` and/or clock in ``length`` bytes into ``rx``.

    ``tx`` is any bytes-like object, sent as is (never modified). ``rx`` is a writable buffer
    filled in place (it may be ``tx`` itself for an in-place exchange), a byte count, or
    ``True`` for a new buffer of ``length``. Zero in ``speed_hz``/``bits_per_word`` means the
    device's setting. ``cs_change`` releases chip select after this transfer (before the next).
    """

    __slots__ = ("_c", "_keep", "cs_change", "length", "rx", "tx")

    def __init__(
        self,
        tx: Buffer | None = None,
        rx: Buffer | int | bool | None = None,
        *,
        length: int | None = None,
        speed_hz: int = 0,
        bits_per_word: int = 0,
        delay_us: int = 0,
        word_delay_us: int = 0,
        cs_change: bool = False,
        tx_nbits: int = 0,
        rx_nbits: int = 0,
    ) -> None:
        tx_c = pin(tx, name="tx") if tx is not None else None
        if length is not None:
            _check_int("length", length, 0xFFFFFFFF)
        if rx is True:
            rx = bytearray(length if length is not None else tx_c[1] if tx_c is not None else 0)
        elif rx is False:
            rx = None
        elif isinstance(rx, int):
            if not 0 <= rx <= 0xFFFFFFFF:  # before allocating what rx says
                raise ValueError(f"rx size must be 0..{0xFFFFFFFF} (a transfer's len), not {rx}")
            rx = bytearray(rx)
        rx_c = pin(rx, writable=True, name="rx") if rx is not None else None
        sizes = {c[1] for c in (tx_c, rx_c) if c is not None}
        if length is not None:
            sizes.add(length)
        if len(sizes) != 1:
            raise ValueError(
                "give tx, rx or length, and make them agree"
                if not sizes
                else f"tx, rx and length disagree on the transfer length: {sorted(sizes)}"
            )
        _check_int("speed_hz", speed_hz, 0xFFFFFFFF)
        _check_int("bits_per_word", bits_per_word, 32)
        _check_int("delay_us", delay_us, 0xFFFF)
        _check_int("word_delay_us", word_delay_us, 0xFF)
        for name, nbits in (("tx_nbits", tx_nbits), ("rx_nbits", rx_nbits)):
            if nbits not in NBITS:
                raise ValueError(f"{name} must be one of {NBITS} (0: single), not {nbits!r}")
        self.tx = tx
        self.rx = rx
        self.length = sizes.pop()
        self.cs_change = bool(cs_change)
        self._keep = (tx_c, rx_c)  # the buffers stay exported while the struct points at them
        self._c = ffi.new(
            "struct spi_ioc_transfer *",
            {
                "tx_buf": tx_c[0] if tx_c is not None else 0,
                "rx_buf": rx_c[0] if rx_c is not None else 0,
                "len": self.length,
                "speed_hz": speed_hz,
                "delay_usecs": delay_us,
                "bits_per_word": bits_per_word,
                "cs_change": int(bool(cs_change)),
                "tx_nbits": tx_nbits,
                "rx_nbits": rx_nbits,
                "word_delay_usecs": word_delay_us,
            },
        )

    @property
    def data(self) -> memoryview | None:
        """The received bytes (a view of ``rx``), or None for a write-only transfer."""
        return memoryview(self.rx).cast("B")[: self.length] if self.rx is not None else None

    def __repr__(self) -> str:
        kind = "/".join(k for k, b in (("tx", self.tx), ("rx", self.rx)) if b is not None) or "clock-only"
        return f"<Transfer {kind} {self.length} bytes{' cs_change' if self.cs_change else ''}>"


class Message:
    """Transfers that run as one SPI_IOC_MESSAGE: in order, under one chip select assertion
    (unless a transfer sets ``cs_change``); a fault aborts the whole message.

    ``tx_total``/``rx_total`` are the bytes it moves each way; ``tx_counted``/``rx_counted`` what
    spidev counts against bufsiz (each transfer rounded up to :data:`DMA_MINALIGN`).
    """

    __slots__ = ("_c", "request", "rx_counted", "rx_total", "transfers", "tx_counted", "tx_total")

    def __init__(self, transfers: Iterable[Transfer]) -> None:
        if not isinstance(transfers, Iterable) or isinstance(transfers, (str, bytes, bytearray, memoryview)):
            raise TypeError(f"transfers must be an iterable of Transfer, not {transfers!r}")
        self.transfers = tuple(transfers)
        count = len(self.transfers)
        if not 1 <= count <= MAX_TRANSFERS:
            raise ValueError(f"a message holds 1 to {MAX_TRANSFERS} transfers (the SPI_IOC_MESSAGE limit), not {count}")
        for transfer in self.transfers:
            if not isinstance(transfer, Transfer):
                raise TypeError(f"a Message is made of Transfer objects, not {transfer!r}")
        self.tx_total = self.rx_total = self.tx_counted = self.rx_counted = 0
        for t in self.transfers:
            if t.tx is not None:
                self.tx_total += t.length
                self.tx_counted += counted(t.length)
            if t.rx is not None:
                self.rx_total += t.length
                self.rx_counted += counted(t.length)
        self._c = ffi.new("struct spi_ioc_transfer[]", count)
        for i, transfer in enumerate(self.transfers):
            self._c[i] = transfer._c[0]
        self.request = lib.lhw_spi_ioc_message(count)

    def __len__(self) -> int:
        return len(self.transfers)

    def __repr__(self) -> str:
        return f"<Message {len(self.transfers)} transfers, tx {self.tx_total} B, rx {self.rx_total} B>"
