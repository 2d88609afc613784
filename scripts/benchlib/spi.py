"""SPI: 4 B, 4 KiB and 64 KiB messages, full duplex and write-only, on the loopback (chip select 0)
of the project's SPI controller simulator — linuxhw, py-spidev (xfer2, xfer3, writebytes2),
python-periphery and the C floor."""

from __future__ import annotations

import errno
import glob
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import linuxhw
from linuxhw import _fastpath, mock, spi
from linuxhw.mock.spi_models import Loopback

from .core import LINUXHW, Runner, optional_import

GROUP = "SPI"
SIM_DRIVER = "lhw-spi-sim"
SIZES = (4, 4096, 65536)
SPEED_HZ = 50_000_000  # the simulator's fastest clock
BUFSIZ_PARAMETER = "/sys/module/spidev/parameters/bufsiz"
SPIDEV_MODULE = "/sys/module/spidev/holders"  # present for a loadable module, absent when built in


def human(size: int) -> str:
    return f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB" if size >= 1 << 10 else f"{size} B"


def loopback_node() -> str:
    """/dev/spidevB.0 of the simulator's controller, found through sysfs (never by number)."""
    for device in glob.glob("/sys/bus/spi/devices/spi*.0"):
        if SIM_DRIVER in os.path.realpath(device):
            return f"/dev/spidev{os.path.basename(device)[3:]}"
    raise RuntimeError(f"no spidev node on chip select 0 of the {SIM_DRIVER} controller (linuxhw/vm/kmod/spi-sim)")


def bufsiz() -> int:
    try:
        with open(BUFSIZ_PARAMETER) as parameter:
            return int(parameter.read())
    except OSError:
        return 4096


def raise_bufsiz(wanted: int) -> str:
    """In the VM tier only: reload spidev with ``bufsiz=wanted`` when the boot did not set it (the
    kernel-tier pytest of the same boot wants the default). Returns why not, or ""."""
    if bufsiz() >= wanted:
        return ""
    why = f"spidev.bufsiz is {bufsiz()}; boot with spidev.bufsiz={wanted} (scripts/bench does)"
    if os.environ.get("LINUXHW_TEST_TIER") != "kernel" or os.geteuid() != 0 or not os.path.isdir(SPIDEV_MODULE):
        return why  # only a loaded module can be reloaded (Debian builds spidev in)
    print(f"bench: reloading spidev with bufsiz={wanted}", file=sys.stderr)
    for cmd in (["rmmod", "spidev"], ["modprobe", "spidev", f"bufsiz={wanted}"]):
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            return f"{why} ({' '.join(cmd)}: {proc.stderr.strip()})"
    for _ in range(100):  # the node comes back once spidev binds the simulator's devices again
        try:
            if os.path.exists(loopback_node()):
                break
        except RuntimeError:
            pass
        time.sleep(0.05)
    return "" if bufsiz() >= wanted else why


@contextmanager
def loopback(backend: str) -> Iterator[tuple[str, str]]:
    """(path of the loopback device, why the largest size cannot run or "")."""
    if backend == "mock":
        board = mock.Board()
        board.module_parameters["spidev.bufsiz"] = str(max(SIZES))
        board.add_spi_bus().add_device(0, Loopback())
        with linuxhw.use_backend(board):
            yield "/dev/spidev0.0", ""
        return
    why = raise_bufsiz(max(SIZES))
    with linuxhw.use_backend("real"):
        yield loopback_node(), why


def peer_refuses(call: Any, *args: Any) -> str:
    """Why a peer cannot do this size at all (its own limit), or "" — tried once before timing."""
    try:
        call(*args)
    except (OverflowError, ValueError, TypeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    except OSError as exc:
        if exc.errno == errno.EMSGSIZE:
            return f"EMSGSIZE: {exc}"
        raise
    return ""


def run(runner: Runner, backend: str) -> None:
    spidev, spidev_missing = optional_import("spidev")
    periphery, periphery_missing = optional_import("periphery")
    if backend == "mock":
        spidev = periphery = None
        spidev_missing = periphery_missing = "the mock backend's fds are not spidev devices"
    with loopback(backend) as (path, too_big), spi.Device(path, max_speed_hz=SPEED_HZ) as dev:
        peer = periphery_peer = None
        try:
            if spidev is not None:
                bus_cs = path.removeprefix("/dev/spidev").split(".")
                peer = spidev.SpiDev()
                peer.open(int(bus_cs[0]), int(bus_cs[1]))
                peer.max_speed_hz = SPEED_HZ
            if periphery is not None:
                periphery_peer = periphery.SPI(path, 0, SPEED_HZ)
            for size in SIZES:
                one_size(runner, dev, path, size, too_big if size > dev.bufsiz else "", peer, spidev_missing,
                         periphery_peer, periphery_missing)  # fmt: skip
        finally:
            if peer is not None:
                peer.close()
            if periphery_peer is not None:
                periphery_peer.close()


def one_size(runner: Runner, dev: spi.Device, path: str, size: int, too_big: str, peer: Any, spidev_missing: str,
             periphery_peer: Any, periphery_missing: str) -> None:  # fmt: skip
    duplex, write = f"full duplex {human(size)}", f"write {human(size)}"
    if too_big:
        for op, impls in ((duplex, ("linuxhw", "spidev xfer2", "spidev xfer3", "periphery")),
                          (write, ("linuxhw", "spidev writebytes2"))):  # fmt: skip
            for impl in (*impls, "C floor"):
                kind = "linuxhw" if impl == LINUXHW else "floor" if impl == "C floor" else "peer"
                runner.skip(GROUP, op, impl, kind, too_big, strict=False)  # the boot's limit, not a fault
        return
    data = bytes(range(256)) * (size // 256) or bytes(range(size))
    rx = bytearray(size)
    message = spi.Message([spi.Transfer(data, rx)])
    ns: dict[str, Any] = {"dev": dev, "data": data, "message": message, "lst": list(data), "peer": peer,
                          "p": periphery_peer}  # fmt: skip
    runner.python(GROUP, duplex, LINUXHW, "linuxhw", "dev.transfer(data)", ns, note="bytes in, bytes out")
    runner.python(GROUP, duplex, "linuxhw Message", "variant", "dev.transfer(message)", ns,
                  note="prebuilt Message: rx lands in a reused bytearray")  # fmt: skip
    runner.raw(GROUP, duplex, "exchange(fd, data)", {"exchange": _fastpath.spi_exchange, "fd": dev.fileno(),
                                                     "data": data})  # fmt: skip
    if peer is not None:
        for impl, stmt, call in (("spidev xfer2", "peer.xfer2(lst)", peer.xfer2),
                                 ("spidev xfer3", "peer.xfer3(lst)", peer.xfer3)):  # fmt: skip
            why = peer_refuses(call, list(data))
            if why:
                runner.na(GROUP, duplex, impl, "peer", why)
            else:
                runner.python(GROUP, duplex, impl, "peer", stmt, ns, note="list in, list out")
    else:
        for impl in ("spidev xfer2", "spidev xfer3"):
            runner.skip(GROUP, duplex, impl, "peer", spidev_missing)
    if periphery_peer is not None:
        runner.python(GROUP, duplex, "periphery", "peer", "p.transfer(data)", ns, note="bytes in, bytes out")
    else:
        runner.skip(GROUP, duplex, "periphery", "peer", periphery_missing)
    runner.floor(GROUP, duplex, "spi", [path, "duplex", size, SPEED_HZ, runner.target_ms, runner.settings.repeats])

    runner.python(GROUP, write, LINUXHW, "linuxhw", "dev.write(data)", ns)
    if peer is not None:
        why = peer_refuses(peer.writebytes2, data)
        if why:
            runner.na(GROUP, write, "spidev writebytes2", "peer", why)
        else:
            runner.python(GROUP, write, "spidev writebytes2", "peer", "peer.writebytes2(data)", ns)
    else:
        runner.skip(GROUP, write, "spidev writebytes2", "peer", spidev_missing)
    runner.na(GROUP, write, "periphery", "peer", "periphery has no write-only call")
    runner.floor(GROUP, write, "spi", [path, "write", size, SPEED_HZ, runner.target_ms, runner.settings.repeats])
