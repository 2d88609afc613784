"""linuxhw and py-spidev on the same kernel spidev devices give the same bytes."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
import spidev

from linuxhw import spi
from linuxhw._kernel.real import RealBackend
from tests.spi.conftest import _sim_node

pytestmark = pytest.mark.kernel


def _open_peer(path: str) -> spidev.SpiDev:
    bus, cs = (int(n) for n in path.removeprefix("/dev/spidev").split("."))
    peer = spidev.SpiDev()
    peer.open(bus, cs)
    peer.max_speed_hz = 1_000_000
    return peer


@pytest.fixture(params=[0, 1], ids=["loopback", "flash"])
def pair(request: pytest.FixtureRequest) -> Iterator[tuple[spi.Device, spidev.SpiDev]]:
    path = _sim_node(request.param)
    peer = _open_peer(path)
    try:
        with spi.Device(path, max_speed_hz=1_000_000, backend=RealBackend()) as ours:
            yield ours, peer
    finally:
        peer.close()


def test_same_bytes_as_py_spidev(pair: tuple[spi.Device, spidev.SpiDev]) -> None:
    ours, peer = pair
    probe = b"\x9f" + secrets.token_bytes(7)
    assert ours.transfer(probe) == bytes(peer.xfer2(list(probe)))
    assert ours.transfer(probe) == bytes(peer.xfer3(probe))
    read_command = [0x03, 0x00, 0x00, 0x00]
    theirs = bytes(peer.xfer2(read_command + [0] * 16))
    assert ours.transfer(bytes(read_command) + bytes(16)) == theirs
    if ours.path.endswith(".1"):  # the flash: a read is the command, then the data
        assert ours.write_then_read(bytes(read_command), 16) == theirs[4:]


def test_same_settings_as_py_spidev(pair: tuple[spi.Device, spidev.SpiDev]) -> None:
    """Both read the mode the kernel holds (py-spidev caches its own, so a fresh handle reads it)."""
    ours = pair[0]
    ours.mode = spi.Mode.MODE_3
    fresh_peer = _open_peer(ours.path)
    try:
        assert fresh_peer.mode == 3
        fresh_peer.mode = 1
        with spi.Device(ours.path, backend=RealBackend()) as fresh_ours:
            assert fresh_ours.mode == spi.Mode.MODE_1
    finally:
        fresh_peer.close()
    ours.mode = spi.Mode.MODE_0
