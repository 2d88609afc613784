"""The layout of one buffered scan: each enabled channel's element (``scan_elements/*_type``: e.g.
``le:s12/16>>4``, ``be:u16/16>>0``, ``le:s16/16X3>>0``) at its offset, as iio_compute_scan_bytes()
lays them out: in scan-index order, each aligned to its own size, the timestamp (s64) last, the whole
scan padded to its largest element."""

from __future__ import annotations

import importlib
import re
import struct
from dataclasses import dataclass
from typing import Any, NamedTuple, Union

__all__ = ["Element", "Layout", "Scan", "ScanType", "parse_scan_type"]

_TYPE = re.compile(
    r"(?P<endian>le|be):(?P<sign>[su])(?P<real>\d+)/(?P<storage>\d+)(?:X(?P<repeat>\d+))?>>(?P<shift>\d+)"
)
_CODES = {8: "B", 16: "H", 32: "I", 64: "Q"}

Value = Union[int, tuple[int, ...]]


@dataclass(frozen=True)
class ScanType:
    """One element's format: ``endian`` ("le"/"be"), ``signed``, ``realbits`` of ``storagebits`` after a
    right ``shift``, ``repeat`` values per element (the ``X<n>`` form: quaternions, 3-axis samples)."""

    endian: str
    signed: bool
    realbits: int
    storagebits: int
    shift: int
    repeat: int = 1

    @property
    def size(self) -> int:
        """Bytes the element takes in a scan (storage times repeat)."""
        return self.storagebits // 8 * self.repeat

    def __str__(self) -> str:
        repeat = f"X{self.repeat}" if self.repeat > 1 else ""
        sign = "s" if self.signed else "u"
        return f"{self.endian}:{sign}{self.realbits}/{self.storagebits}{repeat}>>{self.shift}"


def parse_scan_type(text: str, what: str) -> ScanType:
    """The ScanType a ``_type`` attribute holds; ValueError naming ``what`` for a malformed one."""
    match = _TYPE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{what} holds {text.strip()!r}, not a scan type such as 'le:s12/16>>4'")
    storage, real, shift = int(match["storage"]), int(match["real"]), int(match["shift"])
    repeat = int(match["repeat"] or 1)
    if storage not in _CODES or not 0 < real <= storage or real + shift > storage or repeat < 1:
        raise ValueError(f"{what} holds {text.strip()!r}: storage must be 8/16/32/64 bits holding realbits + shift")
    return ScanType(match["endian"], match["sign"] == "s", real, storage, shift, repeat)


class Scan(NamedTuple):
    """One scan: the raw value of each captured channel (in the capture's ``channels`` order; a tuple
    for a repeated element) and the ``timestamp`` in ns of the device's clock (None when not captured)."""

    values: tuple[Value, ...]
    timestamp: int | None


@dataclass(frozen=True)
class Element:
    """A channel's place in the scan."""

    name: str
    index: int  # scan index
    type: ScanType
    offset: int


def _align(value: int, size: int) -> int:
    """The kernel's ALIGN(): a power-of-two mask (what it does with a repeat of 3 is the layout too)."""
    return (value + size - 1) & ~(size - 1)


class Layout:
    """Where each element of a scan is and how to decode it; ``size`` is the scan's bytes (the
    buffer's bytes_per_datum)."""

    def __init__(self, channels: list[tuple[str, int, ScanType]], timestamp: ScanType | None) -> None:
        elements: list[Element] = []
        size = largest = 0
        for name, index, scan_type in sorted(channels, key=lambda c: c[1]):
            size = _align(size, scan_type.size)
            elements.append(Element(name, index, scan_type, size))
            size += scan_type.size
            largest = max(largest, scan_type.size)
        self.timestamp: Element | None = None
        if timestamp is not None:
            size = _align(size, timestamp.size)
            self.timestamp = Element("timestamp", -1, timestamp, size)
            size += timestamp.size
            largest = max(largest, timestamp.size)
        self.size = _align(size, largest) if largest else 0
        self.elements = tuple(elements)
        self._decoders = [self._decoder(e) for e in elements]
        self._ts = self._decoder(self.timestamp) if self.timestamp is not None else None

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.elements)

    @staticmethod
    def _decoder(element: Element) -> Any:
        st = element.type
        unpack = struct.Struct(("<" if st.endian == "le" else ">") + _CODES[st.storagebits] * st.repeat).unpack_from
        offset, shift, mask = element.offset, st.shift, (1 << st.realbits) - 1
        sign = 1 << (st.realbits - 1) if st.signed else 0

        def one(word: int) -> int:
            word = (word >> shift) & mask
            return word - (sign << 1) if word & sign else word

        if st.repeat == 1:
            return lambda data, base: one(unpack(data, base + offset)[0])
        return lambda data, base: tuple(one(w) for w in unpack(data, base + offset))

    def _holding(self, buffer: Any, count: int) -> memoryview:
        """``buffer`` as bytes, checked to hold ``count`` scans (ValueError naming the sizes otherwise)."""
        if count < 0:
            raise ValueError(f"count must be a number of scans >= 0, not {count}")
        try:
            view = memoryview(buffer).cast("B")
        except TypeError:
            raise TypeError(
                f"buffer must hold scans (bytes, bytearray, memoryview, array), not {buffer!r:.60}"
            ) from None
        if count * self.size > view.nbytes:
            raise ValueError(f"{count} scans of {self.size} bytes need {count * self.size} bytes, not {view.nbytes}")
        return view

    def numpy_dtype(self) -> dict[str, Any]:
        """The scan as a numpy structured dtype's fields (``numpy.dtype(layout.numpy_dtype())``): each
        element's storage word(s) at its offset, ``itemsize`` the scan's size; shift and sign not applied."""
        names, formats, offsets = [], [], []
        for element in (*self.elements, *((self.timestamp,) if self.timestamp else ())):
            st = element.type
            code = f"{'<' if st.endian == 'le' else '>'}u{st.storagebits // 8}"
            names.append(element.name)
            formats.append(code if st.repeat == 1 else (code, (st.repeat,)))
            offsets.append(element.offset)
        return {"names": names, "formats": formats, "offsets": offsets, "itemsize": self.size}

    def decode_numpy(self, buffer: Any, count: int) -> dict[str, Any]:
        """The first ``count`` scans of ``buffer`` as one numpy array per channel (and ``timestamp``), each
        element shifted, masked and sign-extended as its type says; the buffer is viewed, not copied,
        until the arithmetic makes each channel's int64 array."""
        numpy: Any = importlib.import_module("numpy")  # only who asks for arrays needs numpy (not a dependency)

        self._holding(buffer, count)
        records = numpy.frombuffer(buffer, dtype=numpy.dtype(self.numpy_dtype()), count=count)
        out: dict[str, Any] = {}
        for element in self.elements:
            st = element.type
            words = records[element.name]
            if st.signed:  # the real bits to the top of an int64, then an arithmetic shift back: sign-extended
                wide = words.astype(numpy.int64)
                out[element.name] = (wide << (64 - st.shift - st.realbits)) >> (64 - st.realbits)
            else:  # in the storage's own unsigned type (a u64 stays one), then int64 where that holds it
                kind = words.dtype.type
                value = (words >> kind(st.shift)) & kind((1 << st.realbits) - 1)
                out[element.name] = value if st.storagebits == 64 else value.astype(numpy.int64)
        if self.timestamp is not None:
            out["timestamp"] = records["timestamp"].astype(numpy.int64)
        return out

    def decode(self, buffer: Any, count: int) -> list[Scan]:
        """The first ``count`` scans of ``buffer`` (any buffer: bytes, bytearray, memoryview, numpy)."""
        view = self._holding(buffer, count)
        decoders, ts, size = self._decoders, self._ts, self.size
        return [
            Scan(tuple(d(view, base) for d in decoders), ts(view, base) if ts is not None else None)
            for base in range(0, count * size, size)
        ]
