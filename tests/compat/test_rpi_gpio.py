"""The RPi.GPIO face (linuxhw.compat.rpi_gpio) in BCM numbering, on a chip whose lines are named GPIO0..27:
a mock chip, and a gpio-sim bank in the kernel tier. What RPi.GPIO's own suite checks with a jumper is in
test_rpi_gpio_suite.py; this is the rest: the messages, the kernel's part (requests, edges, releases)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from linuxhw import gpio, mock
from linuxhw.compat import rpi_gpio
from linuxhw.gpio import Bias, Direction, Edge, LineSettings
from tests.conftest import GpioSimulator, SimChip
from tests.waiting import DEADLINE, child_process, read_line

NAMES = {i: f"GPIO{i}" for i in range(28)}
REPO = Path(__file__).resolve().parents[2]
IN_PIN, OUT_PIN = 23, 24  # BCM numbers: offsets on the chip
# On the mock board only (its parts drive lines at modelled times; its wires): the sim fixture's backend is "mock".
MOCK_ONLY = pytest.mark.parametrize("backend_name", ["mock"])
VALUES_TYPE = "Value must be an integer/boolean or a list/tuple of integers/booleans"


@pytest.fixture
def soc(sim: GpioSimulator) -> SimChip:
    """A header bank: 28 lines named GPIO0..GPIO27."""
    return sim.add_chip(28, names=NAMES)


@pytest.fixture
def GPIO(soc: SimChip, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The face, fresh for the test (see fresh_face)."""
    yield from fresh_face(monkeypatch)


def fresh_face(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The face with the state a fresh import has, for one test; after it, cleaned up, the PWM objects a
    failed test left running stopped, and no thread of the face left."""
    state = rpi_gpio._Gpio()
    monkeypatch.setattr(rpi_gpio, "_gpio", state)
    yield rpi_gpio
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rpi_gpio.cleanup()
    for pwm in list(state.pwms.values()):
        pwm.stop()
    assert [t.name for t in threading.enumerate() if t.name.startswith("RPi.GPIO")] == []


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def starting(message: str) -> str:
    return f"^{re.escape(message)}"


def line_info(soc: SimChip, offset: int) -> gpio.LineInfo:
    with gpio.Chip(soc.label) as chip:
        return chip.line_info(offset)


def wait_until(condition: object, what: str) -> None:
    """Poll a condition the face's edge thread makes true (callbacks run there, with no event to wait on)."""
    deadline = time.monotonic() + DEADLINE
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {DEADLINE} s")
        time.sleep(0.001)


def test_constants_match_rpi_gpio() -> None:
    names = "UNKNOWN BOARD BCM OUT IN LOW HIGH PUD_OFF PUD_DOWN PUD_UP RISING FALLING BOTH SERIAL SPI I2C HARD_PWM"
    values = {name: getattr(rpi_gpio, name) for name in names.split()}
    assert values == {"UNKNOWN": -1, "BOARD": 10, "BCM": 11, "OUT": 0, "IN": 1, "LOW": 0, "HIGH": 1, "PUD_OFF": 20,
                      "PUD_DOWN": 21, "PUD_UP": 22, "RISING": 31, "FALLING": 32, "BOTH": 33, "SERIAL": 40,
                      "SPI": 41, "I2C": 42, "HARD_PWM": 43}  # fmt: skip
    assert rpi_gpio.VERSION == "0.7.1"
    assert set(rpi_gpio.__all__) <= set(dir(rpi_gpio)) | {"RPI_INFO", "RPI_REVISION"}
    assert rpi_gpio.RPI_INFO["P1_REVISION"] == rpi_gpio.RPI_REVISION


def test_numbering_mode(GPIO: ModuleType) -> None:
    with pytest.raises(RuntimeError, match=starting("Please set pin numbering mode using GPIO.setmode(GPIO.BOARD) or")):
        GPIO.setup(IN_PIN, GPIO.IN)
    assert GPIO.getmode() is None
    with pytest.raises(ValueError, match=starting("An invalid mode was passed to setmode")):
        GPIO.setmode(666)
    with pytest.raises(TypeError):
        GPIO.setmode("BCM")
    GPIO.setmode(GPIO.BCM)
    GPIO.setmode(GPIO.BCM)  # the same again is fine
    with pytest.raises(ValueError, match=exactly("A different mode has already been set!")):
        GPIO.setmode(GPIO.BOARD)
    assert GPIO.getmode() == GPIO.BCM
    GPIO.setup(IN_PIN, GPIO.IN)
    GPIO.cleanup()
    assert GPIO.getmode() is None


def test_setup_refuses_what_rpi_gpio_refuses(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    cases = [
        ((IN_PIN, 7), ValueError, "An invalid direction was passed to setup()"),
        ((OUT_PIN, GPIO.OUT, GPIO.PUD_UP), ValueError, "pull_up_down parameter is not valid for outputs"),
        ((IN_PIN, GPIO.IN, GPIO.PUD_OFF, GPIO.LOW), ValueError, "initial parameter is not valid for inputs"),
        ((IN_PIN, GPIO.IN, GPIO.HIGH), ValueError,
         "Invalid value for pull_up_down - should be either PUD_OFF, PUD_UP or PUD_DOWN"),
        (("d", GPIO.OUT), ValueError, "Channel must be an integer or list/tuple of integers"),
        ((("d", OUT_PIN), GPIO.OUT), ValueError, "Channel must be an integer"),
        ((54, GPIO.OUT), ValueError, "The channel sent is invalid on a Raspberry Pi"),
        ((-1, GPIO.OUT), ValueError, "The channel sent is invalid on a Raspberry Pi"),
    ]  # fmt: skip
    for args, error, message in cases:
        with pytest.raises(error) as caught:
            GPIO.setup(*args)
        assert str(caught.value) == message, args
    with pytest.raises(
        ValueError, match=r"^The channel sent is invalid on a Raspberry Pi: .* has no line named GPIO40"
    ):
        GPIO.setup(40, GPIO.IN)  # a BCM number the board's chip does not have
    with pytest.raises(TypeError):
        GPIO.setup(IN_PIN, GPIO.IN, GPIO.PUD_UP, 1.5)
    assert [offset for offset in range(28) if line_info(soc, offset).used] == []  # refused before any request


def test_outputs_start_where_asked_and_read_back(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(OUT_PIN, GPIO.OUT, initial=GPIO.HIGH)
    assert (GPIO.input(OUT_PIN), soc.get_value(OUT_PIN)) == (GPIO.HIGH, 1)
    GPIO.output(OUT_PIN, GPIO.LOW)
    assert (GPIO.input(OUT_PIN), soc.get_value(OUT_PIN)) == (GPIO.LOW, 0)
    GPIO.output(OUT_PIN, True)
    assert soc.get_value(OUT_PIN) == 1
    GPIO.output(OUT_PIN, 2)  # any true int is HIGH, as in RPi.GPIO
    assert GPIO.input(OUT_PIN) == 1 and isinstance(GPIO.input(OUT_PIN), int)
    info = line_info(soc, OUT_PIN)
    assert (info.used, info.consumer, info.direction) == (True, "RPi.GPIO", Direction.OUTPUT)


def test_an_output_without_initial_keeps_the_level_the_line_has(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    soc.set_pull(OUT_PIN, 1)
    GPIO.setup(OUT_PIN, GPIO.IN)
    GPIO.setup(OUT_PIN, GPIO.OUT)  # input to output: no glitch to low
    assert soc.get_value(OUT_PIN) == 1
    soc.set_pull(IN_PIN, 1)
    GPIO.setup(IN_PIN, GPIO.OUT)  # not set up before: it too starts at the level it has
    assert soc.get_value(IN_PIN) == 1
    GPIO.output(IN_PIN, 0)
    GPIO.setup(IN_PIN, GPIO.OUT)  # output to output: stays as driven
    assert soc.get_value(IN_PIN) == 0


def test_inputs_read_the_line_and_take_pulls(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(IN_PIN, GPIO.IN, pull_up_down=GPIO.PUD_UP)
    assert GPIO.input(IN_PIN) == GPIO.HIGH
    assert line_info(soc, IN_PIN).bias is Bias.PULL_UP
    GPIO.setup(IN_PIN, GPIO.IN, pull_up_down=GPIO.PUD_DOWN)
    assert GPIO.input(IN_PIN) == GPIO.LOW
    GPIO.setup(IN_PIN, GPIO.IN)
    assert line_info(soc, IN_PIN).bias is Bias.DISABLED
    soc.set_pull(IN_PIN, 1)
    assert GPIO.input(IN_PIN) == GPIO.HIGH
    with pytest.raises(RuntimeError, match=exactly("You must setup() the GPIO channel first")):
        GPIO.input(OUT_PIN)
    with pytest.raises(RuntimeError, match=exactly("The GPIO channel has not been set up as an OUTPUT")):
        GPIO.output(IN_PIN, 1)
    with pytest.raises(TypeError):
        GPIO.input("23")


def test_lists_and_tuples_of_channels(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup([5, 6], GPIO.OUT, initial=GPIO.LOW)
    GPIO.setup((12, 13), GPIO.OUT)
    GPIO.setup([], GPIO.OUT)
    GPIO.output([5, 6], GPIO.HIGH)
    assert [soc.get_value(o) for o in (5, 6)] == [1, 1]
    GPIO.output((5, 6), (GPIO.LOW, GPIO.HIGH))
    assert [soc.get_value(o) for o in (5, 6)] == [0, 1]
    GPIO.output([12, 13, 5], [1, 1, 1])
    assert [soc.get_value(o) for o in (12, 13, 5)] == [1, 1, 1]
    mismatched = [([5, 6], [0, 0, 0]), ([5, 6], (0,)), (5, (0, 0)), ([5, 6], [])]
    for channels, values in mismatched:
        with pytest.raises(RuntimeError, match=exactly("Number of channels != number of values")):
            GPIO.output(channels, values)
    with pytest.raises(ValueError, match=exactly(VALUES_TYPE)):
        GPIO.output(5, 0.5)
    with pytest.raises(ValueError, match=exactly("Channel must be an integer")):
        GPIO.output([5, "x"], (0, 0))
    assert soc.get_value(5) == 0  # as RPi.GPIO: the channels before the bad one are driven
    with pytest.raises(ValueError, match=exactly("Value must be an integer or boolean")):
        GPIO.output([6, 5], (0, "x"))
    assert soc.get_value(6) == 0
    with pytest.raises(RuntimeError, match=exactly("The GPIO channel has not been set up as an OUTPUT")):
        GPIO.output([5, IN_PIN], (1, 1))
    with pytest.raises(ValueError, match=exactly("The channel sent is invalid on a Raspberry Pi")):
        GPIO.setup([7, 99], GPIO.OUT)
    assert GPIO.gpio_function(7) == GPIO.OUT  # set up before the bad channel was reached


def test_gpio_function_reads_the_lines(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    assert GPIO.gpio_function(OUT_PIN) == GPIO.IN  # nobody's line: as the kernel reports it
    GPIO.setup(OUT_PIN, GPIO.OUT)
    assert GPIO.gpio_function(OUT_PIN) == GPIO.OUT
    GPIO.setup(OUT_PIN, GPIO.IN)
    assert GPIO.gpio_function(OUT_PIN) == GPIO.IN
    with gpio.Chip(soc.label) as chip, chip.request_lines({IN_PIN: LineSettings(direction=Direction.OUTPUT)}):
        assert GPIO.gpio_function(IN_PIN) == GPIO.OUT  # another consumer's output


def test_a_line_left_as_an_output_warns_as_rpi_gpio_does(GPIO: ModuleType, soc: SimChip) -> None:
    with gpio.Chip(soc.label) as chip:
        chip.request_lines({OUT_PIN: LineSettings(direction=Direction.OUTPUT)}).close()  # an earlier program's
    GPIO.setmode(GPIO.BCM)
    with pytest.warns(RuntimeWarning) as caught:
        GPIO.setup(OUT_PIN, GPIO.OUT)
    assert [str(w.message) for w in caught] == [rpi_gpio.IN_USE]
    assert caught[0].filename == __file__  # the warning points at the script's line, as RPi.GPIO's
    GPIO.cleanup()
    GPIO.setmode(GPIO.BCM)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GPIO.setup(OUT_PIN, GPIO.OUT)  # cleanup() left it an input: nothing to warn of
        GPIO.cleanup()
        with gpio.Chip(soc.label) as chip:
            chip.request_lines({OUT_PIN: LineSettings(direction=Direction.OUTPUT)}).close()
        GPIO.setwarnings(False)
        GPIO.setmode(GPIO.BCM)
        GPIO.setup(OUT_PIN, GPIO.OUT)


def test_a_line_held_elsewhere_is_refused_naming_its_holder(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    chip = gpio.Chip(soc.label)
    with chip, chip.request_lines({OUT_PIN: None}, consumer="someone-else"), pytest.raises(RuntimeError) as caught:
        GPIO.setup(OUT_PIN, GPIO.OUT)
    assert "someone-else" in str(caught.value) and isinstance(caught.value.__cause__, OSError)
    GPIO.setup(OUT_PIN, GPIO.OUT)  # once it is free


def test_cleanup_returns_lines_to_unpulled_inputs_and_releases_them(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup([5, 6, 12], GPIO.OUT, initial=GPIO.HIGH)
    GPIO.setup(13, GPIO.IN, pull_up_down=GPIO.PUD_UP)
    GPIO.add_event_detect(13, GPIO.BOTH)
    GPIO.cleanup(5)
    GPIO.cleanup([6])
    GPIO.cleanup((12, 13))
    for offset in (5, 6, 12, 13):
        info = line_info(soc, offset)
        assert (info.used, info.direction) == (False, Direction.INPUT), offset
    assert GPIO.getmode() == GPIO.BCM  # a partial cleanup keeps the numbering mode
    GPIO.setup(5, GPIO.OUT)
    with pytest.raises(ValueError, match=exactly("Channel must be an integer or list/tuple of integers")):
        GPIO.cleanup("5")
    with pytest.raises(ValueError, match=exactly("Channel must be an integer")):
        GPIO.cleanup([5.0])
    GPIO.cleanup()
    assert GPIO.getmode() is None
    assert not line_info(soc, 5).used
    with pytest.warns(RuntimeWarning, match=starting("No channels have been set up yet - nothing to clean up!  Try")):
        GPIO.cleanup()


def test_cleanup_after_the_chip_went_away(GPIO: ModuleType, soc: SimChip, sim: GpioSimulator) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(OUT_PIN, GPIO.OUT)
    GPIO.setup(IN_PIN, GPIO.IN)
    GPIO.add_event_detect(IN_PIN, GPIO.BOTH)
    sim.remove(soc)
    with pytest.raises(RuntimeError, match=r"No such device") as caught:
        GPIO.output(OUT_PIN, GPIO.HIGH)
    assert isinstance(caught.value.__cause__, OSError)
    GPIO.cleanup()  # releases what it holds all the same, without an error of its own
    assert GPIO.getmode() is None


def test_cleanup_before_any_setup_only_warns(GPIO: ModuleType) -> None:
    with pytest.warns(RuntimeWarning, match=starting("No channels have been set up yet")):
        GPIO.cleanup(5)  # no numbering mode yet: RPi.GPIO looks at nothing before setup()
    GPIO.setwarnings(False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GPIO.cleanup()


def test_edge_detection_uses_the_kernels_edge_events(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(IN_PIN, GPIO.IN)
    seen: list[tuple[str, int]] = []
    GPIO.add_event_detect(IN_PIN, GPIO.RISING, callback=lambda channel: seen.append(("first", channel)))
    GPIO.add_event_callback(IN_PIN, lambda channel: seen.append(("second", channel)))
    assert line_info(soc, IN_PIN).edge is Edge.RISING  # the kernel reports the edges: nothing polls
    assert GPIO.event_detected(IN_PIN) is False
    soc.set_pull(IN_PIN, 1)
    wait_until(lambda: len(seen) == 2, "both callbacks")
    assert seen == [("first", IN_PIN), ("second", IN_PIN)]  # in the order added, with the channel
    assert GPIO.event_detected(IN_PIN) is True
    assert GPIO.event_detected(IN_PIN) is False
    soc.set_pull(IN_PIN, 0)  # a falling edge: not asked for
    soc.set_pull(IN_PIN, 1)
    wait_until(lambda: len(seen) == 4, "the second rising edge")
    GPIO.remove_event_detect(IN_PIN)
    assert line_info(soc, IN_PIN).edge is Edge.NONE
    soc.set_pull(IN_PIN, 0)
    soc.set_pull(IN_PIN, 1)
    assert len(seen) == 4 and GPIO.event_detected(IN_PIN) is False


def test_remove_event_detect_first_runs_the_callbacks_of_the_edges_before_it(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(IN_PIN, GPIO.IN)
    seen: list[int] = []

    def slow(channel: int) -> None:  # slower than the edges come: they wait in the kernel's buffer
        time.sleep(0.002)
        seen.append(channel)

    GPIO.add_event_detect(IN_PIN, GPIO.BOTH, callback=slow)
    for level in (1, 0) * 10:
        soc.set_pull(IN_PIN, level)
    GPIO.remove_event_detect(IN_PIN)
    assert seen == [IN_PIN] * 20
    soc.set_pull(IN_PIN, 1)
    GPIO.add_event_detect(IN_PIN, GPIO.BOTH, callback=slow)
    for level in (0, 1) * 5:
        soc.set_pull(IN_PIN, level)
    GPIO.cleanup(IN_PIN)  # as cleanup() does
    assert seen == [IN_PIN] * 30


def test_both_edges_and_falling(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup([IN_PIN, 22], GPIO.IN)
    both: list[int] = []
    falling: list[int] = []
    GPIO.add_event_detect(IN_PIN, GPIO.BOTH, callback=both.append)
    GPIO.add_event_detect(22, GPIO.FALLING, callback=falling.append)
    for level in (1, 0, 1, 0):
        soc.set_pull(IN_PIN, level)
        soc.set_pull(22, level)
    wait_until(lambda: len(both) == 4 and len(falling) == 2, "the edges")
    assert both == [IN_PIN] * 4 and falling == [22, 22]


def test_callbacks_run_one_at_a_time_on_one_thread(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup([IN_PIN, 22], GPIO.IN)
    threads: set[str] = set()
    running = []
    overlaps = []

    def callback(channel: int) -> None:
        running.append(channel)
        overlaps.append(len(running) > 1)
        threads.add(threading.current_thread().name)
        time.sleep(0.01)  # long enough for another thread's callback to overlap, if there were one
        running.remove(channel)

    for channel in (IN_PIN, 22):
        GPIO.add_event_detect(channel, GPIO.BOTH, callback=callback)
    for level in (1, 0):
        soc.set_pull(IN_PIN, level)
        soc.set_pull(22, level)
    wait_until(lambda: len(overlaps) == 4, "four callbacks")
    assert overlaps == [False] * 4 and threads == {"RPi.GPIO edges"}


def test_a_failing_callback_is_printed_and_the_next_one_runs(
    GPIO: ModuleType, soc: SimChip, capfd: pytest.CaptureFixture[str]
) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(IN_PIN, GPIO.IN)
    after: list[int] = []
    GPIO.add_event_detect(IN_PIN, GPIO.RISING, callback=lambda channel: 1 / 0)
    GPIO.add_event_callback(IN_PIN, after.append)
    soc.set_pull(IN_PIN, 1)
    wait_until(lambda: after == [IN_PIN], "the second callback")
    assert "ZeroDivisionError" in capfd.readouterr().err


def test_edge_detection_refuses_what_rpi_gpio_refuses(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(OUT_PIN, GPIO.OUT)
    GPIO.setup(IN_PIN, GPIO.IN)
    cases: list[tuple[Callable[[], object], type[Exception], str]] = [
        (lambda: GPIO.add_event_detect(OUT_PIN, GPIO.RISING), RuntimeError,
         "You must setup() the GPIO channel as an input first"),
        (lambda: GPIO.add_event_detect(5, GPIO.RISING), RuntimeError,
         "You must setup() the GPIO channel as an input first"),
        (lambda: GPIO.add_event_detect(IN_PIN, GPIO.HIGH), ValueError,
         "The edge must be set to RISING, FALLING or BOTH"),
        (lambda: GPIO.add_event_detect(IN_PIN, GPIO.RISING, bouncetime=0), ValueError,
         "Bouncetime must be greater than 0"),
        (lambda: GPIO.add_event_detect(IN_PIN, GPIO.RISING, callback=5), TypeError, "Parameter must be callable"),
        (lambda: GPIO.add_event_callback(IN_PIN, print), RuntimeError,
         "Add event detection using add_event_detect first before adding a callback"),
        (lambda: GPIO.add_event_callback(IN_PIN, "print"), TypeError, "Parameter must be callable"),
        (lambda: GPIO.wait_for_edge(IN_PIN, GPIO.RISING, timeout=0), ValueError, "Timeout must be greater than 0"),
        (lambda: GPIO.wait_for_edge(IN_PIN, GPIO.RISING, bouncetime=-1), ValueError,
         "Bouncetime must be greater than 0"),
        (lambda: GPIO.wait_for_edge(OUT_PIN, GPIO.FALLING), RuntimeError,
         "You must setup() the GPIO channel as an input first"),
    ]  # fmt: skip
    for call, error, message in cases:
        with pytest.raises(error) as caught:
            call()
        assert str(caught.value) == message
    with pytest.raises(TypeError):
        GPIO.wait_for_edge(IN_PIN, GPIO.RISING, timeout="beer")
    GPIO.add_event_detect(IN_PIN, GPIO.RISING, bouncetime=123)
    for call in (lambda: GPIO.add_event_detect(IN_PIN, GPIO.RISING), lambda: GPIO.add_event_detect(IN_PIN, GPIO.BOTH)):
        with pytest.raises(RuntimeError, match=exactly(rpi_gpio.ADD_CONFLICT)):
            call()
    for bounce in (321, None):  # a wait must agree with the bouncetime already set
        with pytest.raises(RuntimeError, match=exactly(rpi_gpio.WAIT_CONFLICT)):
            GPIO.wait_for_edge(IN_PIN, GPIO.RISING, bouncetime=bounce)
    GPIO.add_event_callback(IN_PIN, print)
    with pytest.raises(RuntimeError, match=exactly(rpi_gpio.WAIT_CONFLICT)):
        GPIO.wait_for_edge(IN_PIN, GPIO.RISING, bouncetime=123)  # not while callbacks watch it
    GPIO.remove_event_detect(IN_PIN)
    GPIO.remove_event_detect(IN_PIN)  # nothing to remove: fine, as in RPi.GPIO
    assert GPIO.event_detected(5) is False


def test_setting_up_an_output_ends_its_edge_detection(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(IN_PIN, GPIO.IN)
    GPIO.add_event_detect(IN_PIN, GPIO.BOTH, callback=print)
    GPIO.setup(IN_PIN, GPIO.OUT)
    GPIO.setup(IN_PIN, GPIO.IN)
    GPIO.add_event_detect(IN_PIN, GPIO.FALLING)  # no conflict: the old detection is gone
    assert line_info(soc, IN_PIN).edge is Edge.FALLING


def test_wait_for_edge_returns_the_channel_or_none(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(IN_PIN, GPIO.IN)
    soc.set_pull(IN_PIN, 1)  # before the wait: not an edge it sees
    assert GPIO.wait_for_edge(IN_PIN, GPIO.RISING, timeout=50) is None
    assert line_info(soc, IN_PIN).edge is Edge.NONE  # edges are asked of the kernel only while waiting
    assert waiting_for_pulses(soc, lambda: GPIO.wait_for_edge(IN_PIN, GPIO.RISING, timeout=int(DEADLINE * 1000)))
    with pytest.raises(RuntimeError, match=starting("Conflicting edge detection already enabled")):
        GPIO.add_event_detect(IN_PIN, GPIO.FALLING)  # as RPi.GPIO: the wait's record (RISING) stays
    GPIO.remove_event_detect(IN_PIN)
    GPIO.add_event_detect(IN_PIN, GPIO.FALLING)  # waits and background detection of one edge mix
    assert waiting_for_pulses(soc, lambda: GPIO.wait_for_edge(IN_PIN, GPIO.FALLING, timeout=int(DEADLINE * 1000)))
    assert GPIO.event_detected(IN_PIN) is True


def waiting_for_pulses(soc: SimChip, wait: Callable[[], int | None]) -> bool:
    """Whether ``wait()`` returns IN_PIN while another thread pulses the line (a wait takes only the edges
    made after it began, and a test cannot see when that is: so the pulses go on until it returns)."""
    done = threading.Event()

    def pulse() -> None:
        while not done.wait(0.001):
            soc.set_pull(IN_PIN, 1)
            soc.set_pull(IN_PIN, 0)

    pulser = threading.Thread(target=pulse)
    pulser.start()
    try:
        return wait() == IN_PIN
    finally:
        done.set()
        pulser.join()


def test_wait_for_edge_ends_when_its_channel_is_cleaned_up(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(IN_PIN, GPIO.IN)
    result: list[int | None] = []
    waiter = threading.Thread(target=lambda: result.append(GPIO.wait_for_edge(IN_PIN, GPIO.BOTH)))
    waiter.start()
    wait_until(lambda: line_info(soc, IN_PIN).edge is Edge.BOTH, "the wait")
    GPIO.cleanup(IN_PIN)
    waiter.join(DEADLINE)
    assert result == [None]


@MOCK_ONLY
def test_bouncetime_ignores_edges_soon_after_the_last_one_taken(GPIO: ModuleType, soc: SimChip) -> None:
    """RPi.GPIO's debounce, on the kernel's timestamps (a mock part drives the line at modelled times)."""
    assert isinstance(soc, mock.MockGpioChip)
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(IN_PIN, GPIO.IN)
    taken: list[int] = []
    GPIO.add_event_detect(IN_PIN, GPIO.RISING, callback=taken.append, bouncetime=100)
    base = time.monotonic_ns()
    for ms in (0, 10, 20, 30, 100, 101, 150, 201, 202, 400):  # rising edges: taken at 0, 101, 202, 400
        soc.drive_from_outside(IN_PIN, 1, base + ms * 1_000_000)
        soc.drive_from_outside(IN_PIN, 0, base + ms * 1_000_000 + 500_000)
    wait_until(lambda: GPIO.event_detected(IN_PIN) and len(taken) >= 4, "the last edge")  # delivered in order
    assert taken == [IN_PIN] * 4


@MOCK_ONLY
def test_a_second_wait_honours_the_bouncetime_of_the_first(GPIO: ModuleType, soc: SimChip) -> None:
    """As RPi.GPIO: the record of the first wait (the edge it took) outlives it."""
    assert isinstance(soc, mock.MockGpioChip)
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(IN_PIN, GPIO.IN)
    base = time.monotonic_ns() + 10**9  # modelled times ahead of any wait's start: every edge is after it
    first = threading.Event()

    def bounce() -> None:
        wait_until(lambda: line_info(soc, IN_PIN).edge is Edge.RISING, "the first wait")
        soc.drive_from_outside(IN_PIN, 1, base)
        assert first.wait(DEADLINE)
        wait_until(lambda: line_info(soc, IN_PIN).edge is Edge.RISING, "the second wait")
        for ms in (10, 50, 120):  # the first two within 100 ms of the edge the first wait took
            soc.drive_from_outside(IN_PIN, 0, base + (ms - 1) * 1_000_000)
            soc.drive_from_outside(IN_PIN, 1, base + ms * 1_000_000)

    bouncer = threading.Thread(target=bounce)
    bouncer.start()
    assert GPIO.wait_for_edge(IN_PIN, GPIO.RISING, bouncetime=100) == IN_PIN
    first.set()
    assert GPIO.wait_for_edge(IN_PIN, GPIO.RISING, bouncetime=100, timeout=int(DEADLINE * 1000)) == IN_PIN
    bouncer.join()
    record = GPIO._gpio.detections[GPIO._gpio.resolve(IN_PIN)]
    assert record.last_ns == base + 120_000_000  # the edge the second wait returned on


def test_pwm_refuses_what_rpi_gpio_refuses(GPIO: ModuleType) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(IN_PIN, GPIO.IN)
    with pytest.raises(RuntimeError, match=exactly("You must setup() the GPIO channel as an output first")):
        GPIO.PWM(IN_PIN, 50)
    GPIO.setup(OUT_PIN, GPIO.OUT)
    with pytest.raises(ValueError, match=exactly("frequency must be greater than 0.0")):
        GPIO.PWM(OUT_PIN, 0)
    with pytest.raises(TypeError):
        GPIO.PWM(OUT_PIN, "50")
    pwm = GPIO.PWM(OUT_PIN, 50)
    with pytest.raises(RuntimeError, match=exactly("A PWM object already exists for this GPIO channel")):
        GPIO.PWM(OUT_PIN, 49)
    for duty in (-1, 100.5):
        with pytest.raises(ValueError, match=exactly("dutycycle must have a value from 0.0 to 100.0")):
            pwm.start(duty)
        with pytest.raises(ValueError, match=exactly("dutycycle must have a value from 0.0 to 100.0")):
            pwm.ChangeDutyCycle(duty)
    with pytest.raises(ValueError, match=exactly("frequency must be greater than 0.0")):
        pwm.ChangeFrequency(-5)
    pwm.stop()
    GPIO.PWM(OUT_PIN, 49).stop()  # a stopped PWM object lets another take the channel


def test_pwm_steady_duty_cycles_and_stop(GPIO: ModuleType, soc: SimChip) -> None:
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(OUT_PIN, GPIO.OUT)
    pwm = GPIO.PWM(OUT_PIN, 500)
    pwm.start(100)
    assert soc.get_value(OUT_PIN) == 1  # driven before start() returns
    pwm.ChangeDutyCycle(0)
    assert soc.get_value(OUT_PIN) == 0
    pwm.ChangeDutyCycle(100)
    pwm.stop()
    assert soc.get_value(OUT_PIN) == 0  # stop() leaves it low
    assert [t for t in threading.enumerate() if t.name == "RPi.GPIO GPIO24 PWM"] == []
    pwm.start(100)  # started again: at its own frequency
    assert soc.get_value(OUT_PIN) == 1
    del pwm  # a PWM object that goes stops, as RPi.GPIO's
    assert soc.get_value(OUT_PIN) == 0
    assert [t for t in threading.enumerate() if t.name == "RPi.GPIO GPIO24 PWM"] == []


@MOCK_ONLY
def test_pwm_duty_cycle_seen_on_the_line(GPIO: ModuleType, soc: SimChip) -> None:
    """The line goes up and down at each duty cycle, from the edge timestamps on a wired input. How close
    the share and period come to the asked ones depends on the machine's load: tests/compat/test_soft_pwm.py
    checks the schedule on a virtual clock; here only what load cannot undo is asserted."""
    assert isinstance(soc, mock.MockGpioChip)
    soc.connect(OUT_PIN, IN_PIN)
    GPIO.setmode(GPIO.BCM)
    GPIO.setup(OUT_PIN, GPIO.OUT, initial=GPIO.LOW)
    with gpio.Chip(soc.label) as chip:
        watch = chip.request_lines({IN_PIN: LineSettings(direction=Direction.INPUT, edge=Edge.BOTH)},
                                   event_buffer_size=1024)  # fmt: skip
        with watch:
            pwm = GPIO.PWM(OUT_PIN, 100)
            for duty, frequency in ((25, 100), (75, 100), (50, 40)):
                pwm.ChangeFrequency(frequency)
                pwm.start(duty)
                high, period = measure(watch, periods=20)
                assert 0 < high < 1, (duty, frequency, high)
                # late wake-ups only stretch periods; catching up never shortens more than one
                assert period * frequency > 0.5, (duty, frequency, period)
            pwm.stop()
            pwm.start(50)  # started again: at its own 40 Hz (RPi.GPIO 0.7.1 falls back to 1 kHz: 0.04 here)
            assert measure(watch, periods=10)[1] * 40 > 0.5
            pwm.stop()


def measure(watch: gpio.LineRequest, periods: int) -> tuple[float, float]:
    """The high share of the line, and the mean period, over ``periods`` whole periods after the next
    rising edge."""
    while watch.read_edge_events(timeout=0):
        pass  # the edges of the duty cycle before
    events: list[gpio.EdgeEvent] = []
    deadline = time.monotonic() + DEADLINE
    while sum(e.type is gpio.EdgeType.RISING for e in events) < periods + 2 and time.monotonic() < deadline:
        events += watch.read_edge_events(timeout=1)
    rises = [i for i, e in enumerate(events) if e.type is gpio.EdgeType.RISING]
    window = events[rises[1] : rises[-1] + 1]  # from a rise to a rise: whole periods
    high = sum(b.timestamp_ns - a.timestamp_ns for a, b in zip(window, window[1:]) if a.type is gpio.EdgeType.RISING)
    span = window[-1].timestamp_ns - window[0].timestamp_ns
    return high / span, span / 1e9 / (len(rises) - 2)


WAIT_FOR_CTRL_C = """
import sys, threading, time
import linuxhw
from linuxhw import gpio
from linuxhw.compat import rpi_gpio as GPIO

board = linuxhw.set_backend("mock")
GPIO.setmode(GPIO.BCM)
GPIO.setup(23, GPIO.IN)

def ready():  # once the wait has asked the kernel for its edges
    with gpio.Chip(gpio.find_line("GPIO23").chip_path) as chip:
        while chip.line_info(23).edge is gpio.Edge.NONE:
            time.sleep(0.001)
    print("ready", flush=True)

threading.Thread(target=ready, daemon=True).start()
try:
    GPIO.wait_for_edge(23, GPIO.RISING)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    GPIO.cleanup()
    sys.exit(3)
"""


def test_ctrl_c_ends_a_wait_for_edge(tmp_path: Path) -> None:
    """RPi.GPIO's wait_for_edge() without a timeout sits out Ctrl-C until the edge comes; the face's raises
    KeyboardInterrupt in it."""
    script = tmp_path / "wait.py"
    script.write_text(WAIT_FOR_CTRL_C)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with child_process([sys.executable, str(script)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        assert read_line(child.stdout, "the wait") == "ready\n"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=DEADLINE)
    assert (child.returncode, out, err) == (3, "interrupted\n", "")
