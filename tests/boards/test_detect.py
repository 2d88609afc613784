"""Which board this is: $LINUXHW_BOARD, else the device tree's compatible and model through the backend."""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
from pathlib import Path

import pytest

import linuxhw
import linuxhw.boards
from linuxhw import boards, mock
from linuxhw._kernel.real import RealBackend

# Device trees as the boards' kernels and firmware export them (the firmware writes the model string).
DEVICE_TREES = [
    (["raspberrypi,4-model-b", "brcm,bcm2711"], "Raspberry Pi 4 Model B Rev 1.4", "raspberrypi-4b"),
    (["raspberrypi,5-model-b", "brcm,bcm2712"], "Raspberry Pi 5 Model B Rev 1.0", "raspberrypi-5"),
    (["raspberrypi,model-b", "brcm,bcm2835"], "Raspberry Pi Model B Rev 1", "raspberrypi-1b-rev1"),
    (["raspberrypi,model-b", "brcm,bcm2835"], "Raspberry Pi Model B Rev 2", "raspberrypi-1b"),
    (["raspberrypi,model-b", "brcm,bcm2835"], "Raspberry Pi Model A Rev 2", "raspberrypi-1a"),
    (["raspberrypi,model-b", "brcm,bcm2835"], "", "raspberrypi-1b"),  # no model: the first claimant
    (["raspberrypi,model-b-plus", "brcm,bcm2835"], "Raspberry Pi Model A Plus Rev 1.1", "raspberrypi-1a-plus"),
    (["raspberrypi,model-b-plus", "brcm,bcm2835"], "Raspberry Pi Model B Plus Rev 1.2", "raspberrypi-1b-plus"),
    (["raspberrypi,3-model-b-plus", "brcm,bcm2837"], "Raspberry Pi 3 Model A Plus Rev 1.0", "raspberrypi-3a-plus"),
    (["raspberrypi,3-model-b", "brcm,bcm2837"], "Raspberry Pi 3 Model B Rev 1.2", "raspberrypi-3b"),
    (["raspberrypi,model-zero-2-w", "brcm,bcm2837"], "Raspberry Pi Zero 2 W Rev 1.0", "raspberrypi-zero-2w"),
    (["raspberrypi,4-compute-module", "brcm,bcm2711"], "Raspberry Pi Compute Module 4 Rev 1.0", "raspberrypi-cm4"),
    (["ti,am335x-bone-black", "ti,am335x-bone", "ti,am33xx"], "TI AM335x BeagleBone Black", "beaglebone-black"),
    (["ti,am335x-bone-green", "ti,am335x-bone-black", "ti,am335x-bone", "ti,am33xx"], "TI AM335x BeagleBone Green",
     "beaglebone-green"),
    (["ti,am335x-bone-black-wireless", "ti,am335x-bone-black", "ti,am33xx"], "TI AM335x BeagleBone Black Wireless",
     "beaglebone-black"),  # same headers: its compatible list falls back to the Black's
    ([], "Raspberry Pi 3 Model B Plus Rev 1.3", "raspberrypi-3b-plus"),  # a tree with other compatible strings
]  # fmt: skip


@pytest.fixture(autouse=True)
def no_board_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(boards.BOARD_VARIABLE, raising=False)


@pytest.mark.parametrize(("compatible", "model", "board_id"), DEVICE_TREES)
def test_the_device_tree_names_the_board(compatible: list[str], model: str, board_id: str) -> None:
    board = mock.Board(model=model or None, compatible=compatible)
    found = boards.current(board)
    assert found is not None and found.id == board_id


def test_no_device_tree_or_an_unknown_board_is_none() -> None:
    assert boards.current(mock.Board()) is None  # an x86 PC: no /proc/device-tree
    assert boards.current(mock.Board(model="Acme SBC", compatible=["acme,sbc", "rockchip,rk3399"])) is None


def test_the_current_backend_is_asked_by_default() -> None:
    with linuxhw.use_backend(mock.Board(model="Raspberry Pi 5 Model B Rev 1.0")):
        assert boards.current() is boards.get("raspberrypi-5")


def test_linuxhw_board_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(boards.BOARD_VARIABLE, "beaglebone-black")
    assert boards.current(mock.Board(compatible=["raspberrypi,4-model-b"])) is boards.get("beaglebone-black")
    monkeypatch.setenv(boards.BOARD_VARIABLE, "pi4")
    with pytest.raises(LookupError, match=r"\$LINUXHW_BOARD: unknown board 'pi4': linuxhw knows raspberrypi-1b"):
        boards.current(mock.Board())


def test_the_mock_holds_the_device_tree_as_the_kernel_exports_it() -> None:
    board = mock.Board(model="Raspberry Pi 4 Model B Rev 1.4", compatible=["raspberrypi,4-model-b", "brcm,bcm2711"])
    assert board.device_tree_property("model") == b"Raspberry Pi 4 Model B Rev 1.4\0"
    assert board.device_tree_property("compatible") == b"raspberrypi,4-model-b\0brcm,bcm2711\0"
    assert mock.Board(compatible="brcm,bcm2711").device_tree_property("compatible") == b"brcm,bcm2711\0"
    board.device_tree["system/linux,revision"] = bytes.fromhex("00c03114")
    assert board.device_tree_property("system/linux,revision") == b"\x00\xc0\x31\x14"
    assert board.device_tree_property("serial-number") is None


def test_the_real_backend_reads_proc_device_tree(tmp_path: Path) -> None:
    (tmp_path / "model").write_bytes(b"TI AM335x BeagleBone Green\0")
    (tmp_path / "compatible").write_bytes(b"ti,am335x-bone-green\0ti,am335x-bone-black\0ti,am33xx\0")
    backend = RealBackend(device_tree_dir=str(tmp_path))
    assert boards.current(backend) is boards.get("beaglebone-green")
    assert backend.device_tree_property("serial-number") is None
    assert RealBackend(device_tree_dir=str(tmp_path / "absent")).device_tree_property("model") is None


@pytest.mark.parametrize("name", ["../etc/passwd", "/model", "", "system/../../x"])
def test_a_property_path_must_stay_inside_the_tree(name: str) -> None:
    for backend in (RealBackend(), mock.Board()):
        with pytest.raises(ValueError, match="a device-tree property is a relative path such as 'model'"):
            backend.device_tree_property(name)


def test_importing_boards_touches_no_backend() -> None:
    """The data is importable without side effects: no backend is chosen, no device opened."""
    code = "import linuxhw._kernel as k, linuxhw.boards as b; b.known(); b.get('raspberrypi-5'); print(k._current)"
    env = {**os.environ, "LINUXHW_BACKEND": "no-such-backend"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "None"


def test_module_docstring_examples() -> None:
    result = doctest.testmod(linuxhw.boards)
    assert result.attempted > 0 and result.failed == 0
