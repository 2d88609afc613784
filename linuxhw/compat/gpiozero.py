"""A gpiozero pin factory over linuxhw: ``GPIOZERO_PIN_FACTORY=linuxhw`` (the entry point of group
``gpiozero_pin_factories``), or ``Device.pin_factory = LinuxhwFactory()``.

The pins are the lines named ``GPIO<n>`` of one GPIO chip, found by label, never by number (a
Raspberry Pi 5 renumbered its chips): ``LinuxhwFactory(chip=...)`` or ``$LINUXHW_GPIOZERO_CHIP`` name
it (a label, path or ``gpiochipN``); otherwise it is the chip with the most such lines
(``pinctrl-bcm2711``, ``pinctrl-rp1``, ...: the mock Raspberry Pis' too, the demo board's). A pin answers to
``GPIO17``, ``BCM17``, ``17`` and ``"17"``; on a board :func:`linuxhw.boards.current` knows (its device
tree, or ``$LINUXHW_BOARD``) whose header lines are on that chip, also to the physical names gpiozero 2.x
gives a Pi's header pins: ``J8:11`` (any header: ``P1:11``, ``P5:3`` on the first Model B), ``BOARD11`` (the
main header) and wiringPi's ``WPI0``; a header pin that is no GPIO (``J8:1``, 3V3) is refused as gpiozero
refuses it. Names are matched exactly, as gpiozero matches them.

Edges come from the kernel's edge events, timestamps included (``ticks`` is the same monotonic
clock), ``bounce`` is the kernel's debounce, PWM is in software (a thread per pin), and hardware SPI
(``/dev/spidev<port>.<device>``) runs through :class:`linuxhw.spi.Device`. gpiozero must be
installed; linuxhw itself does not need it.
"""

from __future__ import annotations

import os
import select
import threading
import time
from typing import Any

from gpiozero import SPI
from gpiozero.exc import (
    DeviceClosed,
    PinFixedPull,
    PinInvalidBounce,
    PinInvalidEdges,
    PinInvalidFunction,
    PinInvalidPin,
    PinInvalidPull,
    PinInvalidState,
    PinPWMFixedValue,
    PinSetInput,
    SPIInvalidClockMode,
)
from gpiozero.mixins import SharedMixin
from gpiozero.pins import BoardInfo, HeaderInfo, PinInfo
from gpiozero.pins.pi import PiFactory, PiPin, spi_port_device
from gpiozero.pins.spi import SPISoftware

from linuxhw import boards, gpio, spi
from linuxhw.compat._gpio_names import GPIO_NAME, find_gpio_chip, gpio_lines
from linuxhw.compat._soft_pwm import SoftwarePwm
from linuxhw.gpio import Bias, Direction, Edge, EdgeType, LineSettings

__all__ = ["LinuxhwFactory", "LinuxhwPin"]

CONSUMER = "gpiozero"
_BIAS = {"up": Bias.PULL_UP, "down": Bias.PULL_DOWN, "floating": Bias.DISABLED}
_EDGES = {"both": Edge.BOTH, "rising": Edge.RISING, "falling": Edge.FALLING, "none": Edge.NONE}


def _find_chip() -> gpio.Chip:
    """The chip with the most lines named GPIO<n> (the SoC's header bank on a Pi)."""
    try:
        return find_gpio_chip()
    except LookupError as exc:
        raise PinInvalidPin(f"{exc}: name one with $LINUXHW_GPIOZERO_CHIP") from None


# wiringPi's numbers of a Pi's header GPIO pins, by physical pin: J8's (the 26-pin P1's are its first 26), P5's.
_WIRINGPI = {
    "J8": {3: 8, 5: 9, 7: 7, 8: 15, 10: 16, 11: 0, 12: 1, 13: 2, 15: 3, 16: 4, 18: 5, 19: 12, 21: 13, 22: 6, 23: 14,
           24: 10, 26: 11, 27: 30, 28: 31, 29: 21, 31: 22, 32: 26, 33: 23, 35: 24, 36: 27, 37: 25, 38: 28, 40: 29},
    "P5": {3: 17, 4: 18, 5: 19, 6: 20},
}  # fmt: skip
_WIRINGPI["P1"] = {number: wpi for number, wpi in _WIRINGPI["J8"].items() if number <= 26}


def _gpio_pin(number: int, name: str, label: str, offset: int, row: int, col: int, *physical: str) -> PinInfo:
    """A GPIO pin as gpiozero's Pi factories describe it, answering to ``physical`` names too."""
    gpio_number = int(name[4:])
    names = frozenset({name, gpio_number, str(gpio_number), f"BCM{gpio_number}", f"{label}:{offset}", *physical})
    return PinInfo(number=number, name=name, names=names, pull="", row=row, col=col, interfaces=frozenset({"gpio"}))


def _board_lines(board: boards.Board | None, label: str) -> dict[str, int]:
    """``{"GPIO<n>": offset}`` for ``board``'s header pins on chip ``label``, by the board's data (a
    kernel may name the lines otherwise: ``SDA1`` on the first Model B)."""
    pins = board.gpio_pins() if board is not None else []
    return {pin.name: pin.line.offset for pin in pins if pin.line and pin.line.chip_label == label
            and GPIO_NAME.fullmatch(pin.name)}  # fmt: skip


def _header_info(header: boards.Header, main: bool, label: str, lines: dict[str, int]) -> HeaderInfo:
    """``header`` of the board as gpiozero names its pins; a GPIO pin is one of ``lines`` on chip ``label``."""
    pins = {}
    for pin in header.pins:
        physical = [pin.spec, *([f"BOARD{pin.number}"] if main else [])]
        row, col = (pin.number + 1) // 2, 2 - pin.number % 2
        if pin.line is not None and pin.line.chip_label == label and pin.name in lines:
            wpi = _WIRINGPI.get(header.name, {}).get(pin.number)
            physical += [f"WPI{wpi}"] if wpi is not None else []
            pins[pin.number] = _gpio_pin(pin.number, pin.name, label, lines[pin.name], row, col, *physical)
        else:  # a supply, or a line elsewhere: gpiozero's PiPin refuses it ("... is not a GPIO pin")
            pins[pin.number] = PinInfo(number=pin.number, name=pin.name, names=frozenset({pin.name, *physical}),
                                       pull="", row=row, col=col, interfaces=frozenset({""}))  # fmt: skip
    return HeaderInfo(name=header.name, rows=(len(header.pins) + 1) // 2, columns=2, pins=pins)


def _board_info(label: str, lines: dict[str, int], board: boards.Board | None) -> BoardInfo:
    """The pins of ``lines``: ``board``'s headers where it has GPIO lines on chip ``label``, then a header
    named by the label holding the chip's other lines, one pin each."""
    headers = {}
    if board is not None and _board_lines(board, label):
        for index, header in enumerate(board.headers):
            headers[header.name] = _header_info(header, index == board.main_header, label, lines)
    on_headers = {pin.name for header in headers.values() for pin in header.pins.values()}
    rest = sorted((item for item in lines.items() if item[0] not in on_headers), key=lambda item: int(item[0][4:]))
    pins = {number: _gpio_pin(number, name, label, offset, number, 1) for number, (name, offset) in enumerate(rest, 1)}
    headers[label] = HeaderInfo(name=label, rows=len(pins), columns=1, pins=pins)
    return BoardInfo(revision="linuxhw", model=board.model if board else label, pcb_revision="", released="",
                     soc=label, manufacturer="", memory=None, storage="", usb=0, usb3=0, ethernet=0, eth_speed=0,
                     wifi=False, bluetooth=False, csi=0, dsi=0, headers=headers, board="")  # fmt: skip


class LinuxhwFactory(PiFactory):  # type: ignore[misc]
    """gpiozero's pins on one linuxhw GPIO chip, found by label (see the module docstring)."""

    def __init__(self, chip: str | None = None) -> None:
        super().__init__()
        name = chip or os.environ.get("LINUXHW_GPIOZERO_CHIP")
        self._chip = gpio.Chip(name) if name else _find_chip()
        try:
            board = boards.current()
        except LookupError:  # an unknown $LINUXHW_BOARD
            self._chip.close()
            raise
        self.offsets = {**gpio_lines(self._chip), **_board_lines(board, self._chip.label)}
        if not self.offsets:
            self._chip.close()
            raise PinInvalidPin(f"chip {name!r} has no lines named GPIO<n>")
        self._info = _board_info(self._chip.label, self.offsets, board)
        self.pin_class = LinuxhwPin

    @property
    def chip(self) -> gpio.Chip:
        """The linuxhw chip the pins live on."""
        return self._chip

    def close(self) -> None:
        pins = list(self.pins.values())
        super().close()
        for pin in pins:
            pin._release()
        self._chip.close()

    def _get_spi_class(self, shared: bool, hardware: bool) -> type:
        classes: dict[tuple[bool, bool], type] = {
            (False, True): LinuxhwHardwareSPI,
            (True, True): LinuxhwHardwareSPIShared,
            (False, False): SPISoftware,
            (True, False): LinuxhwSoftwareSPIShared,
        }
        return classes[shared, hardware]

    @staticmethod
    def ticks() -> float:
        """Seconds on CLOCK_MONOTONIC: the clock of the kernel's edge-event timestamps."""
        return time.monotonic()

    @staticmethod
    def ticks_diff(later: float, earlier: float) -> float:
        return later - earlier


class LinuxhwPin(PiPin):  # type: ignore[misc]
    """One GPIO line, held by a linuxhw line request (consumer "gpiozero") from first use until the
    factory closes; ``close()`` returns it to a floating input, as gpiozero's other factories do."""

    def __init__(self, factory: LinuxhwFactory, info: Any) -> None:
        super().__init__(factory, info)
        self._offset = factory.offsets[info.name]
        self._function = "input"
        self._pull = "floating"
        self._bounce: float | None = None
        self._edges = "both"
        self._output = 0
        self._lock = threading.RLock()
        self._request: gpio.LineRequest | None = None
        self._watcher: threading.Thread | None = None
        self._wake: tuple[int, int] | None = None
        self._pwm: SoftwarePwm | None = None
        self._apply()

    # -- the line request -----------------------------------------------------------------------------

    def _settings(self) -> LineSettings:
        if self._function == "output":
            return LineSettings(direction=Direction.OUTPUT, output_value=self._output)
        watching = self._watcher is not None
        return LineSettings(direction=Direction.INPUT, bias=_BIAS[self._pull],
                            edge=_EDGES[self._edges] if watching else Edge.NONE,
                            debounce_period=self._bounce or 0.0)  # fmt: skip

    def _apply(self) -> None:
        """Request the line, or reconfigure it, to the pin's settings."""
        with self._lock:
            settings = self._settings()
            if self._request is None:
                self._request = self.factory.chip.request_lines({self._offset: settings}, consumer=CONSUMER)
            elif self._function == "output":
                self._request.reconfigure({self._offset: settings}, output_values={self._offset: self._output})
            else:
                self._request.reconfigure({self._offset: settings})

    def _release(self) -> None:
        self._stop_pwm()
        self._stop_watching()
        if self._request is not None:
            self._request.close()
            self._request = None

    def close(self) -> None:
        self._stop_pwm()
        self.when_changed = None
        self._function, self._pull, self._bounce, self._edges = "input", "floating", None, "both"
        if self._request is not None:
            self._apply()

    # -- function, state, pull ------------------------------------------------------------------------

    def _get_function(self) -> str:
        return self._function

    def _set_function(self, value: str) -> None:
        if value not in ("input", "output"):
            raise PinInvalidFunction(f'invalid function "{value}" for pin {self!r}')
        self._stop_pwm()
        self._function = value
        self._output = 0
        self._apply()

    def output_with_state(self, state: Any) -> None:
        self._stop_pwm()
        self._function = "output"
        self._output = int(bool(state))
        self._apply()

    def input_with_pull(self, pull: str) -> None:
        if pull not in _BIAS:
            raise PinInvalidPull(f'invalid pull "{pull}" for pin {self!r}')
        self._function, self._pull = "input", pull
        self._stop_pwm()
        self._apply()

    def _get_state(self) -> Any:
        if self._pwm is not None:
            return self._pwm.duty
        self._apply_if_released()
        assert self._request is not None
        return self._request.get_value(self._offset)

    def _set_state(self, value: Any) -> None:
        if self._pwm is not None:
            if not 0 <= value <= 1:
                raise PinInvalidState(f'invalid state "{value}" for pin {self!r}: a duty cycle is 0..1')
            self._pwm.duty = value
            return
        if self._function == "input":
            raise PinSetInput(f"cannot set state of pin {self!r}")
        self._drive(int(bool(value)))

    def _drive(self, value: int) -> None:
        with self._lock:
            self._output = value
            assert self._request is not None
            self._request.set_value(self._offset, value)

    def _apply_if_released(self) -> None:
        if self._request is None:
            self._apply()

    def _get_pull(self) -> str:
        return self._pull

    def _set_pull(self, value: str) -> None:
        if self._function != "input":
            raise PinFixedPull(f"cannot set pull on non-input pin {self!r}")
        if value not in _BIAS:
            raise PinInvalidPull(f'invalid pull "{value}" for pin {self!r}')
        self._pull = value
        self._apply()

    # -- PWM (software) -------------------------------------------------------------------------------

    def _get_frequency(self) -> float | None:
        return self._pwm.frequency if self._pwm is not None else None

    def _set_frequency(self, value: float | None) -> None:
        if value is None or value == 0:
            self._stop_pwm()
            return
        if value < 0:
            raise PinInvalidState(f"PWM frequency must be positive, not {value}")
        if self._pwm is None:
            if self._function != "output":
                raise PinPWMFixedValue(f"cannot start PWM on pin {self!r}")
            self._pwm = SoftwarePwm(self._drive, value, f"gpiozero {self._info.name}")
        else:
            self._pwm.frequency = value

    def _stop_pwm(self) -> None:
        pwm, self._pwm = self._pwm, None
        if pwm is not None:
            pwm.stop()

    # -- edges ----------------------------------------------------------------------------------------

    def _get_bounce(self) -> float | None:
        return self._bounce

    def _set_bounce(self, value: float | None) -> None:
        if value is not None and value < 0:
            raise PinInvalidBounce("bounce must be 0 or greater")
        self._bounce = value or None
        if self._function == "input":
            self._apply()  # the kernel debounces

    def _get_edges(self) -> str:
        return self._edges

    def _set_edges(self, value: str) -> None:
        if value not in _EDGES:
            raise PinInvalidEdges(f'invalid edge specification "{value}" for pin {self!r}')
        self._edges = value
        if self._function == "input":
            self._apply()

    def _enable_event_detect(self) -> None:
        self._wake = os.pipe()
        self._watcher = threading.Thread(target=self._watch, args=(self._wake[0],), daemon=True,
                                         name=f"gpiozero {self._info.name} edges")  # fmt: skip
        if self._function == "input":
            self._apply()  # edges on, before the thread waits for them
        self._watcher.start()

    def _disable_event_detect(self) -> None:
        self._stop_watching()
        if self._function == "input" and self._request is not None:
            self._apply()

    def _stop_watching(self) -> None:
        watcher, wake = self._watcher, self._wake
        self._watcher = self._wake = None
        if watcher is None or wake is None:
            return
        os.write(wake[1], b"x")
        if watcher is not threading.current_thread():
            watcher.join()
        os.close(wake[1])

    def _watch(self, wake: int) -> None:
        """Deliver the kernel's edge events to when_changed, with their timestamps as ticks."""
        request = self._request
        try:
            while request is not None:
                readable, _, _ = select.select([request.fileno(), wake], [], [])
                if wake in readable:
                    return
                for event in request.read_edge_events(timeout=0):
                    self._call_when_changed(event.timestamp_ns / 1e9, int(event.type is EdgeType.RISING))
        finally:
            os.close(wake)


class LinuxhwHardwareSPI(SPI):  # type: ignore[misc]
    """gpiozero's hardware SPI interface over ``/dev/spidev<port>.<device>`` (a :class:`linuxhw.spi.Device`)."""

    def __init__(self, clock_pin: str, mosi_pin: str | None, miso_pin: str | None, select_pin: str,
                 pin_factory: LinuxhwFactory) -> None:  # fmt: skip
        self._port, self._device_number = spi_port_device(clock_pin, mosi_pin, miso_pin, select_pin)
        self._device: spi.Device | None = None
        super().__init__(pin_factory=pin_factory)
        pins = {clock_pin, select_pin} | {pin for pin in (mosi_pin, miso_pin) if pin is not None}
        self.pin_factory.reserve_pins(self, *pins)
        try:
            self._device = spi.Device((self._port, self._device_number), max_speed_hz=500_000)
        except BaseException:
            self.pin_factory.release_all(self)
            raise

    def _conflicts_with(self, other: object) -> bool:
        return not (isinstance(other, LinuxhwHardwareSPI) and
                    (self._port, self._device_number) != (other._port, other._device_number))  # fmt: skip

    def close(self) -> None:
        if self._device is not None:
            self._device.close()
            self._device = None
        self.pin_factory.release_all(self)
        super().close()

    @property
    def closed(self) -> bool:
        return self._device is None

    def __repr__(self) -> str:
        if self._device is None:
            return "SPI(closed)"
        return f"SPI(port={self._port:d}, device={self._device_number:d})"

    def _open(self) -> spi.Device:
        if self._device is None:
            raise DeviceClosed("the SPI interface is closed")
        return self._device

    def _get_clock_mode(self) -> int:
        return self._open().mode.clock_mode

    def _set_clock_mode(self, value: int) -> None:
        if not 0 <= value < 4:
            raise SPIInvalidClockMode(f"{value} is not a valid SPI clock mode")
        device = self._open()
        device.mode = spi.Mode((int(device.mode) & ~3) | value)

    def _flag(self, flag: spi.Mode) -> bool:
        return flag in self._open().mode

    def _set_flag(self, flag: spi.Mode, value: bool) -> None:
        device = self._open()
        device.mode = device.mode | flag if value else device.mode & ~flag

    def _get_lsb_first(self) -> bool:
        return self._flag(spi.Mode.LSB_FIRST)

    def _set_lsb_first(self, value: bool) -> None:
        self._set_flag(spi.Mode.LSB_FIRST, bool(value))

    def _get_select_high(self) -> bool:
        return self._flag(spi.Mode.CS_HIGH)

    def _set_select_high(self, value: bool) -> None:
        self._set_flag(spi.Mode.CS_HIGH, bool(value))

    def _get_bits_per_word(self) -> int:
        return self._open().bits_per_word

    def _set_bits_per_word(self, value: int) -> None:
        self._open().bits_per_word = int(value)

    def _get_rate(self) -> int:
        return self._open().max_speed_hz

    def _set_rate(self, value: float) -> None:
        self._open().max_speed_hz = int(value)

    def read(self, n: int) -> list[int]:
        return list(self._open().read(n))

    def write(self, data: Any) -> int:
        self._open().write(bytes(data))
        return len(data)

    def transfer(self, data: Any) -> list[int]:
        return list(self._open().transfer(bytes(data)))


class LinuxhwHardwareSPIShared(SharedMixin, LinuxhwHardwareSPI):  # type: ignore[misc]
    """Hardware SPI shared by every device on the same clock and select pins."""

    @classmethod
    def _shared_key(cls, clock_pin: str, mosi_pin: str, miso_pin: str, select_pin: str, pin_factory: object) -> Any:
        return (clock_pin, select_pin)


class LinuxhwSoftwareSPIShared(SharedMixin, SPISoftware):  # type: ignore[misc]
    """Bit-banged SPI shared by every device on the same clock and select pins."""

    @classmethod
    def _shared_key(cls, clock_pin: str, mosi_pin: str, miso_pin: str, select_pin: str, pin_factory: object) -> Any:
        return (clock_pin, select_pin)
