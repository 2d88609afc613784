"""Fuzzing linuxhw.spi: every public constructor and call with hostile arguments on a checked mock board.

The demo board has an ADC on spidev0.0, a serial flash on spidev0.1 and a loopback on spidev1.0.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linuxhw import spi
from linuxhw._uapi import lib
from tests.fuzz.harness import Fuzzed, Op, anything, close_result, either, fuzzed, method_op, optional
from tests.fuzz.profiles import FUZZ
from tests.fuzz.strategies import buffers, sizes, small_ints

devices = either(st.sampled_from([(0, 0), (0, 1), (1, 0), (2, 0), (0, -1), "/dev/spidev1.0", "spidev0.0", "nope"]))
modes = either(st.one_of(st.none(), st.sampled_from(spi.Mode), st.integers(-1, 1 << 20)))
speeds = either(st.one_of(st.none(), st.integers(-1, 100_000_000)))
words = either(st.one_of(st.none(), st.integers(-1, 40)))
flags = either(st.booleans())
io = either(buffers)
transfer_options = optional(
    length=either(st.one_of(st.none(), sizes)),
    speed_hz=speeds,
    bits_per_word=words,
    delay_us=either(small_ints),
    word_delay_us=either(small_ints),
    cs_change=flags,
    tx_nbits=either(st.sampled_from([0, 1, 2, 4, 8, 3])),
    rx_nbits=either(st.sampled_from([0, 1, 2, 4, 8, 3])),
)


def _open() -> spi.Device:
    return spi.Device((1, 0))  # the loopback


def _modes_judged_by_kernel(world: Fuzzed) -> None:
    """Which mode flags the controller supports, and which this spidev lets user space set (6.4 added
    the MOSI idle bits), only the kernel knows: it answers EINVAL."""
    world.allow_kernel_check(lib.SPI_IOC_WR_MODE)
    world.allow_kernel_check(lib.SPI_IOC_WR_MODE32)


def _set_mode(world: Fuzzed, data: st.DataObject) -> None:
    _modes_judged_by_kernel(world)
    method_op(_open, "__setattr__", st.just("mode"), modes)(world, data)


def _device(world: Fuzzed, data: st.DataObject) -> None:
    _modes_judged_by_kernel(world)
    options = data.draw(optional(mode=modes, max_speed_hz=speeds, bits_per_word=words))
    close_result(world.call(spi.Device, data.draw(devices), **options))


def _transfer_args(data: st.DataObject) -> tuple[Any, Any, dict[str, Any]]:
    tx = data.draw(either(st.one_of(st.none(), buffers)))
    rx = data.draw(either(st.one_of(st.none(), st.booleans(), sizes, buffers.map(bytearray))))
    return tx, rx, data.draw(transfer_options)


def _new_transfer(world: Fuzzed, data: st.DataObject) -> Any:
    tx, rx, options = _transfer_args(data)
    return world.call(spi.Transfer, tx, rx, **options)


def _message(world: Fuzzed, data: st.DataObject) -> Any:
    transfers = [_new_transfer(world, data) for _ in range(data.draw(st.integers(0, 3)))]
    transfers = [t if t is not None else data.draw(anything) for t in transfers]
    return world.call(spi.Message, data.draw(either(st.just(transfers))))


def _run(method: str) -> Op:
    """``transfer``/``submit``/``transfer_async`` of a fuzzed Transfer, Message or buffer."""

    def op(world: Fuzzed, data: st.DataObject) -> None:
        what = data.draw(st.sampled_from(["transfer", "message", "other"]))
        runnable = (
            _new_transfer(world, data)
            if what == "transfer"
            else _message(world, data)
            if what == "message"
            else data.draw(io)
        )
        with _open() as device:
            result = world.call(getattr(device, method), runnable)
            if hasattr(result, "result"):
                world.call(result.result, 10)
            elif hasattr(result, "__await__"):
                result.close()  # a coroutine: its argument checks ran when it was created

    return op


OPS: dict[str, Op] = {
    "Device": _device,
    "Transfer": _new_transfer,
    "Message": _message,
    "Device.transfer": _run("transfer"),
    "Device.submit": _run("submit"),
    # split=True reads any size asked for, in chunks: no huge sizes there
    "Device.read": method_op(_open, "read", either(sizes), split=st.just(False)),
    "Device.write": method_op(_open, "write", io, split=flags),
    "Device.write_then_read": method_op(_open, "write_then_read", io, either(sizes)),
    "Device.mode": _set_mode,
    "Device.max_speed_hz": method_op(_open, "__setattr__", st.just("max_speed_hz"), speeds),
    "Device.bits_per_word": method_op(_open, "__setattr__", st.just("bits_per_word"), words),
}


@pytest.mark.parametrize("name", list(OPS))
@FUZZ
@given(data=st.data())
def test_spi_call(name: str, data: st.DataObject) -> None:
    with fuzzed("spi") as world:
        OPS[name](world, data)
