"""An RPi.GPIO script, as tutorials write it, run unchanged through ``linuxhw run`` on a mock Pi whose header
pins 16 and 22 are jumpered: ``import RPi.GPIO as GPIO`` and ``from RPi import GPIO`` get linuxhw's face."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.waiting import DEADLINE

SCRIPT = """
import RPi.GPIO as GPIO
from RPi import GPIO as same

GPIO.setwarnings(False)
GPIO.setmode(GPIO.BOARD)
GPIO.setup(16, GPIO.OUT, initial=GPIO.LOW)
GPIO.setup(22, GPIO.IN)
seen = [GPIO.input(22)]
GPIO.output(16, GPIO.HIGH)
seen.append(GPIO.input(22))
print(same is GPIO, GPIO.__name__, seen, GPIO.RPI_INFO["P1_REVISION"])
GPIO.cleanup()
"""

BOARD = """
from linuxhw import mock

def jumpered_pi():
    return mock.Board.raspberry_pi("4b", jumpers=[("BOARD16", "BOARD22")])
"""


def test_a_tutorial_script_runs_unchanged_on_a_jumpered_mock_pi(tmp_path: Path) -> None:
    (tmp_path / "blink.py").write_text(SCRIPT)
    (tmp_path / "parts.py").write_text(BOARD)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LINUXHW_", "GPIOZERO_"))}
    done = subprocess.run(
        [sys.executable, "-m", "linuxhw", "run", "--backend", "parts:jumpered_pi", "--face", "RPi.GPIO", "blink.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=DEADLINE, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "True linuxhw.compat.rpi_gpio [0, 1] 3\n"
