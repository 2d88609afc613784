"""The sysfs PWM interface itself, written raw on both backends: the mock's answers are the kernel's."""

from __future__ import annotations

import errno
from collections.abc import Iterator

import pytest

from tests.pwm.conftest import NPWM, PwmWorld


class Raw:
    """Plain reads and writes of one chip's sysfs files through the backend under test."""

    def __init__(self, world: PwmWorld) -> None:
        self.world = world
        self.backend = world.backend

    def write(self, name: str, text: str) -> int:
        """0, or the errno the store method answered."""
        try:
            self.backend.sysfs_write(f"{self.world.path}/{name}", text)
        except OSError as exc:
            return exc.errno or -1
        return 0

    def start(self, channel: int, period: int, duty: int) -> None:
        """Export ``channel`` and set it up disabled, whatever an earlier test left in the hardware (a new
        export starts from it): off, duty 0, then the period and duty, each write valid on 6.1 as on 6.12
        (a channel never set up has period 0, where 6.1 takes nothing but a period)."""
        assert self.write("export", str(channel)) == 0
        self.write(f"pwm{channel}/enable", "0")
        self.write(f"pwm{channel}/duty_cycle", "0")
        assert self.write(f"pwm{channel}/period", str(period)) == 0
        assert self.write(f"pwm{channel}/duty_cycle", str(duty)) == 0

    def read(self, name: str) -> str | int:
        """The text, or the errno."""
        try:
            return self.backend.sysfs_read(f"{self.world.path}/{name}")
        except OSError as exc:
            return exc.errno or -1


@pytest.fixture
def raw(world: PwmWorld) -> Iterator[Raw]:
    yield Raw(world)
    world.reset()


def test_npwm_and_the_chip_files(raw: Raw) -> None:
    assert raw.read("npwm") == f"{NPWM}\n"
    assert {"npwm", "export", "unexport", "device"} <= set(raw.backend.sysfs_list(raw.world.path))


@pytest.mark.parametrize(
    ("text", "err"),
    [
        ("0", 0),
        ("0x1\n", 0),  # kstrtouint base 0: hex
        ("02", 0),  # octal
        (str(NPWM), errno.ENODEV),
        ("4294967296", errno.ERANGE),
        ("-1", errno.EINVAL),
        ("one", errno.EINVAL),
        (" 1", errno.EINVAL),
    ],
)
def test_export_parses_as_kstrtouint(raw: Raw, text: str, err: int) -> None:
    assert raw.write("export", text) == err


def test_export_makes_the_channel_directory_at_once_and_unexport_removes_it(raw: Raw) -> None:
    assert raw.write("export", "1") == 0
    assert set(raw.backend.sysfs_list(f"{raw.world.path}/pwm1")) >= {"period", "duty_cycle", "polarity", "enable"}
    assert raw.write("export", "1") == errno.EBUSY  # exported already
    assert raw.write("unexport", "1") == 0
    assert raw.world.exported() == []
    assert raw.write("unexport", "1") == errno.ENODEV  # not exported
    assert raw.write("unexport", str(NPWM)) == errno.ENODEV


def test_the_chip_files_are_write_only_or_read_only(raw: Raw) -> None:
    assert raw.read("export") == errno.EACCES  # no show(): kernfs refuses the open
    assert raw.write("npwm", "3") == errno.EACCES


def test_writes_while_enabled_keep_duty_within_period(raw: Raw) -> None:
    raw.start(0, 1000, 500)
    assert raw.write("pwm0/enable", "1") == 0
    assert raw.write("pwm0/duty_cycle", "1001") == errno.EINVAL
    assert raw.write("pwm0/period", "499") == errno.EINVAL
    assert raw.write("pwm0/period", "0") == errno.EINVAL
    assert raw.read("pwm0/duty_cycle") == "500\n"
    assert raw.read("pwm0/period") == "1000\n"
    assert raw.write("pwm0/enable", "0") == 0


def test_a_disabled_channel_takes_any_period_from_6_12(raw: Raw) -> None:
    """6.12's core checks only enabled states; 6.1's every state (period > 0, duty <= period)."""
    raw.start(0, 1000, 0)
    expected = errno.EINVAL if raw.world.strict else 0
    assert raw.write("pwm0/duty_cycle", "2000") == expected
    if not raw.world.strict:
        assert raw.write("pwm0/enable", "1") == errno.EINVAL  # an invalid state cannot start
        assert raw.write("pwm0/duty_cycle", "0") == 0


@pytest.mark.parametrize(
    ("name", "text", "err"),
    [
        ("enable", "2", errno.EINVAL),
        ("enable", "-1", errno.EINVAL),
        ("enable", "yes", errno.EINVAL),
        ("polarity", "inverted", errno.EINVAL),  # the kernel spells it "inversed"
        ("polarity", "NORMAL", errno.EINVAL),
        ("period", "-5", errno.EINVAL),
        ("period", "18446744073709551616", errno.ERANGE),
        ("duty_cycle", "1.5", errno.EINVAL),
    ],
)
def test_bad_values_are_refused_as_the_kernel_refuses_them(raw: Raw, name: str, text: str, err: int) -> None:
    raw.write("export", "2")
    assert raw.write(f"pwm2/{name}", text) == err


def test_polarity_reads_back_and_capture_is_not_implemented(raw: Raw) -> None:
    raw.start(3, 1000, 0)
    assert raw.write("pwm3/polarity", "inversed\n") == 0
    assert raw.read("pwm3/polarity") == "inversed\n"
    assert raw.write("pwm3/polarity", "normal") == 0
    assert raw.read("pwm3/capture") == errno.ENOSYS  # the driver has no .capture
