"""The mock's jumper between two lines (MockGpioChip.connect): what gpiozero's real-pins suite wires."""

from __future__ import annotations

import pytest

from linuxhw import gpio, mock
from linuxhw.gpio import Bias, Direction, Edge, EdgeType, LineSettings

pytestmark = pytest.mark.mock_only


def test_an_output_drives_the_other_end_and_pulls_carry_across() -> None:
    board = mock.Board()
    chip = board.add_gpio_chip(4, label="header")
    chip.connect(0, 1)
    listen = LineSettings(direction=Direction.INPUT, edge=Edge.BOTH, bias=Bias.PULL_DOWN)
    with gpio.request_lines("header", {1: listen}, backend=board) as listener:
        with gpio.request_lines("header", {0: LineSettings(direction=Direction.OUTPUT)}, backend=board) as driver:
            driver.set_value(0, 1)  # stronger than the listener's pull-down
            assert listener.get_value(1) == 1
            assert listener.read_edge_events(timeout=1.0)[0].type is EdgeType.RISING
            driver.reconfigure({0: LineSettings(direction=Direction.INPUT, bias=Bias.PULL_UP)})
            assert listener.get_value(1) == 1  # two pulls: the first end's wins
            driver.reconfigure({0: LineSettings(direction=Direction.INPUT, bias=Bias.DISABLED)})
            assert listener.get_value(1) == 0  # only the listener's pull-down is left
            assert listener.read_edge_events(timeout=1.0)[0].type is EdgeType.FALLING
        assert chip.get_value(0) == 0
    assert board.open_files() == 0


def test_a_wire_joins_two_lines() -> None:
    chip = mock.Board().add_gpio_chip(4)
    with pytest.raises(ValueError, match="two different lines"):
        chip.connect(2, 2)
    with pytest.raises(ValueError, match=r"offset must be 0\.\.3"):
        chip.connect(0, 4)
