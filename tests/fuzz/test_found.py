# mypy: disable-error-code="arg-type, dict-item"
# (every case passes a wrong type on purpose)
"""The bugs the fuzz tests found, one regression test each (the fuzz tests find them again only by chance)."""

from __future__ import annotations

import math
from typing import Any, Callable

import pytest

from linuxhw import dmabuf, gpio, i2c, spi
from linuxhw._args import poll_timeout
from tests.fuzz.harness import fuzzed


def _on_request(call: Callable[[gpio.LineRequest], Any]) -> Callable[[], Any]:
    def run() -> Any:
        with gpio.request_lines(0, {0: gpio.LineSettings(direction=gpio.Direction.OUTPUT)}) as request:
            return call(request)

    return run


def _on(open_handle: Callable[[], Any], call: Callable[[Any], Any]) -> Callable[[], Any]:
    def run() -> Any:
        with open_handle() as handle:
            return call(handle)

    return run


def _on_eeprom(call: Callable[[i2c.Device], Any]) -> Callable[[], Any]:
    return _on(lambda: i2c.Bus(1), lambda bus: call(bus.device(0x50)))


def _on_spi(call: Callable[[spi.Device], Any]) -> Callable[[], Any]:
    return _on(lambda: spi.Device((1, 0)), call)


@pytest.mark.parametrize(
    ("call", "error", "names"),
    [
        (lambda: gpio.request_lines(0, None), TypeError, "config"),  # was AttributeError
        (lambda: gpio.request_lines(0, {0: None}, consumer=b"me"), TypeError, "consumer"),
        (_on_request(lambda r: r.get_bits("1")), TypeError, "mask"),  # was Python's '<' message
        (_on_request(lambda r: r.set_bits(1.0)), TypeError, "bits"),
        (_on_request(lambda r: r.get_values("GPIO0")), TypeError, "lines"),  # iterated the characters
        (_on_request(lambda r: r.set_values([0])), TypeError, "values"),
        (_on_request(lambda r: r.reconfigure({0: 1})), TypeError, "settings"),  # accepted, broke later
        (_on_request(lambda r: r.read_edge_events(timeout="0")), TypeError, "timeout"),
        (_on_request(lambda r: r.read_edge_events(timeout=math.nan)), ValueError, "timeout"),
        (_on(lambda: gpio.Chip(0), lambda c: c.read_info_event(timeout=b"")), TypeError, "timeout"),
        (lambda: i2c.Message.read(0x50, 3_000_000_000), ValueError, "size"),  # was MemoryError
        (lambda: i2c.Message(0x50, None, b"", 0), TypeError, "flags"),
        (lambda: i2c.Message.write(0x50, None), TypeError, "data"),
        (_on_eeprom(lambda d: d.write_register_value(0, 1, 2**31)), ValueError, "size"),  # allocated 2 GiB
        (_on_eeprom(lambda d: d.write(None)), TypeError, "data"),
        (_on(lambda: i2c.Bus(1), lambda b: b.set_timeout("1")), TypeError, "seconds"),
        (_on(lambda: i2c.Bus(1), lambda b: b.scan(None)), TypeError, "first"),
        (lambda: spi.Transfer(rx=1 << 40), ValueError, "rx"),  # was MemoryError
        (lambda: spi.Transfer(b"", rx=0.0), TypeError, "rx"),
        (lambda: spi.Message(None), TypeError, "transfers"),
        (_on(lambda: i2c.Bus(1), lambda b: b.set_timeout(-math.inf)), ValueError, "timeout"),  # OverflowError
        (_on(lambda: i2c.Bus(1), lambda b: b.scan(-1, 0.0)), TypeError, "last"),  # formatted a float with :x
        (_on_eeprom(lambda d: d.write_block_data(0, 5)), TypeError, "data"),  # sent bytes(5): five zeros
        (_on_eeprom(lambda d: d.write_i2c_block_data(0, 2**62)), TypeError, "data"),  # MemoryError
        (lambda: spi.Transfer(b"1", cs_change=None), None, ""),  # int(None) escaped
        (_on_spi(lambda d: d.write(None)), TypeError, "data"),
        (_on_spi(lambda d: d.transfer(None)), TypeError, "what"),
        (_on_spi(lambda d: d.read(1 << 40)), ValueError, "bufsiz"),  # allocated before refusing
        (_on_spi(lambda d: setattr(d, "mode", 1 << 20)), ValueError, "mode"),  # went to the kernel
        (lambda: dmabuf.allocate(4096, None), TypeError, "prefer"),
        (lambda: poll_timeout(1e306), None, ""),  # OverflowError in ceil(inf): every wait(timeout) had it
        (lambda: dmabuf.from_memfd_ranges([2**31]), ValueError, "memfd"),  # was OverflowError
    ],
)
def test_found_bug_is_refused_naming_the_argument(
    call: Callable[[], Any], error: type[Exception] | None, names: str
) -> None:
    """``error`` naming ``names`` comes out; None: the call now works."""
    with fuzzed("found"):
        if error is None:
            call()
            return
        with pytest.raises(error, match=names):
            call()
