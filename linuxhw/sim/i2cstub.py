"""Load and unload i2c-stub, the kernel's fake SMBus adapter, and find its ``/dev/i2c-N``.

i2c-stub answers SMBus transfers (quick, byte, byte/word data, I2C block, and
SMBus block if its ``functionality`` allows) at the addresses it was loaded
with; each chip holds 256 16-bit registers, optionally with banked ranges.  It does no plain I2C (I2C_RDWR).

    with I2cStub([0x1c, 0x50]) as stub:
        stub.dev_path           # Path("/dev/i2c-1")
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from ._files import SimulatorUnavailableError, read_attr

__all__ = [
    "STUB_ADAPTER_NAME",
    "I2cAdapter",
    "I2cStub",
    "I2cStubBank",
    "I2cStubParams",
    "find_stub_adapter",
    "i2c_stub_params",
    "list_i2c_adapters",
    "load_i2c_stub",
    "unload_i2c_stub",
]

STUB_ADAPTER_NAME = "SMBus stub driver"
I2C_SYSFS_DIR = Path("/sys/bus/i2c/devices")
MODULE_PARAMS_DIR = Path("/sys/module/i2c_stub/parameters")
MAX_CHIPS = 10


@dataclass(frozen=True)
class I2cAdapter:
    """An I2C adapter: its bus number and name as sysfs shows them."""

    number: int
    name: str

    @property
    def dev_path(self) -> Path:
        return Path(f"/dev/i2c-{self.number}")


@dataclass(frozen=True)
class I2cStubBank:
    """A banked register range of one stub chip: ``reg``'s bits in ``mask`` select which copy of
    registers ``start``..``end`` is seen (like the bank-select register of some hwmon chips)."""

    reg: int
    mask: int
    start: int
    end: int

    def __post_init__(self) -> None:
        for name in ("reg", "mask", "start", "end"):
            value = getattr(self, name)
            if not (isinstance(value, int) and 0 <= value <= 0xFF):
                raise ValueError(f"bank {name} must be in 0..0xff, not {value!r}")
        if self.mask == 0 or self.start > self.end:
            raise ValueError(f"a bank needs a non-zero mask and start <= end, not {self}")


@dataclass(frozen=True)
class I2cStubParams:
    """i2c-stub's module parameters: chip addresses, functionality, and per-chip register banks."""

    chip_addrs: tuple[int, ...]
    functionality: int | None = None
    """I2C_FUNC_* mask; None keeps the module's default (0x0C7F0000; SMBus block needs 0x03000000 too)."""
    banks: tuple[I2cStubBank | None, ...] = ()
    """Banks of the chip at the same index in ``chip_addrs``; padded with None (no banks)."""

    def __post_init__(self) -> None:
        if not 1 <= len(self.chip_addrs) <= MAX_CHIPS:
            raise ValueError(f"chip_addrs must hold 1..{MAX_CHIPS} addresses, not {len(self.chip_addrs)}")
        for addr in self.chip_addrs:
            if not (isinstance(addr, int) and 0x03 <= addr <= 0x77):
                raise ValueError(f"chip addresses must be in 0x03..0x77, not {addr!r}")
        if len(self.banks) > len(self.chip_addrs):
            raise ValueError(f"{len(self.banks)} banks given for {len(self.chip_addrs)} chips")
        padding = (None,) * (len(self.chip_addrs) - len(self.banks))
        object.__setattr__(self, "banks", tuple(self.banks) + padding)

    def modprobe_args(self) -> list[str]:
        """``chip_addr=0x1c,0x50 ...`` for modprobe."""
        args = ["chip_addr=" + ",".join(f"0x{a:02x}" for a in self.chip_addrs)]
        if self.functionality is not None:
            args.append(f"functionality=0x{self.functionality:x}")
        if any(self.banks):
            for name in ("reg", "mask", "start", "end"):
                values = (f"0x{getattr(b, name):02x}" if b else "0" for b in self.banks)
                args.append(f"bank_{name}=" + ",".join(values))
        return args


def list_i2c_adapters(sysfs: Path = I2C_SYSFS_DIR) -> list[I2cAdapter]:
    """Every I2C adapter the kernel has, by bus number."""
    adapters = []
    for entry in sysfs.glob("i2c-*"):
        match = re.fullmatch(r"i2c-(\d+)", entry.name)
        if match:
            name = read_attr(entry / "name", "reading an I2C adapter name")
            adapters.append(I2cAdapter(int(match.group(1)), name))
    return sorted(adapters, key=lambda a: a.number)


def find_stub_adapter(sysfs: Path = I2C_SYSFS_DIR) -> I2cAdapter | None:
    """i2c-stub's adapter, if the module is loaded."""
    return next((a for a in list_i2c_adapters(sysfs) if a.name == STUB_ADAPTER_NAME), None)


def i2c_stub_params() -> I2cStubParams | None:
    """The parameters i2c-stub is loaded with, or None if it is not loaded."""
    if not MODULE_PARAMS_DIR.is_dir():
        return None

    def ints(name: str) -> list[int]:
        text = read_attr(MODULE_PARAMS_DIR / name, f"reading i2c-stub's {name}")
        return [int(v, 0) for v in text.split(",") if v]

    addrs = tuple(a for a in ints("chip_addr") if a)
    regs, masks, starts, ends = (ints(f"bank_{name}") for name in ("reg", "mask", "start", "end"))
    banks = tuple(I2cStubBank(regs[i], masks[i], starts[i], ends[i]) if masks[i] else None for i in range(len(addrs)))
    return I2cStubParams(addrs, functionality=ints("functionality")[0], banks=banks)


def _run(cmd: list[str], doing: str) -> None:
    if shutil.which(cmd[0]) is None:
        raise SimulatorUnavailableError(f"{doing}: {cmd[0]} is not installed (Debian package kmod)")
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        raise OSError(f"{doing} failed: `{' '.join(cmd)}`: {proc.stderr.strip() or proc.returncode}")


def load_i2c_stub(params: I2cStubParams) -> I2cAdapter:
    """modprobe i2c-stub with these parameters (it must not be loaded yet); return its adapter."""
    if i2c_stub_params() is not None:
        raise RuntimeError("i2c-stub is already loaded: unload it first (or use I2cStub, which does)")
    _run(["modprobe", "i2c-stub", *params.modprobe_args()], "loading i2c-stub")
    adapter = find_stub_adapter()
    if adapter is None:
        raise OSError(f"i2c-stub loaded but no adapter named {STUB_ADAPTER_NAME!r} is in {I2C_SYSFS_DIR}")
    return adapter


def unload_i2c_stub() -> None:
    """rmmod i2c-stub if it is loaded (fails while a /dev/i2c-N of it is open)."""
    if i2c_stub_params() is not None:
        _run(["rmmod", "i2c_stub"], "unloading i2c-stub")


class I2cStub:
    """i2c-stub loaded with given parameters while open; closing restores what was loaded before."""

    def __init__(
        self,
        chip_addrs: Sequence[int],
        *,
        functionality: int | None = None,
        banks: Sequence[I2cStubBank | None] = (),
    ) -> None:
        """``I2cStub([0x1c, 0x50], functionality=0x0F7F0000)``; arguments as in :class:`I2cStubParams`."""
        self.params = I2cStubParams(tuple(chip_addrs), functionality, tuple(banks))
        self.adapter: I2cAdapter | None = None
        """The stub adapter while open."""
        self._previous: I2cStubParams | None = None

    def __repr__(self) -> str:
        return f"<I2cStub {self.params} adapter={self.adapter}>"

    def open(self) -> I2cAdapter:
        """Unload any i2c-stub (remembering its parameters), load ours; return the adapter."""
        if self.adapter is not None:
            raise RuntimeError("this I2cStub is already open")
        self._previous = i2c_stub_params()
        unload_i2c_stub()
        try:
            self.adapter = load_i2c_stub(self.params)
        except BaseException:
            self._restore()
            raise
        return self.adapter

    @property
    def dev_path(self) -> Path:
        """``/dev/i2c-N`` of the stub adapter (needs i2c-dev)."""
        if self.adapter is None:
            raise RuntimeError("this I2cStub is not open")
        path = self.adapter.dev_path
        if not path.exists():
            raise SimulatorUnavailableError(f"{path} does not exist: load i2c-dev (`modprobe i2c-dev`)")
        return path

    def close(self) -> None:
        """Unload our i2c-stub and reload the previous one, if any. Safe to repeat."""
        if self.adapter is None:
            return
        self.adapter = None
        unload_i2c_stub()
        self._restore()

    def _restore(self) -> None:
        previous, self._previous = self._previous, None
        if previous is not None:
            load_i2c_stub(previous)

    def __enter__(self) -> I2cStub:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
