"""PWM chips as /sys/class/pwm lists them, found by their parent device's name (never by number)."""

from __future__ import annotations

import errno
import os
import posixpath
from dataclasses import dataclass
from types import TracebackType

from linuxhw._kernel import Backend, get_backend
from linuxhw._kernel.formats import natural_key
from linuxhw._nodes import unique_by_name
from linuxhw.errors import ClosedError, UnsupportedError, device_error
from linuxhw.pwm._sysfs import read_state
from linuxhw.pwm.channel import Channel
from linuxhw.pwm.waveform import Waveform

__all__ = ["Chip", "ChipInfo", "chips"]

CLASS_DIR = "/sys/class/pwm"
CHARDEV_SINCE = "6.16"


@dataclass(frozen=True)
class ChipInfo:
    """A PWM controller: ``name`` is its device's (``fe20c000.pwm`` on a Raspberry Pi 4, ``48300200.pwm``
    on a BeagleBone), which is how the kernel's own ``pwm_get()`` lookups name it and how linuxhw finds it;
    ``path`` its /sys/class/pwm/pwmchipN (N is only the order chips were probed in); ``bus`` and
    ``driver`` where and what drives it; ``chardev`` its /dev/pwmchipN where the kernel has one (6.16+)."""

    name: str
    path: str
    npwm: int
    bus: str | None
    driver: str | None
    chardev: str | None

    @property
    def number(self) -> int:
        """N of pwmchipN: valid until the next boot or driver reload only."""
        return int(self.path.rsplit("pwmchip", 1)[1])


def _basename(backend: Backend, link: str) -> str | None:
    target = backend.sysfs_target(link)
    return posixpath.basename(target) if target else None


def chip_info(backend: Backend, path: str) -> ChipInfo:
    """What sysfs says of the chip at ``path`` (raises OSError where it is gone)."""
    npwm = int(backend.sysfs_read(f"{path}/npwm"))
    device = f"{path}/device"
    chardev = f"/dev/{posixpath.basename(path)}"
    return ChipInfo(
        name=_basename(backend, device) or posixpath.basename(path),
        path=path,
        npwm=npwm,
        bus=_basename(backend, f"{device}/subsystem"),
        driver=_basename(backend, f"{device}/driver"),
        chardev=chardev if chardev in backend.device_nodes(posixpath.basename(path)) else None,
    )


def chips(backend: Backend | None = None) -> list[ChipInfo]:
    """Every PWM chip of the system, in pwmchipN order (empty where the kernel has none or no PWM support)."""
    backend = backend or get_backend()
    try:
        names = backend.sysfs_list(CLASS_DIR)
    except FileNotFoundError:
        return []
    found = []
    for name in sorted((n for n in names if n.startswith("pwmchip")), key=natural_key):
        try:
            found.append(chip_info(backend, f"{CLASS_DIR}/{name}"))
        except FileNotFoundError:
            continue  # removed while we looked
    return found


def _find(backend: Backend, chip: str | os.PathLike[str]) -> ChipInfo:
    if isinstance(chip, int):  # a bool too
        raise TypeError(
            f"chip must be the PWM chip's device name (pwm.chips() lists them) or its /sys/class/pwm path, "
            f"not the number {chip!r}: pwmchipN numbers follow probe order and change between boots"
        )
    if not isinstance(chip, (str, os.PathLike)) or chip == "":
        raise TypeError(f"chip must be the PWM chip's device name or its /sys/class/pwm path, not {chip!r}")
    spec = os.fspath(chip)
    if "/" in spec:
        try:
            return chip_info(backend, spec.rstrip("/"))
        except OSError as exc:
            raise device_error(exc.errno or errno.ENOENT, spec, "open PWM chip", "no PWM chip there") from None
    infos = chips(backend)
    path = unique_by_name(spec, ((info.path, info.name) for info in infos), "PWM chip")
    return next(info for info in infos if info.path == path)


class Chip:
    """A PWM controller, found by its device's name (``"fe20c000.pwm"``, ``"pwm-sim.0"``) or its
    /sys/class/pwm/pwmchipN path. It holds nothing in the kernel: :meth:`request` takes a channel, and
    channels stay valid after the chip is closed."""

    def __init__(self, chip: str | os.PathLike[str], *, backend: Backend | None = None) -> None:
        self._backend = backend or get_backend()
        self.info = _find(self._backend, chip)
        self._closed = False

    @property
    def name(self) -> str:
        """The chip's device name."""
        return self.info.name

    @property
    def path(self) -> str:
        """/sys/class/pwm/pwmchipN."""
        return self.info.path

    @property
    def npwm(self) -> int:
        """How many channels it has (0..npwm-1)."""
        return self.info.npwm

    def __repr__(self) -> str:
        return f"<pwm.Chip {self.name!r} {self.path}{' closed' if self._closed else ''}>"

    def request(self, channel: int, *, adopt: bool = False) -> Channel:
        """Take ``channel`` (export it through sysfs) and return it; ``close()`` (or the ``with`` block's
        end) gives it back (unexport), leaving its output as it was. A channel another program exported
        is DeviceBusyError unless ``adopt=True``, which takes that export over (the left-over of a program
        that ended without closing); one a kernel driver holds is DeviceBusyError naming the driver."""
        if self._closed:
            raise ClosedError(f"{self!r} is closed")
        return Channel(self._backend, self.info, channel, adopt=adopt)

    def exported(self) -> dict[int, Waveform]:
        """The channels exported through sysfs now (by this program or any other), each with the waveform
        the kernel reports for it; reading them holds nothing."""
        found = {}
        for name in self._backend.sysfs_list(self.path):
            if name.startswith("pwm") and name[3:].isdigit():
                try:
                    found[int(name[3:])] = read_state(self._backend, f"{self.path}/{name}")
                except FileNotFoundError:
                    continue  # unexported while we looked
        return dict(sorted(found.items()))

    def round(self, waveform: Waveform) -> Waveform:
        """What the hardware would make of ``waveform``, asked of the kernel without applying it
        (PWM_IOCTL_ROUNDWF). Needs the PWM character device, Linux 6.16+: UnsupportedError without it."""
        if not isinstance(waveform, Waveform):
            raise TypeError(f"waveform must be a pwm.Waveform, not {waveform!r}")
        if self.info.chardev is None:
            kernel = f" (this kernel is {os.uname().release})" if self._backend.name == "real" else ""
            raise UnsupportedError(
                errno.EOPNOTSUPP,
                f"round() asks the kernel through /dev/{posixpath.basename(self.path)}, the PWM character device "
                f"of Linux {CHARDEV_SINCE}+, which {self.name!r} does not have here{kernel}; "
                "sysfs applies without rounding ahead: apply() and read back what the channel reports",
                self.path,
                "round waveform",
            )
        raise UnsupportedError(
            errno.EOPNOTSUPP,
            f"{self.info.chardev} (Linux {CHARDEV_SINCE}+) is here, but linuxhw drives PWM through sysfs only so far",
            self.info.chardev,
            "round waveform",
        )

    def close(self) -> None:
        """Mark the chip closed (repeating it does nothing); its channels stay requested."""
        self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Chip:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
