"""Conformance: spi_async's ordering rule on every path. Messages to one device run in FIFO order,
nothing else reaches the device until a completion callback returns, and the synchronous calls
take their turn in the same queue. Order is read off the wire record, never off a clock."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from functools import partial
from typing import Any

import pytest

from linuxhw import ClosedError, _fastpath, spi
from linuxhw.spi import Message, Transfer
from tests.spi.conftest import SpiWorld
from tests.waiting import DEADLINE

# A synchronous call, prepared before anything is queued (so a reference to dev.write taken early,
# the C writer on the kernel backend, is covered too), and the transfers it puts on the wire
# as (length, speed): the fixture's device runs at 1 MHz.
SYNC_CALLS: dict[str, tuple[Callable[[spi.Device], Callable[[], object]], list[tuple[int, int]]]] = {
    "transfer(bytes)": (lambda dev: partial(dev.transfer, b"\x5a"), [(1, 1_000_000)]),
    "transfer(Message)": (lambda dev: partial(dev.transfer, Message([Transfer(b"\x5a")])), [(1, 1_000_000)]),
    "transfer(memoryview)": (lambda dev: partial(dev.transfer, memoryview(b"\x5a")), [(1, 1_000_000)]),
    "write, looked up when called": (lambda dev: lambda: dev.write(b"\x5a"), [(1, 1_000_000)]),
    "write, a reference kept from before": (lambda dev: partial(dev.write, b"\x5a"), [(1, 1_000_000)]),
    "write(split=True)": (lambda dev: partial(dev.write, bytes(4097), split=True), [(4096, 1_000_000),
                                                                                     (1, 1_000_000)]),
    "read": (lambda dev: partial(dev.read, 1), [(1, 1_000_000)]),
    "write_then_read": (lambda dev: partial(dev.write_then_read, b"\x5a", 1), [(1, 1_000_000), (1, 1_000_000)]),
    "a setting": (lambda dev: partial(setattr, dev, "max_speed_hz", 2_000_000), []),
}  # fmt: skip


def wait(event: threading.Event, what: str) -> None:
    assert event.wait(DEADLINE), f"{what} within {DEADLINE} s"


class Holder:
    """A completion callback that holds the device until released, so the queue is provably busy."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.released = threading.Event()
        self.statuses: list[int] = []

    def __call__(self, status: int) -> None:
        self.statuses.append(status)
        self.entered.set()
        if not self.released.wait(DEADLINE):
            raise AssertionError(f"the test never released the callback within {DEADLINE} s")


@pytest.fixture
def holder() -> Iterator[Holder]:
    hold = Holder()
    yield hold
    hold.released.set()  # never leave the worker blocked, whatever failed


def queued_signal(device: spi.Device, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set when something is queued on ``device`` from now on (a synchronous call waiting its turn)."""
    queued = threading.Event()
    submit = device._queue.submit

    def spy(function: Callable[[], Any]) -> Future[Any]:
        future = submit(function)
        queued.set()
        return future

    monkeypatch.setattr(device._queue, "submit", spy)
    return queued


def in_thread(call: Callable[[], object]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def target() -> None:
        try:
            call()
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, errors


@pytest.mark.parametrize("name", SYNC_CALLS)
def test_a_synchronous_call_waits_behind_queued_messages_and_their_callbacks(
    world: SpiWorld, loopback: spi.Device, holder: Holder, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    prepare, its_wire = SYNC_CALLS[name]
    call = prepare(loopback)
    first = loopback.submit(Transfer(bytes(2)), holder)
    second = loopback.submit(Transfer(bytes(3)))
    wait(holder.entered, "the first message's callback ran")
    queued = queued_signal(loopback, monkeypatch)
    thread, errors = in_thread(call)
    wait(queued, f"{name} queued behind the message whose callback is still running")
    assert thread.is_alive() and not errors
    assert [(w.length, w.speed_hz) for w in world.wire()] == [(2, 1_000_000)]  # nothing overtook the callback
    holder.released.set()
    thread.join(DEADLINE)
    assert not thread.is_alive() and not errors
    assert (first.result(DEADLINE), second.result(DEADLINE), holder.statuses) == (2, 3, [0])
    assert [(w.length, w.speed_hz) for w in world.wire()] == [(2, 1_000_000), (3, 1_000_000), *its_wire]


def test_synchronous_calls_run_at_once_when_nothing_is_queued(world: SpiWorld, loopback: spi.Device) -> None:
    assert loopback.submit(Transfer(bytes(2))).result(DEADLINE) == 2  # the queue has run dry again
    assert not loopback._busy  # the flag every synchronous call checks first
    assert isinstance(loopback.write, _fastpath.SpiWriter) == (world.board is None)  # the C write is back
    loopback.write(b"\x01")
    assert loopback.transfer(b"\x02\x03") == b"\x02\x03"
    assert [w.length for w in world.wire()] == [2, 1, 2]


def test_a_callback_holds_the_device_for_its_own_calls(world: SpiWorld, loopback: spi.Device) -> None:
    replies: list[bytes] = []
    gate = threading.Event()
    blocker = loopback._queue.submit(partial(gate.wait, DEADLINE))  # keeps both messages queued together
    first = loopback.submit(Transfer(bytes(2)), lambda status: replies.append(loopback.transfer(b"\x01\x02\x03\x04")))
    second = loopback.submit(Transfer(bytes(3)))
    gate.set()
    assert (blocker.result(DEADLINE), first.result(DEADLINE), second.result(DEADLINE)) == (True, 2, 3)
    assert replies == [b"\x01\x02\x03\x04"]
    assert [w.length for w in world.wire()] == [2, 4, 3]  # the callback's call before the next message


def test_close_in_a_callback_finishes_the_queue_then_closes(world: SpiWorld) -> None:
    device = spi.Device(world.loopback_path)
    world.clear_wire()
    refused: list[str] = []

    def close_now(status: int) -> None:
        device.close()  # the worker cannot wait for itself: it must return at once
        device.close()
        for late in (partial(device.transfer, b"x"), partial(device.submit, Transfer(b"x"))):
            try:
                late()
            except ClosedError as exc:
                refused.append(str(exc))

    gate = threading.Event()
    device._queue.submit(partial(gate.wait, DEADLINE))  # keeps both messages queued together
    first = device.submit(Transfer(bytes(2)), close_now)
    second = device.submit(Transfer(bytes(3)))  # queued before the close: still runs
    gate.set()
    assert (first.result(DEADLINE), second.result(DEADLINE)) == (2, 3)
    assert len(refused) == 2 and all("is closed" in r for r in refused)
    with pytest.raises(ClosedError):
        device.write(b"x")
    device.close()  # waits for the close queued by the callback
    assert device.closed
    assert [w.length for w in world.wire()] == [2, 3]


def test_callbacks_queued_before_a_close_still_use_the_device(world: SpiWorld) -> None:
    device = spi.Device(world.loopback_path)
    world.clear_wire()
    got: list[bytes] = []

    def close_now(status: int) -> None:
        device.close()

    def use_it(status: int) -> None:  # its message was queued before the close: the device is still its
        got.append(device.transfer(b"\x05\x06"))

    gate = threading.Event()
    device._queue.submit(partial(gate.wait, DEADLINE))  # keeps both messages queued together
    first = device.submit(Transfer(bytes(2)), close_now)
    second = device.submit(Transfer(bytes(3)), use_it)
    gate.set()
    assert (first.result(DEADLINE), second.result(DEADLINE)) == (2, 3)
    assert got == [b"\x05\x06"]
    device.close()
    assert device.closed
    assert [w.length for w in world.wire()] == [2, 3, 2]


def test_close_elsewhere_waits_for_the_queue_and_its_callbacks(world: SpiWorld, holder: Holder) -> None:
    device = spi.Device(world.loopback_path)
    world.clear_wire()
    first = device.submit(Transfer(bytes(2)), holder)
    second = device.submit(Transfer(bytes(3)))
    wait(holder.entered, "the first message's callback ran")
    closer, errors = in_thread(device.close)
    holder.released.set()
    closer.join(DEADLINE)
    assert not closer.is_alive() and not errors
    assert (first.result(0), second.result(0), device.closed) == (2, 3, True)
    assert [w.length for w in world.wire()] == [2, 3]
