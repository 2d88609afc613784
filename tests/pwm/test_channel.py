"""PWM through sysfs on both backends: chips by name, channels requested and released, waveforms
applied and read back, and each refusal a clear error that leaves nothing exported."""

from __future__ import annotations

import errno
import functools
import os
import re

import pytest

from linuxhw import DeviceBusyError, DeviceError, DeviceNotFoundError, UnsupportedError, pwm
from tests.conftest import kernel_version
from tests.pwm.conftest import NAME, NPWM, TICK_NS, PwmWorld
from tests.threads import run_together

SERVO = pwm.Waveform.from_frequency(50, 0.075)  # 20 ms period, 1.5 ms pulse


def test_the_chip_is_listed_by_its_device_name(world: PwmWorld) -> None:
    info = next(info for info in pwm.chips() if info.name == NAME)
    assert (info.npwm, info.bus, info.driver, info.chardev) == (NPWM, "platform", "pwm-sim", None)
    assert info.path == world.path == f"/sys/class/pwm/pwmchip{info.number}"


def test_a_chip_is_found_by_name_or_path_never_by_number(world: PwmWorld) -> None:
    with pwm.Chip(NAME) as by_name, pwm.Chip(world.path) as by_path:
        assert by_name.info == by_path.info
    with pytest.raises(TypeError, match=r"device name .* change between boots"):
        pwm.Chip(0)  # type: ignore[arg-type]
    with pytest.raises(DeviceNotFoundError, match=f"no PWM chip named 'nope'; here: .*'{NAME}'"):
        pwm.Chip("nope")


def test_request_exports_and_close_unexports(world: PwmWorld, chip: pwm.Chip) -> None:
    with chip.request(2) as channel:
        assert world.exported() == ["pwm2"]
        assert channel.path == f"{world.path}/pwm2"
    assert world.exported() == []
    assert channel.closed
    channel.close()  # again: nothing happens
    with chip.request(2):  # free again
        assert world.exported() == ["pwm2"]


def test_apply_reports_the_state_and_the_hardware_rounds_down(world: PwmWorld, chip: pwm.Chip) -> None:
    asked = pwm.Waveform(1_000_007, 333_339)
    with chip.request(0) as channel:
        assert channel.apply(asked) == asked  # sysfs reports what the core applied
        assert channel.waveform == asked
        out = world.output(0)
        assert (out.period_ns, out.duty_ns, out.enabled, out.polarity) == (1_000_000, 333_330, True, "normal")
    with chip.request(0) as again:  # a new request reads the hardware (the driver's get_state)
        assert again.waveform == pwm.Waveform(1_000_000, 333_330)
        again.disable()


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (pwm.Waveform(1_000_000, 900_000), pwm.Waveform(100_000, 50_000)),  # the period shrinks below the duty
        (pwm.Waveform(100_000, 50_000), pwm.Waveform(1_000_000, 900_000)),  # the duty grows past the period
        (pwm.Waveform(1_000_000, 0), pwm.Waveform(1_000_000, 1_000_000)),  # never active to always active
        (pwm.Waveform(1_000_000, 500_000), pwm.Waveform(2_000_000, 100_000, pwm.Polarity.INVERSED)),
        (pwm.Waveform(1_000_000, 500_000, pwm.Polarity.INVERSED), pwm.Waveform(10_000, 10_000, enabled=False)),
    ],
)
def test_any_waveform_reaches_any_other(
    world: PwmWorld, chip: pwm.Chip, start: pwm.Waveform, target: pwm.Waveform
) -> None:
    with chip.request(1) as channel:
        assert channel.apply(start) == start
        assert channel.apply(target) == target
        out = world.output(1)
        assert out.enabled is target.enabled
        if target.enabled:
            assert (out.period_ns, out.duty_ns, out.polarity) == (
                target.period_ns,
                target.duty_ns,
                target.polarity.value,
            )
        channel.disable()


def test_enable_and_disable_keep_the_rest(world: PwmWorld, chip: pwm.Chip) -> None:
    with chip.request(3) as channel:
        channel.apply(SERVO)
        assert channel.disable() == pwm.Waveform(SERVO.period_ns, SERVO.duty_ns, enabled=False)
        assert world.output(3).enabled is False
        assert channel.enable() == SERVO
        assert world.output(3).enabled is True
        channel.disable()


def test_a_refused_step_is_undone_and_named(world: PwmWorld, chip: pwm.Chip) -> None:
    with chip.request(0) as channel:
        channel.apply(SERVO)
        too_short = pwm.Waveform(TICK_NS // 2, 0)  # the driver's counter cannot count it
        with pytest.raises(DeviceError, match=r"set PWM channel 0 of 'pwm-sim.0': period = 5 failed") as caught:
            channel.apply(too_short)
        assert caught.value.errno == errno.EINVAL
        assert caught.value.filename == f"{world.path}/pwm0/period"
        assert channel.waveform == SERVO  # the duty lowered before the period was put back
        channel.disable()


def test_a_channel_another_program_exported_is_busy_unless_adopted(world: PwmWorld, chip: pwm.Chip) -> None:
    world.export_elsewhere(1)
    with pytest.raises(DeviceBusyError, match=r"exported through sysfs already .*pwm1 exists.*adopt=True"):
        chip.request(1)
    assert world.exported() == ["pwm1"]  # still the other program's
    with chip.request(1, adopt=True) as channel:
        channel.apply(SERVO)
    assert world.exported() == []  # adopted: released as our own


def test_a_channel_a_kernel_driver_holds_is_busy_and_nothing_is_exported(world: PwmWorld, chip: pwm.Chip) -> None:
    world.claim(2)
    with pytest.raises(DeviceBusyError, match=r"request PWM channel 2 of 'pwm-sim\.0' failed: .* holds it"):
        chip.request(2)
    with pytest.raises(DeviceBusyError):
        chip.request(2, adopt=True)  # nothing to adopt: no pwm2 exported
    assert world.exported() == []


def test_one_program_cannot_request_a_channel_twice(world: PwmWorld, chip: pwm.Chip) -> None:
    with chip.request(0) as first:
        with pytest.raises(DeviceBusyError, match="this program holds it already"):
            chip.request(0)
        with pytest.raises(DeviceBusyError):
            chip.request(0, adopt=True)
        assert not first.closed
    assert world.exported() == []


@pytest.mark.parametrize("channel", [-1, NPWM, 99])
def test_a_channel_past_npwm_is_refused_before_the_kernel(world: PwmWorld, chip: pwm.Chip, channel: int) -> None:
    with pytest.raises(ValueError, match=rf"channel must be 0\.\.{NPWM - 1} on PWM chip 'pwm-sim.0' .* not {channel}"):
        chip.request(channel)
    with pytest.raises(TypeError, match="channel must be an int"):
        chip.request("1")  # type: ignore[arg-type]
    assert world.exported() == []


def test_a_closed_channel_refuses_use(world: PwmWorld, chip: pwm.Chip) -> None:
    channel = chip.request(0)
    channel.close()
    with pytest.raises(ValueError, match="is closed"):
        channel.apply(SERVO)
    with pytest.raises(ValueError, match="is closed"):
        _ = channel.waveform


CHARDEV = "/dev/pwmchipN, the PWM character device, needs Linux 6.16+"


def test_round_names_the_character_device_of_6_16(world: PwmWorld, chip: pwm.Chip) -> None:
    if world.board is None and kernel_version() >= (6, 16):
        pytest.skip(f"this kernel has {CHARDEV}: round() there is not linuxhw's sysfs answer")
    kernel = re.escape(f" (this kernel is {os.uname().release})") if world.board is None else ""
    with pytest.raises(UnsupportedError, match=rf"/dev/pwmchip{chip.info.number}, .*Linux 6\.16\+.* here{kernel};"):
        chip.round(SERVO)


def test_the_character_device_is_listed_where_the_kernel_has_one(world: PwmWorld, chip: pwm.Chip) -> None:
    if world.board is not None:
        pytest.skip("the mock board models no /dev/pwmchipN")
    if kernel_version() < (6, 16):
        pytest.skip(f"{CHARDEV} (this kernel is {os.uname().release})")
    assert chip.info.chardev == f"/dev/pwmchip{chip.info.number}"


def test_pwm_request_finds_the_chip_by_name(world: PwmWorld) -> None:
    with pwm.request(NAME, 3) as channel:
        assert channel.chip.name == NAME
        assert world.exported() == ["pwm3"]


def test_a_channel_whose_chip_went_away_says_so(world: PwmWorld, chip: pwm.Chip) -> None:
    channel = chip.request(1)
    with world.unbound():
        assert world.backend.sysfs_list("/sys/class/pwm").count(os.path.basename(world.path)) == 0
        with pytest.raises(DeviceNotFoundError, match="the channel is gone: its chip was removed"):
            channel.apply(SERVO)
        channel.close()  # the kernel unexported it with the chip
    assert world.exported() == []


def test_threads_applying_to_one_channel_leave_one_whole_waveform(world: PwmWorld, chip: pwm.Chip) -> None:
    """Each apply() is a run of writes: two threads' runs never interleave into a period of one and a duty
    of the other, in what sysfs reports or in the hardware."""
    shapes = [pwm.Waveform(1_000_000, 900_000), pwm.Waveform(100_000, 10_000, pwm.Polarity.INVERSED)]
    with chip.request(0) as channel:

        def work(shape: pwm.Waveform) -> None:
            for _ in range(10):
                assert channel.apply(shape) in shapes

        run_together({f"apply {n}": functools.partial(work, shape) for n, shape in enumerate(shapes)})
        final = channel.waveform
        assert final in shapes
        out = world.output(0)
        assert (out.period_ns, out.duty_ns, out.polarity) == (final.period_ns, final.duty_ns, final.polarity.value)
        channel.disable()
