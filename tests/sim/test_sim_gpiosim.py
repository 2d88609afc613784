"""linuxhw.sim.gpiosim against the real gpio-sim module (kernel tier)."""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
from pathlib import Path

import pytest

from linuxhw.sim import (
    DeviceSymlinkError,
    GpioSim,
    chip_device_path,
    cleanup_stale_gpio_sims,
    list_gpio_sims,
)
from linuxhw.sim.gpiosim import CONFIGFS_DIR

pytestmark = pytest.mark.kernel

# Raw checks independent of linuxhw's own bindings (x86_64 numbers, only here):
# struct gpiochip_info {char name[32], label[32]; u32 lines} -> _IOR(0xB4, 0x01, 68);
# struct gpioline_info {u32 line_offset, flags; char name[32], consumer[32]} -> _IOWR(0xB4, 0x02, 72).
GPIO_GET_CHIPINFO_IOCTL = 0x8044B401
GPIO_GET_LINEINFO_IOCTL = 0xC048B402
GPIOLINE_FLAG_IS_OUT = 1 << 1


def chip_info(path: Path) -> tuple[str, str, int]:
    buf = bytearray(68)
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, buf)
    finally:
        os.close(fd)
    name, label, lines = struct.unpack("32s32sI", buf)
    return name.rstrip(b"\0").decode(), label.rstrip(b"\0").decode(), lines


def line_info(path: Path, offset: int) -> tuple[str, str, bool]:
    """(name, consumer, is_output) of one line, through the v1 uAPI."""
    buf = bytearray(struct.pack("II32s32s", offset, 0, b"", b""))
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.ioctl(fd, GPIO_GET_LINEINFO_IOCTL, buf)
    finally:
        os.close(fd)
    _, flags, name, consumer = struct.unpack("II32s32s", buf)
    return name.rstrip(b"\0").decode(), consumer.rstrip(b"\0").decode(), bool(flags & GPIOLINE_FLAG_IS_OUT)


def unique_label(tag: str) -> str:
    return f"lhw-{tag}-{os.getpid()}"


def test_chip_with_names_and_hogs() -> None:
    label = unique_label("a")
    with GpioSim() as sim:
        bank = sim.add_bank(8, label=label, names={0: "LED", 3: "BTN"}, hogs={5: ("lhw-hog", "output-high")})
        sim.enable()
        assert sim.live
        dev = bank.dev_path
        assert dev == Path("/dev") / bank.chip_name
        assert dev.is_char_device()
        assert chip_info(dev) == (bank.chip_name, label, 8)
        assert bank.label == label
        assert bank.get_value(5) == 1  # the hog drives its line high
        assert line_info(dev, 0) == ("LED", "", False)
        assert line_info(dev, 3) == ("BTN", "", False)
        assert line_info(dev, 5) == ("", "lhw-hog", True)
    assert not dev.exists()
    assert not sim.path.exists()


def test_two_banks_are_two_chips() -> None:
    with GpioSim() as sim:
        first = sim.add_bank(4, label=unique_label("b0"))
        second = sim.add_bank(16, label=unique_label("b1"))
        sim.enable()
        assert first.chip_name != second.chip_name
        assert chip_info(first.dev_path)[2] == 4
        assert chip_info(second.dev_path)[2] == 16
        listed = {info.name: info for info in list_gpio_sims()}[sim.name]
        assert listed.live
        assert listed.dev_name == sim.dev_name
        assert [(b.num_lines, b.chip_name) for b in listed.banks] == [
            (4, first.chip_name),
            (16, second.chip_name),
        ]


def test_pull_drives_an_input_line() -> None:
    with GpioSim() as sim:
        bank = sim.add_bank(4)
        sim.enable()
        assert bank.get_value(2) == 0  # gpio-sim lines start pulled down
        for level in (1, 0, 1):
            bank.set_pull(2, level)
            assert bank.get_pull(2) == level
            assert bank.get_value(2) == level
        with pytest.raises(ValueError, match="offset"):
            bank.set_pull(4, 1)
        with pytest.raises(ValueError, match="value"):
            bank.set_pull(0, 2)


def test_teardown_after_exception_leaves_configfs_clean() -> None:
    seen: dict[str, Path] = {}

    def fail_inside() -> None:
        with GpioSim() as sim:
            seen["config"] = sim.path
            bank = sim.add_bank(4, names={2: "x"}, hogs={1: ("h", "output-low")})
            sim.enable()
            seen["dev"] = bank.dev_path
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fail_inside()
    assert not seen["config"].exists()
    assert not seen["dev"].exists()
    assert seen["config"].name not in {info.name for info in list_gpio_sims()}


def test_close_is_idempotent_and_final() -> None:
    sim = GpioSim()
    sim.add_bank(2)
    sim.close()
    sim.close()
    assert not sim.path.exists()
    with pytest.raises(ValueError, match="closed"):
        sim.add_bank(2)


def test_bad_arguments_fail_before_configfs() -> None:
    with GpioSim() as sim:
        with pytest.raises(ValueError, match="num_lines"):
            sim.add_bank(0)
        with pytest.raises(ValueError, match="offsets"):
            sim.add_bank(4, names={4: "out-of-range"})
        with pytest.raises(ValueError, match="direction"):
            sim.add_bank(4, hogs={0: ("h", "sideways")})  # type: ignore[dict-item]
        assert sim.banks == ()


def test_kernel_errors_name_the_path_and_operation() -> None:
    with GpioSim() as sim:
        with pytest.raises(FileExistsError, match="creating a gpio-sim device") as excinfo:
            GpioSim(sim.name)
        assert excinfo.value.filename == str(sim.path)
        with pytest.raises(OSError, match="enabling the device") as no_banks:
            sim.enable()  # the kernel refuses to go live without banks
        assert no_banks.value.filename == str(sim.path / "live")


def test_config_change_while_live_is_refused() -> None:
    with GpioSim() as sim:
        sim.add_bank(2)
        sim.enable()
        with pytest.raises(RuntimeError, match="live"):
            sim.add_bank(2)
        sim.disable()
        sim.add_bank(2)  # allowed again once not live
        sim.enable()
        assert len([b.chip_name for b in sim.banks]) == 2


def test_symlinked_device_node_is_refused(tmp_path: Path) -> None:
    (tmp_path / "gpiochip0").symlink_to("/dev/null")
    with pytest.raises(DeviceSymlinkError, match="symlink"):
        chip_device_path("gpiochip0", tmp_path)

    for n in range(64):  # whatever gpiochipN the kernel picks, it is a symlink here
        (tmp_path / f"gpiochip{n}").unlink(missing_ok=True)
        (tmp_path / f"gpiochip{n}").symlink_to(f"/dev/gpiochip{n}")
    with GpioSim(dev_dir=tmp_path) as sim:
        sim.add_bank(2)
        with pytest.raises(DeviceSymlinkError):
            sim.enable()
        assert not sim.live


def test_cleanup_removes_only_stale_devices_of_this_library() -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = CONFIGFS_DIR / f"linuxhw-{dead.pid}-0"
    stale.mkdir()
    (stale / "bank0").mkdir()
    (stale / "bank0" / "num_lines").write_text("2")
    (stale / "bank0" / "line1").mkdir()
    (stale / "live").write_text("1")
    with GpioSim() as ours:
        assert cleanup_stale_gpio_sims() == [stale.name]
        assert not stale.exists()
        assert ours.path.exists()  # this process is alive: not stale
