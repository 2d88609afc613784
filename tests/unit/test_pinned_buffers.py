"""Messages and transfers keep callers' buffers exported through the object a memoryview views, so the
garbage collector can clear the view (CPython before 3.12.7 crashed when it cleared one still exported)."""

from __future__ import annotations

import subprocess
import sys

from linuxhw._buffers import pin
from linuxhw._uapi import ffi
from tests.waiting import DEADLINE

CYCLES = """
import gc
from linuxhw.i2c import Message
from linuxhw.spi import Transfer

class Node:
    pass

for build in (lambda v: Message.write(0x50, v), lambda v: Message.read(0x50, v),
              lambda v: Transfer(tx=v), lambda v: Transfer(rx=v)):
    view = memoryview(bytearray(b"abcd"))[1:3]
    node = Node()
    node.self, node.view, node.built = node, view, build(view)  # a cycle holding the view and its user
    del node, view
    gc.collect()
print("collected")
"""


def assert_collects(script: str) -> None:
    """``script`` runs to its end in a child (a crash in gc.collect() would take this process along)."""
    done = subprocess.run([sys.executable, "-X", "dev", "-c", script], capture_output=True, text=True,
                          timeout=DEADLINE, check=False)  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (0, "collected\n", "")


def test_messages_and_transfers_in_reference_cycles_are_collected() -> None:
    assert_collects(CYCLES)


FAILED_CALLS = """
import gc
import linuxhw
from linuxhw import i2c, spi

linuxhw.set_backend("mock")
bus = i2c.Bus("linuxhw i2c simulator")
flash = spi.Device((0, 1))
kept = []
for call in (lambda v: bus.device(0x3d).write(v), lambda v: bus.device(0x3d).read(v),
             lambda v: flash.transfer(v), lambda v: flash.write(v)):
    view = memoryview(bytearray(4096 * 2))[1:]  # nobody answers at 0x3d; spidev refuses > bufsiz
    try:
        call(view)
    except Exception as exc:
        kept.append(exc)  # the traceback holds the failed call's frame, its arguments and locals
    del view
kept.append(kept)  # and a cycle holds the tracebacks
del kept
gc.collect()
bus.close()
flash.close()
print("collected")
"""


def test_failed_calls_release_the_callers_view() -> None:
    assert_collects(FAILED_CALLS)


def test_a_view_is_pinned_through_the_bytes_it_views() -> None:
    data = bytearray(b"........")
    view = memoryview(data)[2:6]
    address, nbytes, keeper = pin(view, writable=True)
    view.release()  # the view itself is not exported, so it can go at any time
    assert (address - pin(data)[0], nbytes) == (2, 4)
    ffi.buffer(ffi.cast("__u8 *", address), nbytes)[:] = b"abcd"
    assert data == bytearray(b"..abcd..")
    del keeper


def test_plain_buffers_are_pinned_as_they_are() -> None:
    data = b"xyz"
    address, nbytes, keeper = pin(data)
    assert (bytes(ffi.buffer(ffi.cast("__u8 *", address), nbytes)), len(keeper)) == (b"xyz", 3)
