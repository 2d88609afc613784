"""A gpiozero script on the linuxhw factory prints nothing at exit of its own: not when it ends, not when
Ctrl-C stops it in ``pause()``, not when it dies of an exception (then only its own traceback). gpiozero
closes its pins in an atexit hook; linuxhw's forgotten-handle finalizers must not have closed them first.

Each script runs in a child process, as a user runs it: ``GPIOZERO_PIN_FACTORY=linuxhw``, on the demo
board (``LINUXHW_BACKEND=mock``) or, in the kernel tier, on a gpio-sim bank named like a Pi's header.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BACKENDS
from tests.waiting import DEADLINE, child_process, read_line

pytest.importorskip("gpiozero")

REPO = Path(__file__).resolve().parents[2]
SIM_LABEL = "linuxhw-exit-header"
BUTTON = 22

# Imported by the scripts that press their Button: the test's finger, from inside the child (a mock board
# lives in the child's process), on the chip gpiozero's factory uses.
PRESS = '''
import os
from gpiozero import Device
import linuxhw
from linuxhw import mock

def press(offset):
    """Pull the line down, as a pressed button does."""
    board = linuxhw.get_backend()
    if isinstance(board, mock.Board):
        label = Device.pin_factory.chip.label
        [chip] = [c for c in board.devices("gpio") if isinstance(c, mock.MockGpioChip) and c.label == label]
        chip.set_pull(offset, 0)
    else:
        with open(os.environ["EXIT_TEST_PULL"].format(offset=offset), "w") as pull:
            pull.write("pull-down")
'''

# An LED lit and a Button whose edge thread has delivered a press: what gpiozero's exit hook then closes.
BUTTON_SCRIPT = f"""
from signal import pause
from threading import Event
from gpiozero import LED, Button
from exit_press import press

led = LED(17)
led.on()
button = Button({BUTTON})
pressed = Event()
button.when_pressed = lambda: (print("pressed", flush=True), pressed.set())
press({BUTTON})
assert pressed.wait({DEADLINE}), "when_pressed never ran"
"""


# A library's own atexit cleanup, registered before the process's first linuxhw handle is made.
ATEXIT_SCRIPT = """
import atexit
from linuxhw import gpio

def cleanup():
    request.reconfigure({3: gpio.LineSettings()})
    request.close()
    chip.close()
    print("cleaned up", flush=True)

atexit.register(cleanup)
chip = gpio.Chip("gpiochip0")
request = chip.request_lines({3: gpio.LineSettings(direction=gpio.Direction.OUTPUT)})
forgotten = gpio.Chip("gpiochip0")  # left open: the process's exit closes it, silently
"""


@pytest.fixture(params=BACKENDS)
def script_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment a child script runs in: the linuxhw factory on the demo board, or on a gpio-sim
    bank of 28 lines named GPIO0..GPIO27 (kernel tier); the press helper importable."""
    (tmp_path / "exit_press.py").write_text(PRESS)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LINUXHW_", "GPIOZERO_"))}
    env.update(GPIOZERO_PIN_FACTORY="linuxhw",
               PYTHONPATH=os.pathsep.join(filter(None, [str(tmp_path), str(REPO), env.get("PYTHONPATH")])))  # fmt: skip
    if request.param == "mock":
        env["LINUXHW_BACKEND"] = "mock"
        yield env
        return
    from linuxhw.sim import GpioSim

    with GpioSim() as sim:
        bank = sim.add_bank(28, label=SIM_LABEL, names={i: f"GPIO{i}" for i in range(28)})
        sim.enable()
        pull = f"/sys/devices/platform/{sim.dev_name}/{bank.chip_name}/sim_gpio{{offset}}/pull"  # gpio-sim's ABI
        env.update(LINUXHW_BACKEND="real", LINUXHW_GPIOZERO_CHIP=SIM_LABEL, EXIT_TEST_PULL=pull)
        yield env


def write_script(tmp_path: Path, text: str) -> str:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(text))
    return str(script)


def assert_only_traceback(stderr: str, last_line: str) -> None:
    """``stderr`` is one traceback, ending in ``last_line``: nothing printed besides it (no "Exception
    ignored", no second traceback, no warning)."""
    lines = stderr.splitlines()
    assert lines and lines[0] == "Traceback (most recent call last):", f"stderr is not one traceback:\n{stderr}"
    assert lines[-1] == last_line, f"the traceback does not end in {last_line!r}:\n{stderr}"
    assert all(line.startswith("  ") for line in lines[1:-1]), f"more than the script's traceback:\n{stderr}"


def test_a_script_that_ends_prints_nothing(script_env: dict[str, str], tmp_path: Path) -> None:
    script = write_script(tmp_path, BUTTON_SCRIPT + 'print("done")\n')
    done = subprocess.run([sys.executable, script], env=script_env, capture_output=True, text=True,
                          timeout=DEADLINE, check=False)  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "pressed\ndone\n", "")


def test_ctrl_c_in_pause_prints_only_keyboard_interrupt(script_env: dict[str, str], tmp_path: Path) -> None:
    script = write_script(tmp_path, BUTTON_SCRIPT + 'print("ready", flush=True)\npause()\n')
    with child_process([sys.executable, script], env=script_env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE) as child:  # fmt: skip
        assert read_line(child.stdout, "the button's when_pressed") == "pressed\n"
        assert read_line(child.stdout, "the script's ready line before pause()") == "ready\n"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=DEADLINE)
    assert out == ""
    assert child.returncode == -signal.SIGINT, err
    assert_only_traceback(err, "KeyboardInterrupt")


def test_an_exception_prints_only_its_traceback(script_env: dict[str, str], tmp_path: Path) -> None:
    script = write_script(tmp_path, BUTTON_SCRIPT + 'raise RuntimeError("the script failed")\n')
    done = subprocess.run([sys.executable, script], env=script_env, capture_output=True, text=True,
                          timeout=DEADLINE, check=False)  # fmt: skip
    assert (done.returncode, done.stdout) == (1, "pressed\n"), done.stderr
    assert_only_traceback(done.stderr, "RuntimeError: the script failed")


@pytest.mark.mock_only
def test_an_atexit_hook_registered_first_finds_its_handles_open(tmp_path: Path) -> None:
    """Any library's own exit cleanup, not only gpiozero's: a hook registered before linuxhw made its first
    handle (so before weakref.finalize's own exit hook) still reconfigures and closes its request."""
    script = write_script(tmp_path, ATEXIT_SCRIPT)
    env = {**os.environ, "LINUXHW_BACKEND": "mock", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-W", "error", script], env=env, capture_output=True, text=True,
                          timeout=DEADLINE, check=False)  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "cleaned up\n", "")
