"""gpiozero's own device classes on the linuxhw factory and the mock board: its MCP3008 class
over hardware SPI against the mock MCP3008, an LED and a Button with kernel edge events."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

import linuxhw
from linuxhw import mock

gpiozero = pytest.importorskip("gpiozero")
from linuxhw.compat.gpiozero import LinuxhwFactory  # noqa: E402 — needs gpiozero


@pytest.fixture
def board() -> Iterator[mock.Board]:
    """A header bank named GPIO0..GPIO27 and an MCP3008 on /dev/spidev0.0, where gpiozero looks."""
    header = mock.Board()
    header.add_gpio_chip(28, label="pinctrl-mock", names=[f"GPIO{i}" for i in range(28)])
    adc = mock.AdcMcp3008()
    for channel in range(8):
        adc.set_input(channel, 1023 - 100 * channel)
    header.add_spi_bus().add_device(0, adc)
    with linuxhw.use_backend(header):
        yield header
    assert header.open_files() == 0


@pytest.fixture
def factory(board: mock.Board) -> Iterator[LinuxhwFactory]:
    made = LinuxhwFactory()
    yield made
    made.close()


def test_mcp3008_class_reads_the_mock_adc(factory: LinuxhwFactory) -> None:
    for channel in range(8):
        with gpiozero.MCP3008(channel=channel, pin_factory=factory) as adc:
            raw = 1023 - 100 * channel
            assert adc.raw_value == raw
            assert adc.value == pytest.approx((2 * raw + 1) / 2047)  # gpiozero's scale: -1024..1023 onto -1..1
            assert repr(adc._spi) == "SPI(port=0, device=0)"  # hardware SPI, through linuxhw


def test_led_and_button(board: mock.Board, factory: LinuxhwFactory) -> None:
    soc = board.devices("gpio")[0]
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
