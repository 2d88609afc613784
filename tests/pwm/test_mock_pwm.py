"""The mock PWM chip's own controls, and what only a mock can stage: 6.1's stricter core, udev's delay,
every intermediate state of an apply, a kernel consumer's label, a forgotten channel."""

from __future__ import annotations

import errno
import gc
import os
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linuxhw import DeviceBusyError, DevicePermissionError, mock, pwm, use_backend
from linuxhw.mock.pwm import PwmState
from linuxhw.mock.sysfs import kstrto
from linuxhw.pwm import _sysfs
from tests.fuzz.profiles import FUZZ

pytestmark = pytest.mark.mock_only

SERVO = pwm.Waveform.from_frequency(50, 0.075)
WAVEFORMS = [
    pwm.Waveform(1_000_000, 900_000),
    pwm.Waveform(100_000, 50_000),
    pwm.Waveform(100_000, 100_000, pwm.Polarity.INVERSED),
    pwm.Waveform(3_000_000, 0),
    pwm.Waveform(20, 10, pwm.Polarity.INVERSED),
    pwm.Waveform(5_000, 4_000, enabled=False),
    SERVO,
]


@pytest.fixture
def board() -> Iterator[mock.Board]:
    made = mock.Board()
    with use_backend(made):
        yield made


@pytest.mark.parametrize("strict", [False, True])
def test_every_step_of_every_apply_is_a_state_the_core_accepts(board: mock.Board, strict: bool) -> None:
    chip = board.add_pwm_chip(1, strict=strict)
    seen: list[tuple[int, int, bool]] = []

    def record() -> None:
        text = board.sysfs_read("/sys/kernel/debug/pwm")
        line = text.splitlines()[1]
        period = int(line.split("period: ")[1].split()[0])
        duty = int(line.split("duty: ")[1].split()[0])
        seen.append((period, duty, " enabled" in line))

    with pwm.request(chip.name, 0) as channel, board.observe(record):
        for start in WAVEFORMS:
            for target in WAVEFORMS:
                channel.apply(start)
                assert channel.apply(target) == target
    assert seen
    for period, duty, enabled in seen:
        if enabled or strict:
            assert period > 0 and duty <= period


def test_the_strict_core_refuses_even_a_disabled_invalid_state(board: mock.Board) -> None:
    chip = board.add_pwm_chip(1, strict=True)
    board.sysfs_write(f"{chip.path}/export", "0")
    with pytest.raises(OSError, match="Invalid argument") as caught:
        board.sysfs_write(f"{chip.path}/pwm0/duty_cycle", "0")  # period 0: nothing but a period goes
    assert caught.value.errno == errno.EINVAL
    board.sysfs_write(f"{chip.path}/pwm0/period", "100")
    with pytest.raises(OSError, match="Invalid argument"):
        board.sysfs_write(f"{chip.path}/pwm0/duty_cycle", "101")


def test_apply_waits_for_udev_to_settle_the_new_files(board: mock.Board) -> None:
    chip = board.add_pwm_chip(1, udev_delay=3)
    with pwm.request(chip.name, 0) as channel:
        assert channel.apply(SERVO) == SERVO
    assert chip.output(0).enabled


def test_files_udev_never_opens_are_a_permission_error_and_nothing_stays_exported(
    board: mock.Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_sysfs, "SETTLE_S", 0.01)
    chip = board.add_pwm_chip(1, udev_delay=10**9)
    with pytest.raises(DevicePermissionError, match=r"read the state of PWM channel 0 .* udev rule"):
        pwm.request(chip.name, 0)
    assert not chip.exported(0)


def test_a_kernel_consumer_is_named_from_debugfs(board: mock.Board) -> None:
    chip = board.add_pwm_chip(2)
    chip.claim(1, "backlight")
    with pytest.raises(DeviceBusyError, match="the kernel consumer 'backlight' holds it"):
        pwm.request(chip.name, 1)
    assert chip.holder(1) == "backlight"
    chip.unclaim(1)
    with pwm.request(chip.name, 1):
        assert chip.holder(1) == "sysfs"
    assert chip.holder(1) is None


def test_an_unsupported_polarity_is_named_and_undone(board: mock.Board) -> None:
    chip = board.add_pwm_chip(1, polarities=("normal",), driver="pwm-bcm2835")
    with pwm.request(chip.name, 0) as channel:
        channel.apply(SERVO)
        with pytest.raises(OSError, match=r"polarity = inversed failed: .*\(pwm-bcm2835\) cannot make inversed"):
            channel.apply(pwm.Waveform(SERVO.period_ns, SERVO.duty_ns, pwm.Polarity.INVERSED))
        assert channel.waveform == SERVO  # switched off for the polarity, and on again
        assert chip.output(0) == PwmState(SERVO.period_ns, SERVO.duty_ns, "normal", True)


def _forget(name: str) -> None:
    pwm.request(name, 0)  # dropped at once
    gc.collect()


def test_a_forgotten_channel_is_unexported_with_a_warning(board: mock.Board) -> None:
    chip = board.add_pwm_chip(1)
    with pytest.warns(ResourceWarning, match="unclosed PWM channel 0"):
        _forget(chip.name)
    assert not chip.exported(0)


def test_chips_take_the_lowest_free_number_and_unique_names(board: mock.Board) -> None:
    first, second = board.add_pwm_chip(1), board.add_pwm_chip(3, "fe20c000.pwm")
    assert [(c.name, c.number) for c in (first, second)] == [("pwm-sim.0", 0), ("fe20c000.pwm", 1)]
    first.remove()
    assert board.add_pwm_chip(2).number == 0
    with pytest.raises(ValueError, match=r"named 'fe20c000\.pwm' already"):
        board.add_pwm_chip(1, "fe20c000.pwm")
    assert [info.name for info in pwm.chips()] == ["pwm-sim.0", "fe20c000.pwm"]


@pytest.mark.parametrize(
    ("text", "bits", "signed", "value"),
    [("10", 32, False, 10), ("0x1F\n", 32, False, 31), ("017", 32, False, 15), ("+3", 64, False, 3),
     ("-2", 32, True, -2), ("0", 32, False, 0)],
)  # fmt: skip
def test_kstrto_parses_as_the_kernel(text: str, bits: int, signed: bool, value: int) -> None:
    assert kstrto(text, bits, signed) == value


@pytest.mark.parametrize("text", ["", "0x", "08", "1\n\n", "-1", "1 ", "\n"])
def test_kstrto_refuses_as_the_kernel(text: str) -> None:
    with pytest.raises(OSError, match="Invalid argument") as caught:
        kstrto(text, 32)
    assert caught.value.errno == errno.EINVAL


def test_no_pwm_support_lists_no_chips(board: mock.Board) -> None:
    assert pwm.chips() == []


waveforms = st.builds(
    lambda period, part, polarity, enabled: pwm.Waveform(period, period * part // 64, polarity, enabled),
    st.one_of(st.integers(1, 100), st.integers(1, 2**64 - 1)),
    st.integers(0, 64),
    st.sampled_from(pwm.Polarity),
    st.booleans(),
)


@FUZZ
@given(st.lists(waveforms, min_size=1, max_size=6), st.booleans())
def test_any_run_of_waveforms_is_applied_as_asked(run: list[pwm.Waveform], strict: bool) -> None:
    """With a driver that takes every period (1 ns steps), no sequence of valid waveforms meets a refusal
    from the core, 6.1's or 6.12's: each apply() reads back exactly what it asked, and the hardware follows."""
    board = mock.Board()
    chip = board.add_pwm_chip(1, strict=strict)
    with pwm.request(chip.name, 0, backend=board) as channel:
        for waveform in run:
            assert channel.apply(waveform) == waveform
            out = chip.output(0)
            assert out.enabled is waveform.enabled
            if waveform.enabled:
                assert out == PwmState(waveform.period_ns, waveform.duty_ns, waveform.polarity.value, True)


def test_the_mock_sysfs_follows_links_and_answers_as_sysfs() -> None:
    board = mock.Board()
    chip = board.add_pwm_chip(1, "dev.pwm", bus="i2c", driver="pca9685-pwm")
    device = f"{chip.path}/device"
    assert board.sysfs_target(device) == "/sys/devices/i2c/dev.pwm"
    assert board.sysfs_list(device) == ["driver", "subsystem"]  # listed through the link
    assert board.sysfs_target(f"{device}/driver") == "/sys/bus/i2c/drivers/pca9685-pwm"
    assert board.sysfs_target(f"{chip.path}/npwm") is None  # not a link
    for call, path, err in [
        (board.sysfs_read, chip.path, errno.EISDIR),
        (board.sysfs_list, f"{chip.path}/npwm", errno.ENOTDIR),
        (board.sysfs_read, f"{chip.path}/nothing", errno.ENOENT),
    ]:
        with pytest.raises(OSError, match=os.strerror(err)) as caught:
            call(path)
        assert caught.value.errno == err
    chip.remove()
    assert pwm.chips(board) == []
    with pytest.raises(FileNotFoundError):
        board.sysfs_list(device)
