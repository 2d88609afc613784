"""Create and remove gpio-sim chips through configfs (the kernel's GPIO simulator).

A live gpio-sim device is a real ``/dev/gpiochipN``: tests drive its input
levels through sysfs (``pull``) and read back the levels it drives (``value``),
so code under test runs against the kernel's own GPIO character device.

    with GpioSim() as sim:
        bank = sim.add_bank(8, label="lhw-a", names={0: "LED"}, hogs={5: ("hog", "output-high")})
        sim.enable()
        bank.dev_path           # Path("/dev/gpiochip3")
        bank.set_pull(3, 1)     # the input on line 3 now reads high
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

from ._files import SimulatorUnavailableError, make_dir, path_error, read_attr, remove_dir, write_attr

__all__ = [
    "CONFIGFS_DIR",
    "NAME_PREFIX",
    "Bank",
    "DeviceSymlinkError",
    "GpioSim",
    "GpioSimBankInfo",
    "GpioSimInfo",
    "HogDirection",
    "chip_device_path",
    "cleanup_stale_gpio_sims",
    "list_gpio_sims",
]

CONFIGFS_DIR = Path("/sys/kernel/config/gpio-sim")
SYSFS_PLATFORM_DIR = Path("/sys/devices/platform")
NAME_PREFIX = "linuxhw-"
"""Devices named automatically are ``linuxhw-<pid>-<n>``; only those count as stale when <pid> is gone."""

HogDirection = Literal["input", "output-high", "output-low"]
_HOG_DIRECTIONS = ("input", "output-high", "output-low")
_AUTO_NAME = re.compile(re.escape(NAME_PREFIX) + r"(\d+)-\d+")
_counter = itertools.count()


class DeviceSymlinkError(RuntimeError):
    """/dev/<chip> is a symlink: refuse it, since a simulator must never stand in for real hardware."""


def _require_configfs(configfs: Path) -> None:
    if configfs.is_dir():
        return
    mount = configfs.parent
    if not os.path.ismount(mount):
        raise SimulatorUnavailableError(
            f"configfs is not mounted at {mount}: run `modprobe configfs; mount -t configfs none {mount}`"
        )
    raise SimulatorUnavailableError(
        f"{configfs} does not exist: the gpio-sim module is not loaded "
        "(`modprobe gpio-sim`, or insmod the gpio-sim.ko that scripts/vmtest builds)"
    )


def chip_device_path(chip_name: str, dev_dir: Path = Path("/dev")) -> Path:
    """``dev_dir/chip_name``, checked to be a character device and not a symlink."""
    path = dev_dir / chip_name
    if path.is_symlink():
        raise DeviceSymlinkError(f"{path} is a symlink (to {os.readlink(path)}); refusing to use it")
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise path_error(exc, path, f"looking up the device node of {chip_name}") from exc
    if not stat.S_ISCHR(mode):
        raise OSError(f"{path} is not a character device")
    return path


class Bank:
    """One bank of a :class:`GpioSim` device; it becomes a gpiochip when the device goes live."""

    def __init__(self, sim: GpioSim, path: Path, num_lines: int) -> None:
        self._sim = sim
        self.path = path
        """The bank's configfs directory."""
        self.num_lines = num_lines

    def __repr__(self) -> str:
        return f"<Bank {self.path} num_lines={self.num_lines}>"

    @property
    def label(self) -> str:
        return read_attr(self.path / "label", "reading the bank label")

    @property
    def chip_name(self) -> str:
        """``gpiochipN``; only while the device is live."""
        name = read_attr(self.path / "chip_name", "reading the chip name")
        if not name.startswith("gpiochip"):
            raise RuntimeError(f"{self.path} has no chip (chip_name is {name!r}): call GpioSim.enable() first")
        return name

    @property
    def dev_path(self) -> Path:
        """``/dev/gpiochipN`` (refused if it is a symlink)."""
        return chip_device_path(self.chip_name, self._sim.dev_dir)

    def set_pull(self, offset: int, value: int) -> None:
        """Pull line ``offset`` up (1) or down (0): the level an input reads; may inject an edge event."""
        if value not in (0, 1):
            raise ValueError(f"value must be 0 or 1, not {value!r}")
        pull = "pull-up" if value else "pull-down"
        write_attr(self._line_attr(offset, "pull"), pull, f"setting line {offset} to {pull}")

    def get_pull(self, offset: int) -> int:
        """The pull set on line ``offset``: 1 for pull-up, 0 for pull-down."""
        pull = read_attr(self._line_attr(offset, "pull"), f"reading the pull of line {offset}")
        return 1 if pull == "pull-up" else 0

    def get_value(self, offset: int) -> int:
        """The level line ``offset`` actually has: driven by its user if an output, else its pull."""
        return int(read_attr(self._line_attr(offset, "value"), f"reading the value of line {offset}"))

    def _line_attr(self, offset: int, attr: str) -> Path:
        if not 0 <= offset < self.num_lines:
            raise ValueError(f"offset must be in 0..{self.num_lines - 1}, not {offset!r}")
        chip_dir = SYSFS_PLATFORM_DIR / self._sim.dev_name / self.chip_name
        return chip_dir / f"sim_gpio{offset}" / attr


class GpioSim:
    """A gpio-sim device in configfs, removed (with all its banks) by :meth:`close` or on leaving ``with``.

    ``dev_dir`` is where device nodes are looked up (injectable for tests).
    """

    def __init__(self, name: str | None = None, *, configfs: Path = CONFIGFS_DIR, dev_dir: Path = Path("/dev")) -> None:
        _require_configfs(configfs)
        self.name = name if name is not None else f"{NAME_PREFIX}{os.getpid()}-{next(_counter)}"
        self.path = configfs / self.name
        """The device's configfs directory."""
        self.dev_dir = dev_dir
        self._banks: list[Bank] = []
        make_dir(self.path, "creating a gpio-sim device")
        self._closed = False

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"{len(self._banks)} banks"
        return f"<GpioSim {self.path} {state}>"

    def __enter__(self) -> GpioSim:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def banks(self) -> tuple[Bank, ...]:
        return tuple(self._banks)

    @property
    def live(self) -> bool:
        self._check_open()
        return read_attr(self.path / "live", "reading live") == "1"

    @property
    def dev_name(self) -> str:
        """The platform device's name, e.g. ``gpio-sim.0`` (its sysfs directory)."""
        self._check_open()
        return read_attr(self.path / "dev_name", "reading dev_name")

    def add_bank(
        self,
        num_lines: int,
        *,
        label: str | None = None,
        names: Mapping[int, str] | None = None,
        hogs: Mapping[int, tuple[str, HogDirection]] | None = None,
    ) -> Bank:
        """Describe one more chip: ``names`` maps offsets to line names, ``hogs`` to (consumer, direction)."""
        self._check_open()
        if not isinstance(num_lines, int) or num_lines < 1:
            raise ValueError(f"num_lines must be a positive int, not {num_lines!r}")
        names = dict(names or {})
        hogs = dict(hogs or {})
        for offset in (*names, *hogs):
            if not (isinstance(offset, int) and 0 <= offset < num_lines):
                raise ValueError(f"line offsets must be in 0..{num_lines - 1}, not {offset!r}")
        for _, direction in hogs.values():
            if direction not in _HOG_DIRECTIONS:
                raise ValueError(f"hog direction must be one of {_HOG_DIRECTIONS}, not {direction!r}")
        if self.live:
            raise RuntimeError(f"{self.path} is live: add banks before enable()")

        path = self.path / f"bank{len(self._banks)}"
        make_dir(path, "creating a bank")
        bank = Bank(self, path, num_lines)
        self._banks.append(bank)
        write_attr(path / "num_lines", str(num_lines), "setting num_lines")
        if label is not None:
            write_attr(path / "label", label, "setting the label")
        for offset in sorted({*names, *hogs}):
            line = path / f"line{offset}"
            make_dir(line, f"creating line {offset}")
            if offset in names:
                write_attr(line / "name", names[offset], f"naming line {offset}")
            if offset in hogs:
                consumer, direction = hogs[offset]
                make_dir(line / "hog", f"creating a hog on line {offset}")
                write_attr(line / "hog" / "name", consumer, f"naming the hog on line {offset}")
                write_attr(line / "hog" / "direction", direction, f"setting the hog direction of line {offset}")
        return bank

    def enable(self) -> None:
        """Go live: every bank becomes a ``/dev/gpiochipN`` (a symlinked node is refused)."""
        self._check_open()
        write_attr(self.path / "live", "1", "enabling the device (live=1)")
        try:
            for bank in self._banks:
                _ = bank.dev_path
        except BaseException:
            self.disable()
            raise

    def disable(self) -> None:
        """Leave live state: the chips disappear, the configuration stays."""
        if self.live:
            write_attr(self.path / "live", "0", "disabling the device (live=0)")

    def close(self) -> None:
        """Remove the device from configfs: live=0, then hogs, lines, banks, device. Safe to repeat."""
        if self._closed:
            return
        self._closed = True
        _remove_device(self.path)

    def _check_open(self) -> None:
        if self._closed:
            raise ValueError(f"{self!r} is closed")


def _subdirs(path: Path) -> list[Path]:
    return sorted(p for p in path.iterdir() if p.is_dir())


def _remove_device(path: Path) -> None:
    if read_attr(path / "live", "reading live") == "1":
        write_attr(path / "live", "0", "disabling the device (live=0)")
    for bank in _subdirs(path):
        for line in _subdirs(bank):
            if (line / "hog").is_dir():
                remove_dir(line / "hog", "removing a hog")
            remove_dir(line, "removing a line")
        remove_dir(bank, "removing a bank")
    remove_dir(path, "removing the device")


@dataclass(frozen=True)
class GpioSimBankInfo:
    """A bank as configfs shows it."""

    name: str
    label: str
    num_lines: int
    chip_name: str | None
    """``gpiochipN`` while live, else None."""


@dataclass(frozen=True)
class GpioSimInfo:
    """A gpio-sim device as configfs shows it."""

    name: str
    live: bool
    dev_name: str | None
    """The platform device (``gpio-sim.N``) while live, else None."""
    banks: tuple[GpioSimBankInfo, ...]


def _live_name(path: Path, doing: str) -> str | None:
    name = read_attr(path, doing)
    return None if name in ("", "none") else name


def list_gpio_sims(configfs: Path = CONFIGFS_DIR) -> list[GpioSimInfo]:
    """Every gpio-sim device in configfs, whoever created it."""
    _require_configfs(configfs)
    devices = []
    for dev in _subdirs(configfs):
        banks = tuple(
            GpioSimBankInfo(
                name=bank.name,
                label=read_attr(bank / "label", "reading a bank label"),
                num_lines=int(read_attr(bank / "num_lines", "reading num_lines")),
                chip_name=_live_name(bank / "chip_name", "reading a chip name"),
            )
            for bank in _subdirs(dev)
        )
        live = read_attr(dev / "live", "reading live") == "1"
        dev_name = _live_name(dev / "dev_name", "reading dev_name") if live else None
        devices.append(GpioSimInfo(dev.name, live, dev_name, banks))
    return devices


def cleanup_stale_gpio_sims(configfs: Path = CONFIGFS_DIR) -> list[str]:
    """Remove devices this library named automatically whose process is gone; return their names."""
    _require_configfs(configfs)
    removed = []
    for dev in _subdirs(configfs):
        match = _AUTO_NAME.fullmatch(dev.name)
        if match and not _process_exists(int(match.group(1))):
            _remove_device(dev)
            removed.append(dev.name)
    return removed


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
