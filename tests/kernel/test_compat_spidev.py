"""linuxhw.compat.spidev and the real py-spidev on the project's kernel SPI simulator: same results,
same errnos."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import spidev

import linuxhw
from linuxhw._kernel.real import RealBackend
from linuxhw.compat import spidev as ours
from tests.spi.conftest import _sim_node

pytestmark = pytest.mark.kernel

PROBE = [0x9F, *range(1, 12)]
SEQUENCE: list[tuple[str, Callable[[Any], object]]] = [
    ("xfer", lambda dev: dev.xfer(PROBE)),
    ("xfer2 tuple", lambda dev: dev.xfer2(tuple(PROBE))),
    ("xfer2 with settings", lambda dev: dev.xfer2(PROBE, 500_000, 5, 8)),
    ("xfer3", lambda dev: dev.xfer3(PROBE)),
    ("readbytes", lambda dev: dev.readbytes(8)),
    ("writebytes", lambda dev: dev.writebytes([0x06])),
    ("writebytes2", lambda dev: dev.writebytes2(bytes(100))),
    ("settings", lambda dev: (dev.mode, dev.cshigh, dev.lsbfirst, dev.max_speed_hz, dev.bits_per_word)),
    ("mode 3", lambda dev: setattr(dev, "mode", 3)),
    ("read back", lambda dev: (dev.mode, dev.xfer2(PROBE))),
    ("mode 0", lambda dev: setattr(dev, "mode", 0)),
    ("3-wire", lambda dev: setattr(dev, "threewire", True)),
    ("loop", lambda dev: setattr(dev, "loop", True)),
    ("7-bit words", lambda dev: setattr(dev, "bits_per_word", 7)),
    ("what is left", lambda dev: (dev.mode, dev.threewire, dev.loop, dev.bits_per_word)),
]


def outcome(call: Callable[[Any], object], device: Any) -> object:
    """The call's result, or the errno of the OSError it raised, or the type of another error."""
    try:
        return call(device)
    except OSError as exc:
        return ("errno", exc.errno)
    except (TypeError, ValueError) as exc:
        return type(exc).__name__


def plain(device: Any) -> None:
    """Mode 0 with no flags, 8-bit words."""
    device.mode = 0
    device.cshigh = device.lsbfirst = device.threewire = device.loop = False
    device.bits_per_word = 8


@pytest.fixture
def real() -> Iterator[None]:
    with linuxhw.use_backend(RealBackend()):
        yield


@pytest.mark.parametrize("chip_select", [0, 1], ids=["loopback", "flash"])
def test_same_outcomes_as_py_spidev(real: None, chip_select: int) -> None:
    path = _sim_node(chip_select)
    results = []
    for module in (spidev, ours):
        device = module.SpiDev()
        device.open_path(path)
        plain(device)  # spidev keeps a device's mode across opens: start from the same one
        device.max_speed_hz = 1_000_000
        results.append({what: outcome(call, device) for what, call in SEQUENCE})
        plain(device)
        device.close()
    assert results[1] == results[0]
