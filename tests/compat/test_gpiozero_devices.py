"""gpiozero's own device classes on the linuxhw factory and the demo board, laid out like a Pi: its MCP3008
class over hardware SPI against the demo's MCP3008 on spidev0.0, an LED and a Button with kernel edge events."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import linuxhw
from linuxhw import mock
from tests.waiting import DEADLINE

gpiozero = pytest.importorskip("gpiozero")
from linuxhw.compat.gpiozero import LinuxhwFactory  # noqa: E402 — needs gpiozero

REPO = Path(__file__).resolve().parents[2]
DEMO_ADC = [100 * (channel + 1) for channel in range(8)]  # what the demo board's MCP3008 inputs read


@pytest.fixture
def factory(demo: mock.Board) -> Iterator[LinuxhwFactory]:
    made = LinuxhwFactory()
    yield made
    made.close()


def test_mcp3008_class_reads_the_demo_boards_adc(factory: LinuxhwFactory) -> None:
    for channel, raw in enumerate(DEMO_ADC):
        with gpiozero.MCP3008(channel=channel, pin_factory=factory) as adc:
            assert adc.raw_value == raw
            assert adc.value == pytest.approx((2 * raw + 1) / 2047)  # gpiozero's scale: -1024..1023 onto -1..1
            assert repr(adc._spi) == "SPI(port=0, device=0)"  # hardware SPI, through linuxhw


MCP3008_SCRIPT = """
from gpiozero import MCP3008
with MCP3008(channel=0) as pot:
    print(pot.raw_value, repr(pot._spi))
"""


def test_an_unchanged_mcp3008_script_reads_the_demo_boards_adc(tmp_path: Path) -> None:
    """The tutorial's two lines, chosen from outside: gpiozero's default port 0 / device 0 is the demo's ADC."""
    (tmp_path / "pot.py").write_text(MCP3008_SCRIPT)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LINUXHW_", "GPIOZERO_"))}
    env.update(GPIOZERO_PIN_FACTORY="linuxhw", LINUXHW_BACKEND="mock", PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "pot.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=DEADLINE, check=False)  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, f"{DEMO_ADC[0]} SPI(port=0, device=0)\n", "")


def test_led_and_button(demo: mock.Board, factory: LinuxhwFactory) -> None:
    soc = demo.devices("gpio")[0]
    assert isinstance(soc, mock.MockGpioChip)
    with gpiozero.LED(17, pin_factory=factory) as led, gpiozero.Button(22, pin_factory=factory) as button:
        led.on()
        assert soc.get_value(17) == 1 and led.is_lit
        pressed = threading.Event()
        button.when_pressed = pressed.set
        soc.set_pull(22, 0)  # pulled up by the Button; pressing pulls it down
        assert pressed.wait(10), "when_pressed never ran"
        assert button.is_pressed
        assert factory.chip.line_info(22).consumer == "gpiozero"


@pytest.mark.parametrize("model", ["4b", "5", "3b", "zero-2w"])
def test_an_led_on_each_mock_pi(model: str) -> None:
    """The factory finds each Pi's chip by its real label (pinctrl-bcm2711, pinctrl-rp1, pinctrl-bcm2835)."""
    pi = mock.Board.raspberry_pi(model)
    chip, offset = pi.header_line("J8:11")
    with linuxhw.use_backend(pi):
        factory = LinuxhwFactory()
        with gpiozero.LED(17, pin_factory=factory) as led:  # GPIO17, on J8:11
            led.on()
            assert chip.get_value(offset) == 1
        factory.close()
    assert pi.open_files() == 0
