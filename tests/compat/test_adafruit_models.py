"""Adafruit's CircuitPython drivers from PyPI, unmodified, on linuxhw.compat.circuitpython against the
mock's device models: each reading is what the model's data sheet says the driver must see."""

from __future__ import annotations

import threading

import pytest

from linuxhw import mock
from linuxhw.compat import circuitpython


def test_ads1115_and_ads1015(demo: mock.Board) -> None:
    ads1x15 = pytest.importorskip("adafruit_ads1x15.ads1x15")
    from adafruit_ads1x15 import ADS1015, ADS1115, AnalogIn

    Pin = ads1x15.Pin

    adc16, adc12 = mock.Ads1115(), mock.Ads1015()
    parts = demo.add_i2c_bus("adc")
    parts.attach(0x48, adc16)
    parts.attach(0x49, adc12)
    adc16.set_voltage(0, 1.5)
    adc16.set_voltage(1, 0.25)
    adc12.set_voltage(0, 0.7)
    adc12.set_voltage(1, 1.5)
    with circuitpython.I2C("adc") as bus:
        ads = ADS1115(bus)  # single-shot, ±4.096 V, 128 SPS: it polls OS until the 7.8 ms conversion is done
        assert AnalogIn(ads, Pin.A0).voltage == 1.5 and AnalogIn(ads, Pin.A0).value == 12000
        assert AnalogIn(ads, Pin.A0, Pin.A1).voltage == 1.25
        ads.gain = 16  # ±0.256 V: 1.5 V is past full scale, 0.25 V just inside it
        assert (AnalogIn(ads, Pin.A0).value, AnalogIn(ads, Pin.A1).value) == (0x7FFF, 32000)
        ads.gain = 2 / 3
        assert AnalogIn(ads, Pin.A1).voltage == pytest.approx(0.25, abs=0.0002)  # ±6.144 V: 0.19 mV steps
        # continuous mode: the driver (3.0.5) keeps the chip's MUX there, AIN0-AIN1 from power-on
        fast = ADS1015(bus, address=0x49, mode=ads1x15.Mode.CONTINUOUS, data_rate=3300)
        assert adc12.registers[1] & 0x0100 == 0  # the chip converts continuously
        assert AnalogIn(fast, Pin.A0, Pin.A1).voltage == pytest.approx(-0.8, abs=0.002)
        assert AnalogIn(fast, Pin.A0, Pin.A1).value == -400 << 4  # again, without moving the pointer
    assert adc16.conversions == 6 and adc12.conversions >= 1  # one per single-shot read


def test_mcp23017_pins_and_interrupts(demo: mock.Board) -> None:
    mcp23017 = pytest.importorskip("adafruit_mcp230xx.mcp23017")
    digitalio = pytest.importorskip("digitalio")
    from linuxhw import gpio
    from tests.waiting import read_edge_events

    expander = demo.add_i2c_bus("io").attach(0x20, mock.Mcp23017())
    soc = demo.devices("gpio")[0]
    assert isinstance(soc, mock.MockGpioChip)
    soc.attach(expander, inta="GPIO17")
    irq = gpio.LineSettings(direction=gpio.Direction.INPUT, edge=gpio.Edge.FALLING, bias=gpio.Bias.PULL_UP)
    with circuitpython.I2C("io") as bus, gpio.request_lines("pinctrl-bcm2711", {"GPIO17": irq}) as line:
        mcp = mcp23017.MCP23017(bus)
        led = mcp.get_pin(0)
        led.switch_to_output(value=True)
        button = mcp.get_pin(8)
        button.switch_to_input(pull=digitalio.Pull.UP)
        inverted = mcp.get_pin(9)
        inverted.switch_to_input(invert_polarity=True)
        expander.set_input(9, 1)
        assert expander.levels()[0] == 1 and button.value and not inverted.value
        assert mcp.iodir == 0xFFFE and mcp.gppu == 0x0100  # 16-bit registers through sequential reads
        led.value = False
        assert expander.levels()[0] == 0
        mcp.interrupt_enable = 0x0100
        mcp.io_control = 0x44  # INTA and INTB mirrored, open drain
        expander.set_input(8, 0)  # the button is pressed
        assert read_edge_events(line, 1)[0].line_offset == 17
        assert mcp.int_flag == [8] and mcp.int_cap[8] == 0 and not button.value
        mcp.clear_ints()
        assert line.get_value("GPIO17") == 1 and mcp.int_flag == []


def test_mcp9808_temperature_limits_and_resolution(demo: mock.Board) -> None:
    adafruit_mcp9808 = pytest.importorskip("adafruit_mcp9808")
    from tests.waiting import DEADLINE

    sensor = demo.add_i2c_bus("thermo").attach(0x18, mock.Mcp9808(temperature=23.53))
    with circuitpython.I2C("thermo") as bus:
        mcp = adafruit_mcp9808.MCP9808(bus)  # checks the manufacturer and device IDs
        assert mcp.temperature == 23.5 and mcp.resolution == 3  # 0.0625 °C steps, rounded down
        mcp.resolution = 0  # 0.5 °C, a conversion every 30 ms
        sensor.temperature = -10.3
        readings = [mcp.temperature]
        while readings[-1] != -10.5 and len(readings) < DEADLINE / 0.001:  # the next conversion shows it
            threading.Event().wait(0.001)
            readings.append(mcp.temperature)
        assert readings[-1] == -10.5 and set(readings) <= {23.5, -10.5}
        mcp.upper_temperature, mcp.critical_temperature, mcp.lower_temperature = 20, 30, 0
        assert (mcp.upper_temperature, mcp.critical_temperature, mcp.lower_temperature) == (20, 30, 0)
        assert (mcp.above_upper, mcp.above_critical, mcp.below_lower) == (False, False, True)


def test_sht4x_measurements_with_crc(demo: mock.Board) -> None:
    adafruit_sht4x = pytest.importorskip("adafruit_sht4x")

    sensor = demo.add_i2c_bus("humidity").attach(0x44, mock.Sht4x(temperature=21.5, humidity=43.2))
    with circuitpython.I2C("humidity") as bus:
        sht = adafruit_sht4x.SHT4x(bus)  # a soft reset, then 1 ms
        assert sht.serial_number == 0x0B5A_3C7E  # both words' CRCs checked by the driver
        temperature, humidity = sht.measurements  # it waits 10 ms for the 8.3 ms measurement
        assert temperature == pytest.approx(21.5, abs=0.003) and humidity == pytest.approx(43.2, abs=0.002)
        sht.mode = adafruit_sht4x.Mode.LOWHEAT_100MS  # 20 mW for 0.1 s, then the measurement
        sensor.humidity = 61.0
        assert sht.relative_humidity == pytest.approx(61.0, abs=0.002)
    assert sensor.commands == [0x94, 0x89, 0xFD, 0x15] and sensor.heater_runs == 1
