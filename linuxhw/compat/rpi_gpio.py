"""RPi.GPIO over linuxhw: code written for ``import RPi.GPIO as GPIO`` (0.7.1) runs as it is.

The whole public API of RPi.GPIO 0.7.1 — ``setmode``/``getmode``, ``setup``/``input``/``output``/
``cleanup`` (single channels, lists and tuples), ``add_event_detect``/``add_event_callback``/
``remove_event_detect``/``event_detected``/``wait_for_edge``, the software ``PWM`` class,
``gpio_function``, ``setwarnings``, ``RPI_INFO``/``RPI_REVISION``/``VERSION`` and the constants —
with the arguments it takes, the exceptions it raises (RuntimeError or ValueError, word for word)
and the warnings it gives. ``linuxhw run`` makes a script's ``import RPi.GPIO`` resolve here.

On a board linuxhw.boards knows (``$LINUXHW_BOARD``, else the device tree), BOARD channel ``n`` is
physical pin ``n`` of its header and BCM channel ``n`` the SoC's GPIO ``n`` (``pinctrl-bcm2711``'s
line ``n`` on a Pi 4, ``pinctrl-rp1``'s on a Pi 5); on any other board BCM ``n`` is the line named
``GPIO<n>`` of the chip with the most such lines (the mock demo board, a gpio-sim bank named so).
``RPI_INFO`` comes from the board's revision code, else from what linuxhw.boards knows of it.
Each channel set up holds one line request (consumer ``RPi.GPIO``) until ``cleanup()``, which
returns it to an input without pull, as RPi.GPIO does.

Edges are the kernel's edge events, read by one thread for every channel (callbacks run one at a
time, as RPi.GPIO's do); ``bouncetime`` is RPi.GPIO's own: edges less than that many ms after the
last one taken are ignored, timed by the kernel's timestamps. PWM is in software (a thread per
channel). What differs from RPi.GPIO, and why, is in the README ("Coming from RPi.GPIO").
"""

from __future__ import annotations

import operator
import sys
import threading
import time
import traceback
import warnings
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, Callable, Union

from linuxhw import boards
from linuxhw._kernel import get_backend
from linuxhw.compat._rpi_edges import BOTH, FALLING, RISING, Detection, EdgeThread, Waiter
from linuxhw.compat._rpi_info import InfoValue, board_info
from linuxhw.compat._rpi_pins import Header, Line
from linuxhw.compat._soft_pwm import SoftwarePwm
from linuxhw.errors import DeviceError
from linuxhw.gpio import Bias, Direction, Edge, EdgeEvent, LineRequest, LineSettings

__all__ = [  # noqa: F822 - RPI_INFO and RPI_REVISION come from __getattr__
    "BCM", "BOARD", "BOTH", "FALLING", "HARD_PWM", "HIGH", "I2C", "IN", "LOW", "OUT", "PUD_DOWN", "PUD_OFF",
    "PUD_UP", "PWM", "RISING", "RPI_INFO", "RPI_REVISION", "SERIAL", "SPI", "UNKNOWN", "VERSION",
    "add_event_callback", "add_event_detect", "cleanup", "event_detected", "getmode", "gpio_function", "input",
    "output", "remove_event_detect", "setmode", "setup", "setwarnings", "wait_for_edge",
]  # fmt: skip

VERSION = "0.7.1"  # the RPi.GPIO this face answers for

UNKNOWN = -1
BOARD = 10
BCM = 11
OUT = 0
IN = 1
LOW = 0
HIGH = 1
PUD_OFF = 20
PUD_DOWN = 21
PUD_UP = 22
SERIAL = 40
SPI = 41
I2C = 42
HARD_PWM = 43

CONSUMER = "RPi.GPIO"
EVENT_BUFFER = 1024  # edge events the kernel keeps per channel (its maximum) while callbacks run
Channels = Union[int, "list[int]", "tuple[int, ...]"]
Values = Union[int, "list[int]", "tuple[int, ...]"]

# RPi.GPIO's messages, word for word
MODE_UNSET = "Please set pin numbering mode using GPIO.setmode(GPIO.BOARD) or GPIO.setmode(GPIO.BCM)"
CHANNELS_TYPE = "Channel must be an integer or list/tuple of integers"
CHANNEL_TYPE = "Channel must be an integer"
NOT_SET_UP = "You must setup() the GPIO channel first"
NOT_INPUT = "You must setup() the GPIO channel as an input first"
NOT_OUTPUT = "The GPIO channel has not been set up as an OUTPUT"
PWM_NOT_OUTPUT = "You must setup() the GPIO channel as an output first"
BAD_EDGE = "The edge must be set to RISING, FALLING or BOTH"
BAD_BOUNCETIME = "Bouncetime must be greater than 0"
ADD_CONFLICT = "Conflicting edge detection already enabled for this GPIO channel"
WAIT_CONFLICT = "Conflicting edge detection events already exist for this GPIO channel"
IN_USE = "This channel is already in use, continuing anyway.  Use GPIO.setwarnings(False) to disable warnings."
PULL_UP_FITTED = "A physical pull up resistor is fitted on this channel!"
NOTHING_TO_CLEAN = (
    "No channels have been set up yet - nothing to clean up!  Try cleaning up at the end of your program instead!"
)

_BIAS = {PUD_OFF: Bias.DISABLED, PUD_DOWN: Bias.PULL_DOWN, PUD_UP: Bias.PULL_UP}
_EDGES = {RISING: Edge.RISING, FALLING: Edge.FALLING, BOTH: Edge.BOTH}


def _int(value: object) -> int:
    """An int argument as RPi.GPIO's C code parses one: ints and bools; TypeError for floats, strs..."""
    return operator.index(value)  # type: ignore[arg-type]


def _optional_int(value: object, unset: int) -> int | None:
    """An optional int argument: None or RPi.GPIO's own "not given" value mean not given."""
    if value is None:
        return None
    number = _int(value)
    return None if number == unset else number


def _real(value: object) -> float:
    """A float argument as RPi.GPIO parses one: any real number; TypeError for strs and the like."""
    if not isinstance(value, (str, bytes, bytearray)):
        try:
            return float(value)  # type: ignore[arg-type]
        except TypeError:
            pass
    raise TypeError(f"must be real number, not {type(value).__name__}")


def _items(channels: object) -> list[object]:
    """A channel argument as a list: an int, or the items of a list or tuple."""
    if isinstance(channels, int):
        return [channels]
    if isinstance(channels, (list, tuple)):
        return list(channels)
    raise ValueError(CHANNELS_TYPE)


def _channel_item(item: object) -> int:
    if not isinstance(item, int):
        raise ValueError(CHANNEL_TYPE)
    return item


def _warn(message: str) -> None:
    """A RuntimeWarning (the category of RPi.GPIO's warnings) on the caller's line of the face."""
    level, frame = 1, sys._getframe(0)
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith("linuxhw.compat"):
        frame = frame.f_back
        level += 1
    warnings.warn(message, RuntimeWarning, stacklevel=level)


def _print_exception(exc: Exception) -> None:
    """Print a callback's exception with its traceback on stderr, as RPi.GPIO's PyErr_Print() does.
    Python 3.11's traceback printing parses source lines with ast, which is not thread-safe there
    (CPython gh-106905): where it fails, the exception is printed without its traceback."""
    try:
        traceback.print_exception(type(exc), exc, exc.__traceback__)
    except Exception:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)


@contextmanager
def _kernel_errors() -> Iterator[None]:
    """The kernel's refusals as RuntimeError, the exception RPi.GPIO raises for what the system refuses."""
    try:
        yield
    except DeviceError as exc:
        raise RuntimeError(str(exc)) from exc


class _Channel:
    """A channel set up by this process: its line request, direction and pull."""

    __slots__ = ("direction", "line", "pull", "request")

    def __init__(self, line: Line, request: LineRequest, direction: int, pull: int) -> None:
        self.line, self.request, self.direction, self.pull = line, request, direction, pull


class _Gpio:
    """The module's state (RPi.GPIO keeps it in C globals): numbering mode, channels, edge records."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.mode = UNKNOWN
        self.warnings = True
        self.touched = False  # setup() or gpio_function() ran (RPi.GPIO's module_setup): cleanup() resets the mode
        self._header: Header | None = None
        self._info: dict[str, InfoValue] = {}
        self.channels: dict[Line, _Channel] = {}
        self.detections: dict[Line, Detection] = {}
        self._edges: EdgeThread | None = None
        self.pwms: weakref.WeakValueDictionary[Line, PWM] = weakref.WeakValueDictionary()

    # -- board and channels -----------------------------------------------------------------------

    def info(self) -> dict[str, InfoValue]:
        """RPI_INFO of the board in use (kept while channels are in use: a setup() looks at it)."""
        if self._header is not None:
            return self._info
        backend = get_backend()
        try:
            board = boards.current(backend)
        except LookupError as exc:  # a $LINUXHW_BOARD linuxhw does not know
            raise RuntimeError(str(exc)) from None
        return board_info(backend, board)

    def header(self) -> Header:
        if self._header is None:
            header = Header()
            self._info = board_info(header.backend, header.board)
            self._header = header
        return self._header

    def resolve(self, channel: int) -> Line:
        """The line of a channel in the current numbering mode."""
        if self.mode == BCM:
            return self.header().bcm(channel)
        if self.mode == BOARD:
            return self.header().board_pin(channel)
        raise RuntimeError(MODE_UNSET)

    def check_board_numbering(self) -> None:
        """RuntimeError where BOARD numbers mean nothing: a Compute Module (as RPi.GPIO), a board without
        a header linuxhw knows."""
        header = self.header()
        board = header.board
        if self._info["P1_REVISION"] == 0 and board is not None and board.id.startswith("raspberrypi"):
            raise RuntimeError("BOARD numbering system not applicable on compute module")
        if board is None or board.main_header is None:
            known = ", ".join(b.id for b in boards.known() if b.main_header is not None)
            raise RuntimeError(
                f"BOARD numbering needs a board whose header linuxhw knows: set LINUXHW_BOARD to {known}"
            )

    def _pulled_up(self, line: Line) -> bool:
        """Whether the board has a physical pull-up on the line (I2C1's SDA/SCL; I2C0's on a P1 rev 1)."""
        p1_revision = self.info()["P1_REVISION"]
        pins = {0, 1, 2, 3} if p1_revision == 1 else {2, 3}
        return p1_revision != 0 and line.bcm in pins

    # -- setup ------------------------------------------------------------------------------------

    def setup_one(self, channel: int, direction: int, pull: int, initial: int | None) -> None:
        line = self.resolve(channel)
        known = self.channels.get(line)
        if self.warnings:
            if known is None and self._in_use(line):
                _warn(IN_USE)
            if pull in (PUD_UP, PUD_DOWN) and self._pulled_up(line):
                _warn(PULL_UP_FITTED)
        level = initial if initial in (LOW, HIGH) else None  # RPi.GPIO ignores other initial values
        with _kernel_errors():
            if known is None:
                self.channels[line] = self._request(line, direction, pull, level)
            else:
                self._reconfigure(known, direction, pull, level)

    def _in_use(self, line: Line) -> bool:
        """RPi.GPIO's "already in use": an output this program did not set up (left so by another)."""
        with _kernel_errors():
            return self.header().function(line) == OUT

    def _input_settings(self, line: Line, pull: int) -> LineSettings:
        detection = self.detections.get(line)
        edge = _EDGES[detection.edge] if detection is not None and detection.listening else Edge.NONE
        return LineSettings(direction=Direction.INPUT, bias=_BIAS[pull], edge=edge)

    def _request(self, line: Line, direction: int, pull: int, level: int | None) -> _Channel:
        chip = self.header().chip(line)
        if direction == IN:
            settings = self._input_settings(line, pull)
        elif level is not None:
            settings = LineSettings(direction=Direction.OUTPUT, output_value=level)
        else:
            settings = LineSettings()  # as it is, to drive on with the level the line has now
        request = chip.request_lines({line.offset: settings}, consumer=CONSUMER, event_buffer_size=EVENT_BUFFER)
        channel = _Channel(line, request, direction, pull)
        if direction == OUT and level is None:
            try:
                self._reconfigure(channel, OUT, pull, None, was_input=True)
            except BaseException:
                request.close()
                raise
        return channel

    def _reconfigure(
        self, channel: _Channel, direction: int, pull: int, level: int | None, was_input: bool = False
    ) -> None:
        line, request = channel.line, channel.request
        if direction == IN:
            request.reconfigure({line.offset: self._input_settings(line, pull)})
        else:
            self.drop_detection(line)  # an output has no edges
            if level is None and (was_input or channel.direction == IN):
                level = request.get_value(line.offset)  # drive on with the level it has: no glitch
            values = None if level is None else {line.offset: level}
            request.reconfigure({line.offset: LineSettings(direction=Direction.OUTPUT)}, output_values=values)
        channel.direction, channel.pull = direction, pull

    def set_up(self, line: Line, direction: int) -> _Channel:
        """The channel of a line set up in ``direction`` (IN accepts none), else RuntimeError."""
        channel = self.channels.get(line)
        if channel is None or channel.direction != direction:
            raise RuntimeError(NOT_INPUT if direction == IN else NOT_OUTPUT)
        return channel

    def drive(self, line: Line, level: int) -> None:
        """A PWM thread's write: like RPi.GPIO's into the output latch, it only shows while the channel
        is an output of this process."""
        channel = self.channels.get(line)
        if channel is not None and channel.direction == OUT:
            with suppress(ValueError, OSError):  # made an input or cleaned up meanwhile
                channel.request.set_value(line.offset, level)

    # -- edges ------------------------------------------------------------------------------------

    def listen(self, line: Line) -> None:
        """Have the kernel report the line's edges while anything takes them, and the thread read them."""
        channel = self.channels[line]
        with _kernel_errors():
            channel.request.reconfigure({line.offset: self._input_settings(line, channel.pull)})
        self._update_edges()

    def _update_edges(self) -> None:
        sources = [(self.channels[line].request, detection) for line, detection in self.detections.items()
                   if detection.listening and line in self.channels]  # fmt: skip
        if self._edges is not None and not self._edges.alive:
            self._edges = None  # an error it printed ended it: a new one takes over
        if sources and self._edges is None:
            self._edges = EdgeThread(self.deliver)
        if self._edges is not None:
            self._edges.update(sources)

    def drop_detection(self, line: Line, reconfigure: bool = True) -> None:
        """End a channel's edge detection record: the edges before it ended still run their callbacks
        (those before a callback that ends it, on the edge thread), waits in progress return None;
        ``reconfigure``: the kernel stops reporting its edges."""
        detection = self.detections.pop(line, None)
        if detection is None:
            return
        detection.end(0 if self._edges is not None and self._edges.on_thread() else time.monotonic_ns())
        channel = self.channels.get(line)
        if reconfigure and channel is not None and channel.direction == IN:
            with _kernel_errors():
                channel.request.reconfigure({line.offset: self._input_settings(line, channel.pull)})
        self._update_edges()

    def deliver(self, detection: Detection, events: list[EdgeEvent]) -> None:
        """The edge thread's events of one channel: taken or not, flagged, then each callback in turn."""
        for event in events:
            with self.lock:
                if not detection.take(event):
                    continue
                callbacks = list(detection.callbacks)
            for callback in callbacks:
                try:
                    callback(detection.channel)
                except Exception as exc:  # printed, and the next callback runs: as RPi.GPIO does
                    _print_exception(exc)

    def settle_edges(self) -> None:
        """Outside the lock, after detections ended: wait until the edge thread delivered their edges
        and polls only the requests still watched (which others may then be closed)."""
        if self._edges is not None:
            self._edges.settle()

    # -- cleanup ----------------------------------------------------------------------------------

    def release(self, line: Line) -> LineRequest | None:
        """Forget a channel: back to an input without pull or edges, its request returned to be closed.
        Where the kernel refuses that (its chip went away), the line is released all the same."""
        self.drop_detection(line, reconfigure=False)
        channel = self.channels.pop(line, None)
        if channel is None:
            return None
        with suppress(DeviceError):
            channel.request.reconfigure({line.offset: LineSettings(direction=Direction.INPUT, bias=Bias.DISABLED)})
        return channel.request

    def close_all(self) -> tuple[list[LineRequest], EdgeThread | None, Header | None]:
        """Forget every channel and the board, and the numbering mode once anything was set up (as
        RPi.GPIO); what is left to close outside the lock."""
        requests = [request for request in map(self.release, list(self.channels)) if request is not None]
        if self.touched:
            self.mode = UNKNOWN
        edges, header = self._edges, self._header
        self._edges = self._header = None
        return requests, edges, header


_gpio = _Gpio()


def __getattr__(name: str) -> Any:
    """RPI_INFO and RPI_REVISION describe the board in use when they are read (the mock's, a test's)."""
    if name == "RPI_INFO":
        return _gpio.info()
    if name == "RPI_REVISION":
        return _gpio.info()["P1_REVISION"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- numbering ------------------------------------------------------------------------------------


def setmode(mode: int, /) -> None:
    """Set the pin numbering: BOARD (physical pins of the header) or BCM (the SoC's GPIO numbers)."""
    mode = _int(mode)
    with _gpio.lock:
        if _gpio.mode not in (UNKNOWN, mode):
            raise ValueError("A different mode has already been set!")
        if mode not in (BOARD, BCM):
            raise ValueError("An invalid mode was passed to setmode()")
        if mode == BOARD:
            _gpio.check_board_numbering()
        _gpio.mode = mode


def getmode() -> int | None:
    """The numbering mode: BOARD, BCM or None."""
    return None if _gpio.mode == UNKNOWN else _gpio.mode


def setwarnings(state: int, /) -> None:
    """Enable or disable RPi.GPIO's warnings."""
    _gpio.warnings = bool(_int(state))


# -- setup, input, output -------------------------------------------------------------------------


def setup(channel: Channels, direction: int, pull_up_down: int = PUD_OFF, initial: int | None = None) -> None:
    """Set up a channel, or a list or tuple of them, as IN (with PUD_OFF, PUD_UP or PUD_DOWN) or OUT
    (starting at ``initial``, else at the level the line has)."""
    direction = _int(direction)
    pull = PUD_OFF if pull_up_down is None else _int(pull_up_down)
    start = _optional_int(initial, -1)
    items = _items(channel)
    with _gpio.lock:
        _gpio.touched = True
        if direction not in (IN, OUT):
            raise ValueError("An invalid direction was passed to setup()")
        if direction == OUT and pull != PUD_OFF:
            raise ValueError("pull_up_down parameter is not valid for outputs")
        if direction == IN and start is not None:
            raise ValueError("initial parameter is not valid for inputs")
        if pull not in _BIAS:
            raise ValueError("Invalid value for pull_up_down - should be either PUD_OFF, PUD_UP or PUD_DOWN")
        for item in items:
            _gpio.setup_one(_channel_item(item), direction, pull, start)


def input(channel: int, /) -> int:
    """The level of a channel set up as an input or an output: HIGH (1) or LOW (0)."""
    channel = _int(channel)
    with _gpio.lock:
        known = _gpio.channels.get(_gpio.resolve(channel))
        if known is None:
            raise RuntimeError(NOT_SET_UP)
        with _kernel_errors():
            return HIGH if known.request.get_value(known.line.offset) else LOW


def output(channel: Channels, value: Values, /) -> None:
    """Drive output channels: one channel or a list/tuple of them, to one value or one each."""
    channels = _items(channel)
    if isinstance(value, int):
        values: list[object] | None = None
    elif isinstance(value, (list, tuple)):
        values = list(value)
    else:
        raise ValueError("Value must be an integer/boolean or a list/tuple of integers/booleans")
    single = isinstance(channel, int)
    if (single and values is not None) or (values is not None and len(values) != len(channels)):
        raise RuntimeError("Number of channels != number of values")
    with _gpio.lock:
        for i, item in enumerate(channels):
            line = _gpio.resolve(_channel_item(item))
            level = value if values is None else values[i]
            if not isinstance(level, int):
                raise ValueError("Value must be an integer or boolean")
            known = _gpio.set_up(line, OUT)
            with _kernel_errors():
                known.request.set_value(line.offset, HIGH if level else LOW)


def gpio_function(channel: int, /) -> int:
    """Which way a channel goes now: IN or OUT (never SERIAL, SPI, I2C or HARD_PWM: the kernel's
    character device does not tell a pin's function)."""
    channel = _int(channel)
    with _gpio.lock:
        _gpio.touched = True
        line = _gpio.resolve(channel)
        known = _gpio.channels.get(line)
        if known is not None:
            return known.direction
        with _kernel_errors():
            return _gpio.header().function(line)


def cleanup(channel: Channels | None = None) -> None:
    """Return the channels this program set up (all, one, or a list/tuple) to inputs without pull or
    edge detection, releasing their lines; cleaning up everything also forgets the numbering mode."""
    items = None if channel is None else _items(channel)
    requests: list[LineRequest] = []
    edges: EdgeThread | None = None
    header: Header | None = None
    try:
        with _gpio.lock:
            found = bool(_gpio.channels)
            if items is None:
                requests, edges, header = _gpio.close_all()
            elif _gpio.touched:  # before, RPi.GPIO looks at no channel
                found = False
                for item in items:
                    line = _gpio.resolve(_channel_item(item))
                    request = _gpio.release(line)
                    if request is not None:
                        requests.append(request)
                        found = True
            if not found and _gpio.warnings:
                _warn(NOTHING_TO_CLEAN)
    finally:  # the edge thread lets go of the requests before they close
        if edges is not None:
            edges.stop()
        else:
            _gpio.settle_edges()
        for request in requests:
            request.close()
        if header is not None:
            header.close()


# -- edge detection -------------------------------------------------------------------------------


def _edge_arguments(channel: object, edge: object, bouncetime: object) -> tuple[int, Line, int, int | None]:
    """The checks add_event_detect() and wait_for_edge() share, in RPi.GPIO's order."""
    channel, edge = _int(channel), _int(edge)
    bounce = _optional_int(bouncetime, -666)
    line = _gpio.resolve(channel)
    _gpio.set_up(line, IN)
    if edge not in _EDGES:
        raise ValueError(BAD_EDGE)
    if bounce is not None and bounce <= 0:
        raise ValueError(BAD_BOUNCETIME)
    return channel, line, edge, bounce


def add_event_detect(
    gpio: int, edge: int, callback: Callable[[int], object] | None = None, bouncetime: int | None = None
) -> None:
    """Watch an input for RISING, FALLING or BOTH edges, in the background: event_detected() tells
    of them, and ``callback(channel)`` runs for each (edges within ``bouncetime`` ms of the last one
    taken are ignored)."""
    if callback is not None and not callable(callback):
        raise TypeError("Parameter must be callable")
    with _gpio.lock:
        channel, line, edge, bounce = _edge_arguments(gpio, edge, bouncetime)
        detection = _gpio.detections.get(line)
        if detection is None:
            detection = _gpio.detections[line] = Detection(channel, edge, bounce)
        elif detection.edge != edge or detection.watched or (bounce is not None and detection.bouncetime != bounce):
            raise RuntimeError(ADD_CONFLICT)
        detection.watched = True
        _gpio.listen(line)
        if callback is not None:
            detection.callbacks.append(callback)


def add_event_callback(gpio: int, callback: Callable[[int], object]) -> None:
    """Add another callback to an input watched by add_event_detect()."""
    if not callable(callback):
        raise TypeError("Parameter must be callable")
    channel = _int(gpio)
    with _gpio.lock:
        line = _gpio.resolve(channel)
        _gpio.set_up(line, IN)
        detection = _gpio.detections.get(line)
        if detection is None:
            raise RuntimeError("Add event detection using add_event_detect first before adding a callback")
        detection.callbacks.append(callback)


def remove_event_detect(gpio: int, /) -> None:
    """Stop watching a channel's edges and drop its callbacks."""
    channel = _int(gpio)
    with _gpio.lock:
        _gpio.drop_detection(_gpio.resolve(channel))
    _gpio.settle_edges()  # the edges before it have had their callbacks


def event_detected(channel: int, /) -> bool:
    """Whether a watched edge happened on the channel since the last call."""
    channel = _int(channel)
    with _gpio.lock:
        detection = _gpio.detections.get(_gpio.resolve(channel))
        if detection is None or not detection.detected:
            return False
        detection.detected = False
        return True


def wait_for_edge(channel: int, edge: int, bouncetime: int | None = None, timeout: int | None = None) -> int | None:
    """Block until a RISING, FALLING or BOTH edge on an input: the channel, or None after ``timeout``
    ms. Not while callbacks watch the channel."""
    wait_ms = _optional_int(timeout, -1)
    with _gpio.lock:
        channel, line, edge, bounce = _edge_arguments(channel, edge, bouncetime)
        if wait_ms is not None and wait_ms <= 0:
            raise ValueError("Timeout must be greater than 0")
        detection = _gpio.detections.get(line)
        if detection is not None and detection.callbacks:
            raise RuntimeError(WAIT_CONFLICT)
        if detection is None:
            detection = _gpio.detections[line] = Detection(channel, edge, bounce)
        elif detection.edge == edge:
            if detection.bouncetime is not None and detection.bouncetime != bounce:
                raise RuntimeError(WAIT_CONFLICT)
        else:  # as RPi.GPIO: the record takes the new edge and bouncetime
            detection.edge, detection.bouncetime = edge, bounce
        waiter = Waiter()
        detection.waiters.append(waiter)
        _gpio.listen(line)
    try:
        woken = waiter.woken.wait(None if wait_ms is None else wait_ms / 1000)
    finally:
        with _gpio.lock:
            detection.waiters.remove(waiter)
            if detection.ends_ns is None and line in _gpio.channels:
                _gpio.listen(line)  # the kernel stops reporting edges nobody takes
    return channel if woken and waiter.taken else None


# -- PWM ------------------------------------------------------------------------------------------


class PWM:
    """Software PWM on a channel set up as an output: ``start(dutycycle)`` (0.0 to 100.0 %),
    ``ChangeDutyCycle``, ``ChangeFrequency`` (Hz) and ``stop()``, which leaves it low."""

    def __init__(self, channel: int, frequency: float, /) -> None:
        channel, hertz = _int(channel), _real(frequency)
        self._running: SoftwarePwm | None = None
        with _gpio.lock:
            line = _gpio.resolve(channel)
            if line in _gpio.pwms:
                raise RuntimeError("A PWM object already exists for this GPIO channel")
            if line not in _gpio.channels or _gpio.channels[line].direction != OUT:
                raise RuntimeError(PWM_NOT_OUTPUT)
            if hertz <= 0.0:
                raise ValueError("frequency must be greater than 0.0")
            self._line, self._frequency, self._dutycycle = line, hertz, 0.0
            _gpio.pwms[line] = self

    def start(self, dutycycle: float, /) -> None:
        """Start driving the channel, high for ``dutycycle`` % of each period."""
        duty = _duty(dutycycle)
        with _gpio.lock:
            other = _gpio.pwms.get(self._line)
            if other is not None and other is not self:
                raise RuntimeError("A PWM object already exists for this GPIO channel")
            _gpio.pwms[self._line] = self
            self._dutycycle = duty
            if self._running is None:
                line = self._line
                self._running = SoftwarePwm(lambda level: _gpio.drive(line, level), self._frequency,
                                            f"RPi.GPIO {line.name}", duty / 100)  # fmt: skip
            else:
                self._running.duty = duty / 100

    def ChangeDutyCycle(self, dutycycle: float, /) -> None:
        """Change the duty cycle (0.0 to 100.0 %), at once if running."""
        self._dutycycle = _duty(dutycycle)
        if self._running is not None:
            self._running.duty = self._dutycycle / 100

    def ChangeFrequency(self, frequency: float, /) -> None:
        """Change the frequency (Hz)."""
        hertz = _real(frequency)
        if hertz <= 0.0:
            raise ValueError("frequency must be greater than 0.0")
        self._frequency = hertz
        if self._running is not None:
            self._running.frequency = hertz

    def stop(self) -> None:
        """Stop driving the channel and leave it low; another PWM object may then take the channel."""
        running, self._running = getattr(self, "_running", None), None
        if running is not None:
            running.stop()
        line = getattr(self, "_line", None)
        with _gpio.lock:
            if line is not None and _gpio.pwms.get(line) is self:
                del _gpio.pwms[line]

    def __del__(self) -> None:  # as RPi.GPIO's: a PWM object that goes stops
        self.stop()


def _duty(value: object) -> float:
    duty = _real(value)
    if not 0.0 <= duty <= 100.0:
        raise ValueError("dutycycle must have a value from 0.0 to 100.0")
    return duty
