"""The boards RPi.GPIO's own ``test/test.py`` runs on, named from outside it as
``LINUXHW_BACKEND=tests.compat.rpi_gpio_wire:mock_pi`` (or ``:kernel_pi``).

Its circuit: LOOP_IN (BOARD 16, GPIO23) joined to LOOP_OUT (BOARD 22, GPIO25); the LED, switch and
unconnected pins (12, 18, 24) are just lines. The board is a Raspberry Pi 4: on the mock,
``mock.Board.raspberry_pi()`` with a jumper; on the kernel, a gpio-sim bank labelled and named as the
Pi 4's SoC chip (``$LINUXHW_BOARD`` says which board it is), the wire emulated by the harness, as for
gpiozero's suite (gpiozero_wire.py).
"""

from __future__ import annotations

import atexit

from linuxhw import boards, mock
from linuxhw._kernel import Backend
from tests.compat.gpiozero_wire import WiredBackend

BOARD_ID = "raspberrypi-4b"
LOOP = (23, 25)  # LOOP_IN, LOOP_OUT as SoC GPIOs


def mock_pi() -> mock.Board:
    """A mock Raspberry Pi 4 with the loop jumpered."""
    return mock.Board.raspberry_pi("4b", jumpers=[("BOARD16", "BOARD22")])


def kernel_pi() -> Backend:
    """The real kernel with a gpio-sim bank shaped as the Pi 4's SoC chip, the loop wired by the harness;
    the bank goes when the process ends."""
    from linuxhw.sim import GpioSim

    layout = boards.get(BOARD_ID).gpio_chips[0]
    sim = GpioSim()
    atexit.register(sim.close)
    bank = sim.add_bank(layout.num_lines, label=layout.label, names=dict(enumerate(layout.names)))
    sim.enable()
    return WiredBackend(bank, *LOOP)
