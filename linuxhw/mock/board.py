"""Board: the mock kernel. A set of simulated devices answering the Backend calls with kernel semantics."""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from linuxhw._kernel.backend import Backend
from linuxhw._kernel.formats import natural_key
from linuxhw._uapi import ffi, lib
from linuxhw.mock._file import MockFile
from linuxhw.mock.sysfs import SysfsTree

if TYPE_CHECKING:
    import socket

    from linuxhw.mock.gpio import MockGpioChip
    from linuxhw.mock.iio import MockIioChannel, MockIioDevice
    from linuxhw.mock.peripherals import Timeline
    from linuxhw.mock.pwm import MockPwmChip
    from linuxhw.mock.real_boards import Jumper

__all__ = ["Board", "MockDevice"]

# i2c-dev's ioctls that take a pointer but predate size-encoded ioctl numbers (_IOC_SIZE is 0)
POINTER_IOCTLS = frozenset((lib.I2C_RDWR, lib.I2C_SMBUS, lib.I2C_FUNCS))


class MockDevice(Protocol):
    """A device node on the mock board."""

    dev_path: str
    subsystem: str
    attributes: dict[str, str]  # sysfs attributes of the device, e.g. {"name": "..."}

    def open(self, board: Board, flags: int) -> MockFile: ...


def _null_argument(file: MockFile, request: int) -> int:
    """An ioctl whose argument is NULL: a file that does not know ``request`` answers as for any unknown
    request (i2c-dev and spidev ENOTTY, a heap EINVAL: checked on 6.12); one that handles it fails
    copy_from_user()/copy_to_user() of address 0 with EFAULT, before anything changes."""
    try:
        return file.ioctl(request, ffi.NULL)
    except (AttributeError, RuntimeError, TypeError, IndexError):  # the handler touched the argument
        return -errno.EFAULT


class Board(Backend):
    """A simulated board. Use it as a backend: ``with linuxhw.use_backend(board): ...``.

    Every fd it hands out is a real descriptor, so select/poll/asyncio treat mock
    handles exactly like hardware ones.
    """

    name = "mock"

    def __init__(self, *, model: str | None = None, compatible: Sequence[str] = ()) -> None:
        """``model`` and ``compatible`` are what the board's device tree says it is (as
        ``/proc/device-tree/model`` and ``compatible``): give a Raspberry Pi's and linuxhw.boards takes the
        board for one. ``device_tree`` holds those and any other property, as the kernel's raw bytes."""
        self.device_tree: dict[str, bytes] = {}
        if model is not None:
            self.device_tree["model"] = model.encode() + b"\0"
        strings = (compatible,) if isinstance(compatible, str) else tuple(compatible)
        if strings:
            self.device_tree["compatible"] = b"".join(s.encode() + b"\0" for s in strings)
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)  # notified after every open, close and ioctl
        self._observers: list[Callable[[], None]] = []
        self._devices: dict[str, MockDevice] = {}
        self._files: dict[int, MockFile] = {}
        self.module_parameters: dict[str, str] = {"spidev.bufsiz": "4096"}  # "module.parameter": value
        self._spi_buses: set[int] = set()
        self._first_dynamic = {"i2c": 0, "spi": 0}  # above every bus number asked for, as the kernel's
        self._timeline: Timeline | None = None
        self.sysfs = SysfsTree()  # the board's /sys, as far as its models put attributes there (PWM chips)
        self._pwm_chips: dict[int, MockPwmChip] = {}  # by pwmchip number

    # -- boards shaped like real ones (linuxhw.mock.real_boards) -------------------------------------

    @classmethod
    def raspberry_pi(cls, model: str = "4b", *, i2c: Collection[int] | None = None,
                     spi: Collection[int] | None = None, jumpers: Iterable[Jumper] = ()) -> Board:  # fmt: skip
        """A mock Raspberry Pi: ``model`` is ``"4b"``, ``"5"``, ``"3b"``, ``"3b+"``, ``"zero-2w"``, ``"400"``...
        (every Pi linuxhw.boards knows), its GPIO chip labelled and named as its kernel has it
        (``pinctrl-bcm2711``: ``ID_SDA``, ``ID_SCL``, ``GPIO2``...), /dev/i2c-1 (and i2c-0 on the ID pins),
        spidev0.0/0.1 and spidev1.0-1.2, and the device tree's model, so ``boards.current()`` names it.
        ``i2c``/``spi`` keep only those bus numbers; ``jumpers`` wire header pins: ``[("BOARD16", "BOARD22")]``."""
        from linuxhw.mock.real_boards import raspberry_pi_id

        return cls.like(raspberry_pi_id(model), i2c=i2c, spi=spi, jumpers=jumpers)

    @classmethod
    def beaglebone_black(cls, *, i2c: Collection[int] | None = None, spi: Collection[int] | None = None,
                         jumpers: Iterable[Jumper] = ()) -> Board:  # fmt: skip
        """A mock BeagleBone Black: the four AM335x banks (``gpio-0-31``..``gpio-96-127``) named as its
        device tree names them (``P9_12``, ``P9_22 [spi0_sclk]``...), /dev/i2c-1 and i2c-2, spidev0.0 and
        spidev1.0/1.1, its device tree's model; arguments as :meth:`raspberry_pi`'s (``("P9_12", "P8_7")``)."""
        return cls.like("beaglebone-black", i2c=i2c, spi=spi, jumpers=jumpers)

    @classmethod
    def like(cls, board: Any, *, i2c: Collection[int] | None = None, spi: Collection[int] | None = None,
             jumpers: Iterable[Jumper] = ()) -> Board:  # fmt: skip
        """A mock board shaped like ``board``: a ``linuxhw.boards`` Board or its id (``boards.known()``:
        ``"raspberrypi-5"``, ``"beaglebone-green"``...). Its GPIO chips have the labels and line names the
        board's kernel gives them, its header buses their real numbers (``i2c``/``spi``: only those; each
        spidev chip select with nothing wired, MISO reading 0xff, until ``attach()``), and its device tree
        the board's model and compatible; ``jumpers`` wire header pins together (see :meth:`jumper`)."""
        from linuxhw.mock.real_boards import chosen, resolve
        from linuxhw.mock.spi_models import SpiTarget

        layout = resolve(board)
        made = cls(model=layout.models[0] if layout.models else layout.model, compatible=layout.compatible)
        for chip in layout.gpio_chips:
            made.add_gpio_chip(chip.num_lines, label=chip.label, names=chip.names)
        for number in chosen("i2c", layout.i2c, i2c, layout):
            made.add_i2c_bus(f"{layout.model} I2C{number}", number=number)
        for number in chosen("spi", layout.spi, spi, layout):
            controller = made.add_spi_bus(number=number)
            for chip_select in range(len(layout.spi[number].chip_selects)):
                controller.add_device(chip_select, SpiTarget())
        for a, b in jumpers:
            made.jumper(a, b)
        return made

    @property
    def layout(self) -> Any:
        """The real board this one is shaped like (a ``linuxhw.boards`` Board), as its own device tree's
        ``compatible`` and ``model`` say, whatever ``$LINUXHW_BOARD`` says; None for a board of no known shape."""
        from linuxhw.boards.catalog import identify

        model, compatible = (
            [s for s in self.device_tree.get(name, b"").decode(errors="replace").split("\0") if s]
            for name in ("model", "compatible")
        )
        return identify(compatible, model[0] if model else "")

    def header_line(self, spec: str) -> tuple[MockGpioChip, int]:
        """The chip (its control side) and offset behind a header pin: ``"J8:11"``, ``"BOARD11"``,
        ``"GPIO17"``, ``"P9_12"``, as linuxhw.boards takes them; for a test to drive or read the pin."""
        from linuxhw.mock.real_boards import header_line

        return header_line(self, spec)

    def jumper(self, a: str, b: str) -> None:
        """Wire two header pins together (``"BOARD16"``, ``"BOARD22"``), as a jumper on the real header
        would (see ``MockGpioChip.connect``), across GPIO chips too."""
        chip_a, offset_a = self.header_line(a)
        chip_b, offset_b = self.header_line(b)
        chip_a.connect(offset_a, offset_b, chip_b)

    # -- building the board -------------------------------------------------------------------------

    def add_device(self, device: MockDevice) -> None:
        """Attach a device at its ``dev_path``."""
        with self.lock:
            if device.dev_path in self._devices:
                raise ValueError(f"{device.dev_path} already exists on this board")
            self._devices[device.dev_path] = device

    def remove_device(self, path: str) -> None:
        """Take the device at ``path`` away, as an unplug or a driver unbind does: its node goes
        (open: ENOENT), and every file open on it fails its calls with the kernel's errno for the
        kind of device (its ``removal_errno``, default ENODEV) and wakes its pollers. close() works.
        A device the kernel will not let go while open (i2c-stub: its module is in use) raises EBUSY."""
        with self.lock:
            device = self._devices.get(path)
            if device is None:
                raise ValueError(f"no device at {path} on this board")
            files = [file for file in self._files.values() if file.owner is device]
            refused = getattr(device, "removal_refused", None)
            if refused and files:
                raise OSError(errno.EBUSY, refused, path)
            del self._devices[path]
            err = getattr(device, "removal_errno", errno.ENODEV)
            for file in files:
                file.device_removed(err)
            self._state_changed()

    def devices(self, subsystem: str | None = None) -> list[MockDevice]:
        """Devices on the board, optionally of one subsystem, in natural path order."""
        with self.lock:
            found = [d for d in self._devices.values() if subsystem is None or d.subsystem == subsystem]
        return sorted(found, key=lambda d: natural_key(d.dev_path))

    def device(self, path: str) -> Any:
        """The device at ``path`` (``"/dev/i2c-1"``, ``"/dev/spidev0.0"``, ``"/dev/gpiochip0"``) through its
        control API: a MockI2cBus to ``attach()`` parts to, a MockGpioChip, a MockSpiDevice..."""
        with self.lock:
            found = self._devices.get(os.fspath(path))
            if found is None:
                raise LookupError(
                    f"no device at {path!r} on this board: it has {sorted(self._devices, key=natural_key)}"
                )
            return found

    def add_gpio_chip(
        self,
        num_lines: int,
        label: str | None = None,
        names: Sequence[str] | Mapping[int, str] | None = None,
        hogs: Mapping[int, tuple[str, str]] | None = None,
    ) -> Any:
        """Add a GPIO chip like a gpio-sim bank; returns its control handle (a MockGpioChip).

        ``hogs`` maps offsets to ``(consumer, "input" | "output-high" | "output-low")``.
        """
        from linuxhw.mock.gpio import MockGpioChip

        with self.lock:
            number = len(self.devices("gpio"))
            chip = MockGpioChip(self, f"gpiochip{number}", label, num_lines, names, hogs)
            self.add_device(chip)
        return chip

    def _bus_number(self, kind: str, taken: set[int], number: int | None) -> int:
        """The number of a new I2C or SPI bus, as the kernel gives it: ``number`` where asked (a device
        tree alias: ``i2c1`` is /dev/i2c-1), else the lowest free one above every number asked for
        (idr_alloc() from i2c-core's ``__i2c_first_dynamic_bus_num``, spi's ``first_dynamic``)."""
        if number is None:
            number = self._first_dynamic[kind]
            while number in taken:
                number += 1
            return number
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number < 1 << 16:
            raise ValueError(f"number must be a bus number 0..65535 or None (the next free one), not {number!r}")
        if number in taken:
            raise ValueError(f"{kind} bus {number} already exists on this board")
        self._first_dynamic[kind] = max(self._first_dynamic[kind], number + 1)
        return number

    def _next_i2c_number(self, number: int | None = None) -> int:
        return self._bus_number("i2c", {bus.number for bus in self.devices("i2c-dev")}, number)  # type: ignore[attr-defined]

    def add_i2c_bus(
        self, name: str = "linuxhw i2c simulator", functionality: int | None = None, *, number: int | None = None
    ) -> Any:
        """Add an I2C adapter with I2C transfers (SMBus emulated over them, as i2c-core does);
        returns it (a MockI2cBus) so you can ``attach()`` device models. ``number`` makes it
        /dev/i2c-<number> (a Raspberry Pi's header bus is 1); by default it takes the lowest free
        number above every bus given one, as the kernel numbers adapters with no device tree alias."""
        from linuxhw.mock.i2c import SIM_FUNCTIONALITY, MockI2cBus

        with self.lock:
            bus = MockI2cBus(
                self, self._next_i2c_number(number), name, SIM_FUNCTIONALITY if functionality is None else functionality
            )
            self.add_device(bus)
        return bus

    def add_i2c_stub(self, chip_addrs: Sequence[int], functionality: int | None = None,
                     banks: Sequence[Any] = ()) -> Any:  # fmt: skip
        """Add the equivalent of ``modprobe i2c-stub chip_addr=...``: SMBus only, no I2C transfers.
        ``banks`` gives each chip's banked range (objects with reg, mask, start, end, or None)."""
        from linuxhw.mock.i2c import STUB_FUNCTIONALITY, MockI2cStub

        with self.lock:
            stub = MockI2cStub(
                self,
                self._next_i2c_number(),
                chip_addrs,
                STUB_FUNCTIONALITY if functionality is None else functionality,
                banks,
            )
            self.add_device(stub)
        return stub

    def add_spi_bus(self, max_speed_hz: int = 50_000_000, min_speed_hz: int = 1_000,
                    mode_bits: int | None = None, *, number: int | None = None) -> Any:  # fmt: skip
        """Add an SPI controller (a MockSpiBus); put devices on it with ``add_device(cs, model)``: they are
        /dev/spidev<number>.<cs>. ``mode_bits`` are the mode flags the controller supports (default: all
        of them); ``number`` is numbered as in :meth:`add_i2c_bus` (a Raspberry Pi's header SPI is 0)."""
        from linuxhw.mock.spi import ALL_MODE_BITS, MockSpiBus

        with self.lock:
            number = self._bus_number("spi", self._spi_buses, number)
            self._spi_buses.add(number)
            return MockSpiBus(
                self, number, max_speed_hz, min_speed_hz, ALL_MODE_BITS if mode_bits is None else mode_bits
            )

    def add_pwm_chip(
        self,
        npwm: int = 2,
        name: str | None = None,
        *,
        bus: str = "platform",
        driver: str = "pwm-sim",
        tick_ns: int = 1,
        polarities: Collection[str] = ("normal", "inversed"),
        strict: bool = False,
        udev_delay: int = 0,
    ) -> MockPwmChip:
        """Add a PWM controller with ``npwm`` channels, /sys/class/pwm/pwmchipN as the kernel's PWM core
        makes it (N: the lowest free number, as its idr gives). ``name`` is its parent device's name, which
        linuxhw finds it by (default ``pwm-sim.K``; a Raspberry Pi's is ``fe20c000.pwm``). The driver counts
        in ``tick_ns`` steps and rounds down to them, supports ``polarities``; ``strict`` is the PWM core
        before 6.12 (Debian's 6.1), which checks period > 0 and duty <= period on every write, enabled or
        not; ``udev_delay`` makes each exported channel's attributes refuse that many opens with EACCES, as
        for a user in the pwm group before udev has run. Returns the chip's control side (a MockPwmChip)."""
        from linuxhw.mock.pwm import MockPwmChip

        with self.lock:
            number = next(n for n in range(len(self._pwm_chips) + 1) if n not in self._pwm_chips)
            if name is None:
                used = {chip.name for chip in self._pwm_chips.values()}
                name = next(f"pwm-sim.{k}" for k in range(len(used) + 1) if f"pwm-sim.{k}" not in used)
            chip = MockPwmChip(self, number, name, npwm, bus, driver, tick_ns, polarities, strict, udev_delay)
            self._pwm_chips[number] = chip
            return chip

    def add_iio_device(
        self,
        name: str,
        channels: Sequence[MockIioChannel],
        *,
        label: str | None = None,
        sampling_frequency: float | None = None,
        sampling_frequency_available: str | None = None,
        triggered: bool = True,
    ) -> MockIioDevice:
        """Add an IIO device named ``name`` (its driver's name for the part) with ``channels``
        (``linuxhw.mock.MockIioChannel``), as /sys/bus/iio/devices/iio:deviceN and /dev/iio:deviceN (N:
        the lowest free number). ``sampling_frequency`` (Hz) makes ``in_sampling_frequency``, with
        ``sampling_frequency_available`` its _available text (``"1 10 100"`` or ``"[1 1 1000]"``);
        ``triggered`` drivers take a scan per trigger (set ``trigger/current_trigger`` first), others
        scan when the test calls ``push()``. Returns its control side (a MockIioDevice)."""
        from linuxhw.mock.iio import add_iio_device

        return add_iio_device(
            self, name, channels, label=label, sampling_frequency=sampling_frequency,
            frequencies=sampling_frequency_available, triggered=triggered,
        )  # fmt: skip

    def enable_iio_sysfs_trigger(self) -> None:
        """Load the mock's iio-trig-sysfs: /sys/bus/iio/devices/iio_sysfs_trigger/add_trigger makes
        ``sysfstrigN`` triggers whose ``trigger_now`` starts a scan of each device using them."""
        from linuxhw.mock.iio import enable_sysfs_trigger

        with self.lock:
            enable_sysfs_trigger(self)

    def enable_iio_hrtimer_trigger(self) -> None:
        """Load the mock's iio-trig-hrtimer: ``mkdir /sys/kernel/config/iio/triggers/hrtimer/<name>`` (what
        ``linuxhw.iio.HrtimerTrigger`` does) makes a trigger that starts a scan every 1/sampling_frequency s
        (default 100 Hz) of each device capturing with it."""
        from linuxhw.mock.iio import enable_hrtimer_trigger

        with self.lock:
            enable_hrtimer_trigger(self)

    def pwm_chips(self) -> list[MockPwmChip]:
        """The board's PWM chips, by number."""
        with self.lock:
            return [self._pwm_chips[n] for n in sorted(self._pwm_chips)]

    def _forget_pwm_chip(self, number: int) -> None:
        """MockPwmChip.remove(): its number is free again."""
        with self.lock:
            del self._pwm_chips[number]
            self._state_changed()

    @property
    def timeline(self) -> Timeline:
        """The board's modelled future (a ``linuxhw.mock.Timeline``): wired parts schedule edges on it."""
        from linuxhw.mock.peripherals import Timeline

        with self.lock:
            if self._timeline is None:
                self._timeline = Timeline(self)
            return self._timeline

    # -- file descriptor table ----------------------------------------------------------------------

    def install(self, file: MockFile) -> int:
        """Register an open file and return its fd (used by ioctls that create fds)."""
        with self.lock:
            self._files[file.fd] = file
        return file.fd

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
        """Block until ``condition()`` holds, checking it under the board lock after every open, close
        and ioctl (a watch set, a line requested...); TimeoutError naming ``what`` after ``timeout`` s."""
        with self._changed:
            if not self._changed.wait_for(condition, timeout):
                raise TimeoutError(f"mock board: {what} did not happen within {timeout:g} s")

    @contextlib.contextmanager
    def observe(self, callback: Callable[[], None]) -> Iterator[None]:
        """Call ``callback()`` under the board lock right after every open, close and ioctl while the
        block runs: a test sees each state the code under test passes through, however briefly."""
        with self.lock:
            self._observers.append(callback)
        try:
            yield
        finally:
            with self.lock:
                self._observers.remove(callback)

    def _state_changed(self) -> None:
        for callback in self._observers:
            callback()
        self._changed.notify_all()

    def open_files(self) -> int:
        """How many mock fds are open (tests use it to prove nothing leaks)."""
        with self.lock:
            return len(self._files)

    # -- Backend ------------------------------------------------------------------------------------

    def open(self, path: str, flags: int) -> int:
        with self.lock:
            device = self._devices.get(os.fspath(path))
            if device is None:
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
            file = device.open(self, flags)
            file.owner = device
            file.nonblocking = bool(flags & os.O_NONBLOCK)
            fd = self.install(file)
            self._state_changed()
            return fd

    def close(self, fd: int) -> None:
        with self.lock:
            file = self._files.pop(fd, None)
            if file is None:
                raise OSError(errno.EBADF, os.strerror(errno.EBADF))
            file.release()
            self._state_changed()

    def ioctl(self, fd: int, request: int, arg: Any) -> int:
        file = self._files.get(fd)
        if file is None:
            return -errno.EBADF
        with self.lock:
            gone = file.removed_errno and file.removed_ioctl_errno(request)
            if gone:
                ret = -gone
            elif arg == ffi.NULL and (request >> 16 & 0x3FFF or request in POINTER_IOCTLS):
                return _null_argument(file, request)
            else:
                ret = file.ioctl(request, arg)
            self._state_changed()
            return ret

    def read(self, fd: int, buf: Any, count: int) -> int:
        file = self._files.get(fd)
        if file is None:
            return -errno.EBADF
        while True:
            with self.lock:
                ret = -file.removed_errno if file.removed_errno else file.read(buf, count)
                if ret != -errno.EAGAIN or file.nonblocking:
                    return ret
            file.wait_readable()

    def smbus(self, fd: int, read_write: int, command: int, size: int, data: Any) -> int:
        args = ffi.new("struct i2c_smbus_ioctl_data *")
        args.read_write, args.command, args.size, args.data = read_write, command, size, data
        return self.ioctl(fd, lib.I2C_SMBUS, args)

    def write(self, fd: int, buf: Any, count: int) -> int:
        file = self._files.get(fd)
        if file is None:
            return -errno.EBADF
        with self.lock:
            return -file.removed_errno if file.removed_errno else file.write(buf, count)

    def module_parameter(self, module: str, name: str) -> str | None:
        return self.module_parameters.get(f"{module}.{name}")

    def device_attribute(self, path: str, name: str) -> str | None:
        device = self._devices.get(path)
        return None if device is None else device.attributes.get(name)

    def device_tree_property(self, name: str) -> bytes | None:
        return self.device_tree.get(self.check_device_tree_name(name))

    def device_nodes(self, prefix: str) -> list[str]:
        directory, _, prefix = prefix.rpartition("/")  # "dma_heap/" lists /dev/dma_heap
        parent = os.path.join("/dev", directory) if directory else "/dev"
        return [
            d.dev_path
            for d in self.devices()
            if os.path.dirname(d.dev_path) == parent and os.path.basename(d.dev_path).startswith(prefix)
        ]

    def subsystem(self, path: str) -> str | None:
        device = self._devices.get(path)
        return device.subsystem if device is not None else None

    def sysfs_read(self, path: str) -> str:
        with self.lock:
            return self.sysfs.read(os.fspath(path))

    def sysfs_write(self, path: str, text: str) -> None:
        with self.lock:
            try:
                self.sysfs.write(os.fspath(path), text)
            finally:
                self._state_changed()

    def sysfs_list(self, path: str) -> list[str]:
        with self.lock:
            return self.sysfs.list(os.fspath(path))

    def sysfs_target(self, path: str) -> str | None:
        with self.lock:
            return self.sysfs.target(os.fspath(path))

    def configfs_mkdir(self, path: str) -> None:
        with self.lock:
            try:
                self.sysfs.mkdir(os.fspath(path))
            finally:
                self._state_changed()

    def configfs_rmdir(self, path: str) -> None:
        with self.lock:
            try:
                self.sysfs.rmdir(os.fspath(path))
            finally:
                self._state_changed()

    def device_present(self, fd: int) -> bool:
        file = self._files.get(fd)
        return file is None or not file.removed_errno

    def set_blocking(self, fd: int, blocking: bool) -> None:
        file = self._files.get(fd)
        if file is None:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        file.nonblocking = not blocking

    # -- DMA-BUF: heaps, udmabuf and the dma-buf files they export (linuxhw.mock.dmabuf) -------------

    def add_dma_heap(self, name: str = "system", *, pool_size: int | None = None) -> Any:
        """Add a DMA-BUF heap at /dev/dma_heap/<name> (memfd-backed, zeroed, page-rounded); returns its
        control handle (a MockDmaHeap). ``pool_size`` caps the bytes its live buffers may hold, like a
        CMA pool: past it allocations fail with ENOMEM. CMA heaps are named "linux,cma" or "reserved"."""
        from linuxhw.mock.dmabuf import MockDmaHeap

        with self.lock:
            heap = MockDmaHeap(self, name, pool_size)
            self.add_device(heap)
        return heap

    def enable_udmabuf(self, *, size_limit_mb: int = 64, list_limit: int = 1024) -> Any:
        """Add /dev/udmabuf with the module's parameters; returns its control handle (a MockUdmabuf)."""
        from linuxhw.mock.dmabuf import MockUdmabuf

        with self.lock:
            device = MockUdmabuf(self, size_limit_mb, list_limit)
            self.add_device(device)
        return device

    def configure_dma_buf(self, *, sync_file: bool = True) -> None:
        """Kernel build options of the dma-buf core: ``sync_file=False`` is a kernel without
        CONFIG_SYNC_FILE or older than 6.0 (sync_file export/import answer ENOTTY)."""
        from linuxhw.mock.dmabuf import dma_buf_core

        dma_buf_core(self).sync_file = sync_file

    def lseek(self, fd: int, offset: int, whence: int) -> int:
        from linuxhw.mock.dmabuf import lseek

        with self.lock:
            return lseek(self, fd, offset, whence)

    def mmap(self, fd: int, length: int, offset: int, writable: bool) -> memoryview:
        from linuxhw.mock.dmabuf import map_file

        with self.lock:
            return map_file(self, fd, length, offset, writable)

    def dup(self, fd: int) -> int:
        from linuxhw.mock.dmabuf import dup

        with self.lock:
            return dup(self, fd)

    def fdinfo(self, fd: int) -> dict[str, str]:
        from linuxhw.mock.dmabuf import fdinfo

        with self.lock:
            return fdinfo(self, fd)

    def send_fds(self, sock: socket.socket, data: bytes, fds: Sequence[int]) -> None:
        from linuxhw.mock.dmabuf import send_fds

        send_fds(self, sock, data, fds)

    def recv_fds(self, sock: socket.socket, bufsize: int, maxfds: int) -> tuple[bytes, list[int]]:
        from linuxhw.mock.dmabuf import recv_fds

        return recv_fds(self, sock, bufsize, maxfds)
