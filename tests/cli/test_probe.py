"""``linuxhw probe`` on the demo board and on a machine with nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linuxhw._kernel.real import RealBackend
from linuxhw.cli import main
from linuxhw.mock import Board
from tests.cli.conftest import Cli


def test_probe_shows_the_demo_board(cli: Cli) -> None:
    result = cli("probe")
    assert result.status == 0
    lines = result.lines
    assert lines[0] == "board: Raspberry Pi 4 Model B [raspberrypi-4b] (backend: mock)"  # its device tree says so
    assert "  gpiochip1 [mock-expander] 16 lines, 1 in use" in lines
    adapter = next(line for line in lines if line.startswith("  /dev/i2c-1"))
    assert '"linuxhw i2c simulator": I2C transfers, 10-bit, PEC' in adapter
    assert "SMBus quick byte byte-data" in adapter
    assert "  heap system (system)" in lines
    assert "  udmabuf /dev/udmabuf" in lines


def test_probe_json(cli: Cli) -> None:
    data = json.loads(cli("--json", "probe").out)
    assert (data["backend"], data["model"], data["board_id"]) == ("mock", "Raspberry Pi 4 Model B", "raspberrypi-4b")
    assert [c["label"] for c in data["gpio_chips"]] == ["pinctrl-bcm2711", "mock-expander"]
    assert data["i2c_adapters"][0]["name"] == "linuxhw i2c simulator"
    assert "SMBUS_QUICK" in data["i2c_adapters"][0]["functionality"]
    assert {h["name"] for h in data["dma_heaps"]} == {"system", "linux,cma"}
    assert data["udmabuf"] == "/dev/udmabuf"


def test_probe_on_a_machine_with_nothing_points_at_the_mock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe"], backend=RealBackend(dev_dir=str(tmp_path))) == 0
    out = capsys.readouterr().out
    assert "GPIO chips:\n  none" in out
    assert "No GPIO chips, I2C adapters, SPI devices, PWM chips or DMA-BUF heaps here" in out
    assert "linuxhw --backend mock probe" in out


def test_probe_names_the_board_its_device_tree_describes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    board = Board.raspberry_pi("4b", i2c=(), spi=())
    board.device_tree["model"] = b"Raspberry Pi 4 Model B Rev 1.4\0"  # as the firmware writes it
    assert main(["probe"], backend=board) == 0
    assert (
        capsys.readouterr().out.splitlines()[0]
        == "board: Raspberry Pi 4 Model B Rev 1.4 [raspberrypi-4b] (backend: mock)"
    )
    assert main(["--json", "probe"], backend=board) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["model"], data["board_id"]) == ("Raspberry Pi 4 Model B Rev 1.4", "raspberrypi-4b")
    tree = tmp_path / "device-tree"  # the real backend reads /proc/device-tree
    tree.mkdir()
    (tree / "model").write_bytes(b"Acme SBC\0")
    assert main(["probe"], backend=RealBackend(dev_dir=str(tmp_path), device_tree_dir=str(tree))) == 0
    assert capsys.readouterr().out.splitlines()[0] == "board: Acme SBC (backend: real)"


def test_a_mock_board_of_no_known_shape_is_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe"], backend=Board()) == 0
    assert capsys.readouterr().out.splitlines()[0] == "board: unknown (backend: mock)"
    assert main(["probe"], backend=Board(model="Some Board Rev 2")) == 0
    assert capsys.readouterr().out.splitlines()[0] == "board: Some Board Rev 2 (backend: mock)"
