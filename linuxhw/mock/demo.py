"""The demo board behind ``LINUXHW_BACKEND=mock``: a few chips with named lines, like a small SBC."""

from __future__ import annotations

from linuxhw.mock.board import Board


def demo_board() -> Board:
    """A fresh demo board: a 28-line SoC bank named GPIO0..GPIO27 and a 16-line I/O expander."""
    board = Board()
    board.add_gpio_chip(28, label="pinctrl-mock", names=[f"GPIO{i}" for i in range(28)])
    board.add_gpio_chip(
        16,
        label="mock-expander",
        names=["LED0", "LED1", "LED2", "LED3", "BTN0", "BTN1", "RELAY", "IRQ"],
        hogs={7: ("mock-irq-hog", "input")},
    )
    return board
