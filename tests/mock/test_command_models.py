"""The command/CRC chip base (Sensirion-style) and the SHT4x on it: CRC-8 0x31 on every word, NAKs
while a command runs and when there is nothing to read, arguments refused with a wrong CRC."""

from __future__ import annotations

import pytest

from linuxhw import i2c, mock
from linuxhw.errors import NoAckError
from tests.mock.clock import FakeClock, fake_clock


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return fake_clock(monkeypatch, "linuxhw.mock.command_models")


def test_sensirion_crc() -> None:
    assert mock.sensirion_crc8(b"\xbe\xef") == 0x92  # the data sheets' worked example


class Counter(mock.CommandDevice):
    """0x3608 adds its argument to a count (5 ms); 0xE4B8 reads it back."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def command(self, code: int, arguments: tuple[int, ...]) -> mock.Response | None:
        if code == 0x3608 and len(arguments) == 1:
            self.count += arguments[0]
            return mock.Response((), 0.005)
        if code == 0xE4B8:
            return mock.Response((self.count, 0xBEEF))
        return None


def _device(model: mock.I2cTarget, address: int) -> tuple[i2c.Bus, i2c.Device]:
    board = mock.Board()
    board.add_i2c_bus("s").attach(address, model)
    bus = i2c.Bus("s", backend=board)
    return bus, bus.device(address)


def test_commands_arguments_and_busy(clock: FakeClock) -> None:
    chip = Counter()
    bus, device = _device(chip, 0x62)
    with bus:
        with pytest.raises(NoAckError):
            device.read(3)  # nothing to say yet: the read header is NAKed
        device.write(b"\x36\x08\x00\x07" + bytes([mock.sensirion_crc8(b"\x00\x07")]))
        with pytest.raises(NoAckError):
            device.write(b"\xe4\xb8")  # busy for 5 ms: no header is answered
        clock.now += 5_000_000
        device.write(b"\x36\x08\x00\x09\x00")  # a wrong CRC: the chip ignores the whole write
        assert (chip.count, chip.rejected) == (7, 1)
        device.write(b"\xe4\xb8")
        assert device.read(6) == b"\x00\x07" + bytes([mock.sensirion_crc8(b"\x00\x07")]) + b"\xbe\xef\x92"
        with pytest.raises(NoAckError):
            device.read(1)  # read once
        device.write(b"\xe4\xb8")
        assert device.read(2) == b"\x00\x07"  # stopping early drops the rest
        with pytest.raises(NoAckError):
            device.read(1)
        device.write(b"\x12\x34")  # not a command of this chip
        assert chip.commands == [0x3608, 0xE4B8, 0xE4B8]


def test_sht4x_measures_after_its_duration(clock: FakeClock) -> None:
    sensor = mock.Sht4x(temperature=25.0, humidity=50.0, serial_number=0x12345678)
    bus, device = _device(sensor, 0x44)
    with bus:
        device.write(b"\xfd")
        clock.now += 8_300_000 - 1
        with pytest.raises(NoAckError):
            device.read(6)
        clock.now += 1
        reply = device.read(6)
        assert reply[:2] == (26214).to_bytes(2, "big") and reply[3:5] == (29360).to_bytes(2, "big")
        assert reply[2] == mock.sensirion_crc8(reply[:2]) and reply[5] == mock.sensirion_crc8(reply[3:5])
        device.write(b"\x89")
        clock.now += 1_000_000
        assert device.read(6)[:5] == b"\x12\x34" + bytes([mock.sensirion_crc8(b"\x12\x34")]) + b"\x56\x78"
        device.write(b"\x39")  # 200 mW for 1 s, then a measurement
        clock.now += 1_099_999_999
        with pytest.raises(NoAckError):
            device.write(b"\x94")
        clock.now += 1
        assert len(device.read(6)) == 6 and sensor.heater_runs == 1
