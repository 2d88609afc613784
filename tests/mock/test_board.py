"""The mock board's own API and backend selection."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading

import pytest

import linuxhw
from linuxhw import boards, gpio, i2c, mock, spi
from linuxhw._kernel.real import RealBackend
from tests.waiting import DEADLINE


def test_use_backend_restores_the_previous_one() -> None:
    board = mock.Board()
    before = linuxhw.get_backend()
    with linuxhw.use_backend(board) as active:
        assert active is board and linuxhw.get_backend() is board
        with linuxhw.use_backend("real") as inner:
            assert isinstance(inner, RealBackend)
        assert linuxhw.get_backend() is board
    assert linuxhw.get_backend() is before


def test_set_backend_selects_and_returns_the_backend() -> None:
    board = mock.Board()
    previous = linuxhw.get_backend()
    try:
        assert linuxhw.set_backend(board) is board
        assert linuxhw.get_backend() is board
        assert isinstance(linuxhw.set_backend("mock"), mock.Board)
    finally:
        linuxhw.set_backend(previous)


def test_unknown_backend_name() -> None:
    with pytest.raises(ValueError, match=r"backend must be 'real' .*'mock' .*'package\.module:factory' .*or a Backend"):
        linuxhw.set_backend("fake")


@pytest.mark.parametrize("spec", [None, 42, b"mock", mock.Board], ids=["None", "int", "bytes", "the class"])
def test_a_backend_neither_str_nor_backend_is_a_type_error(spec: object) -> None:
    previous = linuxhw.get_backend()
    message = rf"backend must be a str \('real' \(the kernel\), .*\) or a Backend instance, not {type(spec).__name__} "
    with pytest.raises(TypeError, match=message):
        linuxhw.set_backend(spec)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=message), linuxhw.use_backend(spec):  # type: ignore[arg-type]
        pass
    assert linuxhw.get_backend() is previous


def test_environment_selects_the_demo_board() -> None:
    code = (
        "from linuxhw import gpio; print([(c.name, c.label, c.num_lines) for c in gpio.chips()]);"
        "print(gpio.find_line('GPIO17'))"
    )
    env = dict(os.environ, LINUXHW_BACKEND="mock")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert "('gpiochip0', 'pinctrl-bcm2711', 58)" in out
    assert "('gpiochip1', 'mock-expander', 16)" in out
    assert "offset=17" in out


def test_handles_keep_the_backend_they_were_opened_with() -> None:
    board = mock.Board()
    chip = board.add_gpio_chip(2)
    with linuxhw.use_backend(board):
        handle = gpio.Chip(0)
    with handle, handle.request_lines({0: gpio.LineSettings(direction=gpio.Direction.OUTPUT)}) as req:
        req.set_value(0, 1)
        assert chip.get_value(0) == 1
    assert board.open_files() == 0


def test_board_validates_its_own_arguments() -> None:
    board = mock.Board()
    with pytest.raises(ValueError, match=r"num_lines must be 1\.\.1024"):
        board.add_gpio_chip(0)
    with pytest.raises(ValueError, match="names: offset 4 is out of range"):
        board.add_gpio_chip(4, names={4: "X"})
    with pytest.raises(ValueError, match="hog direction must be one of"):
        board.add_gpio_chip(4, hogs={0: ("h", "sideways")})
    chip = board.add_gpio_chip(4, names=["A", "B"])
    assert chip.line_names == ["A", "B", "", ""]
    with pytest.raises(ValueError, match="pull value must be 0 or 1"):
        chip.set_pull(0, 5)
    with pytest.raises(ValueError, match=r"offset must be 0\.\.3"):
        chip.get_value(9)


def test_open_of_a_missing_node_is_enoent() -> None:
    with pytest.raises(FileNotFoundError) as info:
        mock.Board().open("/dev/gpiochip0", os.O_RDWR)
    assert info.value.errno == errno.ENOENT


def test_mock_fds_are_real_descriptors() -> None:
    board = mock.Board()
    board.add_gpio_chip(2)
    with linuxhw.use_backend(board), gpio.Chip(0) as handle:
        os.fstat(handle.fileno())
        with handle.request_lines({0: None}) as req:
            os.fstat(req.fileno())
        assert board.open_files() == 1
    assert board.open_files() == 0


def test_permission_denied_names_the_fix() -> None:
    board = mock.Board()
    board.add_gpio_chip(2).permission_denied = True
    with linuxhw.use_backend(board), pytest.raises(linuxhw.DevicePermissionError) as info:
        gpio.Chip(0)
    assert info.value.errno == errno.EACCES and isinstance(info.value, PermissionError)
    assert "usermod -aG" in str(info.value) and "udev rule" in str(info.value)


def test_pre_5_10_kernel_is_told_it_needs_the_v2_uapi() -> None:
    board = mock.Board()
    board.add_gpio_chip(2).pre_v2_kernel = True
    with linuxhw.use_backend(board), gpio.Chip(0) as chip:
        assert chip.num_lines == 2  # the v1 chip-info ioctl still answers
        with pytest.raises(linuxhw.UnsupportedError, match=r"uAPI v2 needs Linux 5\.10 or newer"):
            chip.line_info(0)
        with pytest.raises(linuxhw.UnsupportedError, match=r"uAPI v2 needs Linux 5\.10 or newer"):
            chip.request_lines({0: None})


def test_wait_for_wakes_on_a_watch_and_names_what_never_happened() -> None:
    board = mock.Board()
    chip = board.add_gpio_chip(2)
    with pytest.raises(TimeoutError, match=r"a watch on line 0 did not happen within 0\.01 s"):
        board.wait_for(lambda: chip.is_watched(0), "a watch on line 0", timeout=0.01)
    waiting, woken = threading.Event(), threading.Event()

    def watched() -> bool:  # checked under the board lock: first when wait_for starts, then on each change
        waiting.set()
        return bool(chip.is_watched(1))

    def wait() -> None:
        board.wait_for(watched, "a watch on line 1", DEADLINE)
        woken.set()

    waiter = threading.Thread(target=wait)
    with gpio.Chip(chip.chip_name, backend=board) as handle:
        waiter.start()
        assert waiting.wait(DEADLINE), "wait_for() never checked its condition"
        handle.watch_line_info(1)  # its ioctl takes the board lock only once the waiter waits: it must wake it
        assert woken.wait(DEADLINE), "wait_for() did not return once the line was watched"
        waiter.join(DEADLINE)
    assert not chip.is_watched(1)


def test_observe_sees_every_state_only_inside_its_block() -> None:
    board = mock.Board()
    chip = board.add_gpio_chip(2)
    states: list[bool] = []
    with board.observe(lambda: states.append(chip.is_requested(0))):
        gpio.request_lines(chip.chip_name, {0: None}, backend=board).close()
    assert [state for i, state in enumerate(states) if i == 0 or states[i - 1] != state] == [False, True, False]
    count = len(states)
    gpio.request_lines(chip.chip_name, {0: None}, backend=board).close()
    assert len(states) == count


def test_bus_numbers_as_the_kernel_gives_them() -> None:
    board = mock.Board()
    assert board.add_i2c_bus("first").dev_path == "/dev/i2c-0"  # nothing numbered: from 0
    assert board.add_i2c_bus("header", number=3).dev_path == "/dev/i2c-3"  # a device tree alias
    usb = board.add_i2c_bus("usb")
    assert usb.dev_path == "/dev/i2c-4"  # dynamic numbers start above every alias
    assert board.add_i2c_stub([0x1C]).dev_path == "/dev/i2c-5"
    board.remove_device(usb.dev_path)
    assert board.add_i2c_bus("usb again").dev_path == "/dev/i2c-4"  # the lowest free one is reused
    assert board.add_i2c_bus("below", number=1).dev_path == "/dev/i2c-1"
    with pytest.raises(ValueError, match="i2c bus 3 already exists"):
        board.add_i2c_bus("again", number=3)
    for bad in (-1, True, "1", 1 << 16):
        with pytest.raises(ValueError, match=r"number must be a bus number 0\.\.65535 or None"):
            board.add_i2c_bus(number=bad)  # type: ignore[arg-type]
    assert board.add_spi_bus().add_device(0, mock.Loopback()).dev_path == "/dev/spidev0.0"
    assert board.add_spi_bus(number=2).add_device(1, mock.Loopback()).dev_path == "/dev/spidev2.1"
    assert board.add_spi_bus().number == 3
    with pytest.raises(ValueError, match="spi bus 0 already exists"):
        board.add_spi_bus(number=0)


def test_a_device_by_its_path() -> None:
    board = mock.demo_board()
    assert board.device("/dev/i2c-1").name == "linuxhw i2c simulator"
    assert isinstance(board.device("/dev/spidev0.0").model, mock.AdcMcp3008)
    with pytest.raises(LookupError, match=r"no device at '/dev/i2c-0' on this board: it has \[.*'/dev/i2c-1'"):
        board.device("/dev/i2c-0")


def test_the_demo_board_is_laid_out_like_a_raspberry_pi() -> None:
    """Where peers look by default: I2C bus 1 (smbus2.SMBus(1), Blinka), the MCP3008 on spidev0.0
    (gpiozero.MCP3008(channel=0), spidev.open(0, 0)), 0x3c free for an SSD1306."""
    board = mock.demo_board()
    with linuxhw.use_backend(board):
        assert [bus.path for bus in i2c.buses()] == ["/dev/i2c-1"]
        assert [device.path for device in spi.devices()][:3] == ["/dev/spidev0.0", "/dev/spidev0.1", "/dev/spidev1.0"]
        assert boards.current() is boards.get("raspberrypi-4b")  # its device tree says so
        with i2c.Bus(1) as bus:
            assert bus.scan() == i2c.ScanResult(present=(0x1C, 0x50, 0x51), busy=(0x34,))
        with spi.Device((0, 0)) as adc:
            assert [adc.transfer(bytes([1, (8 + n) << 4, 0]))[1:] for n in (0, 7)] == [b"\x00\x64", b"\x03\x20"]
    board.device("/dev/i2c-1").attach(0x3C, mock.Ssd1306())
