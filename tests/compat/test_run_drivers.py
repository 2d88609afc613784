"""A driver from PyPI that does ``import smbus`` itself (mpu6050-raspberrypi), run unchanged through
``linuxhw run``: on a mock board named from outside the script, and on the kernel's i2c-stub."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from linuxhw import i2c
from linuxhw._kernel.real import RealBackend
from tests.waiting import DEADLINE

if importlib.util.find_spec("mpu6050") is None:  # not imported here: it needs an smbus module
    pytest.skip("mpu6050-raspberrypi is not installed (pip install -e '.[test]')", allow_module_level=True)

REPO = Path(__file__).resolve().parents[2]
MPU6050 = 0x68
# The sensor lying flat and turning slowly: accel (0.125, -0.0625, 1) g, 36.53 °C (raw 0), gyro (1, -2, 0) °/s.
REGISTERS = {0x3B: 0x08, 0x3C: 0x00, 0x3D: 0xFC, 0x3E: 0x00, 0x3F: 0x40, 0x40: 0x00, 0x41: 0x00, 0x42: 0x00,
             0x43: 0x00, 0x44: 0x83, 0x45: 0xFE, 0x46: 0xFA, 0x47: 0x00, 0x48: 0x00, 0x1B: 0x00, 0x1C: 0x00,
             0x6B: 0x40}  # fmt: skip
G = 9.80665
EXPECTED = [36.53, 0.125 * G, -0.0625 * G, 1.0 * G, 1.0, -2.0, 0.0]  # as the driver computes them

SCRIPT = """
import sys
from mpu6050 import mpu6050

sensor = mpu6050(0x68, bus=int(sys.argv[1]))
accel, gyro = sensor.get_accel_data(), sensor.get_gyro_data()
print(sensor.get_temp(), accel["x"], accel["y"], accel["z"], gyro["x"], gyro["y"], gyro["z"])
print(sensor.bus.read_byte_data(0x68, 0x6B))  # PWR_MGMT_1: the driver woke the chip
"""

BOARD = f"""
from linuxhw import mock

def with_mpu6050():
    board = mock.Board()
    board.add_i2c_bus("i2c-0")
    board.add_i2c_bus("i2c-1").attach({MPU6050}, mock.RegisterDevice(defaults={REGISTERS}))
    return board
"""


@pytest.fixture
def setup(backend_name: str, tmp_path: Path) -> Iterator[tuple[list[str], str]]:
    """The --backend and the bus number for the script: a factory's board (mock) or i2c-stub holding the
    registers (kernel)."""
    if backend_name == "mock":
        (tmp_path / "parts.py").write_text(BOARD)
        yield ["--backend", "parts:with_mpu6050"], "1"
        return
    from linuxhw.sim import I2cStub

    with I2cStub([MPU6050]) as stub, i2c.Bus(str(stub.dev_path), backend=RealBackend()) as bus:
        for register, value in REGISTERS.items():
            bus.device(MPU6050).write_byte_data(register, value)
        yield ["--backend", "real"], str(bus.number)


def test_mpu6050_driver_runs_unchanged(setup: tuple[list[str], str], tmp_path: Path) -> None:
    options, bus = setup
    (tmp_path / "level.py").write_text(SCRIPT)
    env = {key: value for key, value in os.environ.items() if not key.startswith("LINUXHW_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "linuxhw", "run", *options, "level.py", bus], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=DEADLINE * 4, check=False)  # fmt: skip
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    readings, woken = done.stdout.splitlines()
    assert [float(value) for value in readings.split()] == EXPECTED
    assert woken == "0"
