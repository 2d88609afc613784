"""Test tiers: the conformance suite runs on the mock everywhere and also on the real kernel in the VM.

``LINUXHW_TEST_TIER=kernel`` (set by scripts/vmtest inside the guest) adds the "real"
backend, which drives the kernel's own simulators; tests marked ``kernel`` run only there.
A kernel may lack optional features (Debian's 6.1 has no DMA-BUF heaps and no udmabuf):
the tests that need one call :func:`require_kernel_devices` and skip, naming it.
"""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

import pytest

import linuxhw
from linuxhw import mock
from linuxhw._kernel.real import RealBackend

TIER = os.environ.get("LINUXHW_TEST_TIER", "mock")
CURRENT_TEST_FILE = os.environ.get("LINUXHW_CURRENT_TEST_FILE")  # set by scripts/vmtest (linuxhw.vm.progress)
FAILED_TESTS_FILE = os.environ.get("LINUXHW_FAILED_TESTS_FILE")
BACKENDS = ["mock", "real"] if TIER == "kernel" else ["mock"]
_labels = itertools.count()


class SimChip(Protocol):
    """What a test drives: a gpio-sim bank or a mock chip, seen through the same control API."""

    chip_name: str
    label: str

    def set_pull(self, offset: int, value: int) -> None: ...

    def get_value(self, offset: int) -> int: ...


class GpioSimulator:
    """Creates simulated GPIO chips on the backend under test and removes them afterwards."""

    def __init__(self, backend_name: str) -> None:
        self.backend_name = backend_name
        self._sims: list[Any] = []
        if backend_name == "mock":
            self.board: mock.Board | None = mock.Board()
            self.backend: linuxhw.Backend = self.board
        else:
            self.board = None
            self.backend = RealBackend()

    def add_chip(
        self,
        num_lines: int = 8,
        label: str | None = None,
        names: Mapping[int, str] | None = None,
        hogs: Mapping[int, tuple[str, str]] | None = None,
    ) -> SimChip:
        """A new chip; its label is unique per test run unless given."""
        label = label or f"lhw-test-{os.getpid()}-{next(_labels)}"
        if self.board is not None:
            chip: SimChip = self.board.add_gpio_chip(num_lines, label=label, names=names, hogs=hogs)
            return chip
        from linuxhw.sim import GpioSim

        sim = GpioSim()
        self._sims.append(sim)
        bank = sim.add_bank(num_lines, label=label, names=names, hogs=hogs)  # type: ignore[arg-type]
        sim.enable()
        return bank  # type: ignore[return-value]

    def path(self, chip: SimChip) -> str:
        return f"/dev/{chip.chip_name}"

    def remove(self, chip: SimChip) -> None:
        """Take a chip away while it may be in use: gpio-sim's ``live`` = 0, the mock's remove()."""
        if self.board is not None:
            chip.remove()  # type: ignore[attr-defined]
            return
        for sim in self._sims:
            if chip in sim.banks:
                sim.disable()

    def close(self) -> None:
        for sim in self._sims:
            sim.close()


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sim(backend_name: str) -> Iterator[GpioSimulator]:
    """Simulated GPIO chips on the backend under test, selected as the current backend."""
    simulator = GpioSimulator(backend_name)
    try:
        with linuxhw.use_backend(simulator.backend):
            yield simulator
    finally:
        simulator.close()
    if simulator.board is not None:
        assert simulator.board.open_files() == 0, "a test leaked a mock fd"


DMA_HEAP_SYSTEM = "/dev/dma_heap/system"
UDMABUF = "/dev/udmabuf"


def require_kernel_devices(*paths: str) -> None:
    """Skip the calling test unless this kernel has these optional devices (probed by check_kernel_tier)."""
    from linuxhw.sim import check_kernel_tier

    absent = {check.name: check.hint for check in check_kernel_tier().absent}
    needs = [absent[path] for path in paths if path in absent]
    if needs:
        pytest.skip(f"{'; '.join(needs)} (not in this kernel {os.uname().release})")


def kernel_version() -> tuple[int, int]:
    """The running kernel's (major, minor): only for behaviour that nothing but the call under test could probe."""
    major, minor = os.uname().release.split(".")[:2]
    return int(major), int(minor)


# spidev lets user space set SPI_3WIRE_HIZ and SPI_MOSI_IDLE_LOW since 6.4 (they joined its SPI_MODE_MASK with
# the MOSI idle bits); 6.1's spidev refuses them with EINVAL.
SPIDEV_SETS_MOSI_IDLE_LOW = kernel_version() >= (6, 4)


def reaches_the_kernel(item: pytest.Item) -> bool:
    """What the kernel tier's guest runs: the kernel-only tests, the real-backend half of the conformance
    suite, and tests marked ``guest`` (they reach the kernel by their own means). The rest only ever drives
    a mock board: the mock tier of the same CI run ran it on the host, and under emulation it would cost
    half the guest's time and check nothing of the kernel."""
    if "kernel" in item.keywords or "guest" in item.keywords:
        return True
    callspec = getattr(item, "callspec", None)
    return callspec is not None and "real" in callspec.params.values()


def named_on_the_command_line(config: pytest.Config) -> tuple[str, ...]:
    """The test paths or node ids the run was given, as node id prefixes (the default ``tests`` names none)."""
    named = []
    for arg in map(str, config.args):
        path, _, node = arg.partition("::")
        relative = os.path.relpath(os.path.abspath(path), config.rootpath)
        if relative not in ("tests", "."):
            if node:
                named.append(f"{relative}::{node}")
            else:  # a file's tests, or a directory's (not its namesakes: tests/cli is not tests/cli_x)
                named.append(relative + ("::" if relative.endswith(".py") else "/"))
    return tuple(named)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if TIER == "kernel":
        # A path named on the command line runs whole, both backends, as asked.
        named = named_on_the_command_line(config)
        left_out = [i for i in items if not reaches_the_kernel(i) and not i.nodeid.startswith(named)]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            kept = set(items) - set(left_out)
            items[:] = [i for i in items if i in kept]
        return
    skip = pytest.mark.skip(reason="kernel tier only (run scripts/vmtest)")
    for item in items:
        if "kernel" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C raises KeyboardInterrupt in the tests and their children even when the run was started
    where SIGINT is ignored (the background of a non-interactive shell): a handled signal is reset to
    its default action by exec, an ignored one would stay ignored in every child."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def own_timeout(item: pytest.Item) -> str:
    """The seconds pytest-timeout gives this test, by its precedence (the ``timeout`` marker, then
    ``--timeout``, ``$PYTEST_TIMEOUT``, the ini's ``timeout``), or "" where it gives none."""
    marker = item.get_closest_marker("timeout")
    chosen = [
        marker.kwargs.get("timeout", marker.args[0] if marker.args else None) if marker else None,
        item.config.getoption("timeout", None),
        os.environ.get("PYTEST_TIMEOUT"),
        item.config.getini("timeout"),
    ]
    seconds = float(next((value for value in chosen if value not in (None, "")), 0) or 0)
    return f"{seconds:g}" if seconds > 0 else ""


def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Tell scripts/vmtest which test runs and its own timeout: it kills a guest stuck past that, and
    its last-resort timeout names the test (see linuxhw.vm.progress)."""
    if CURRENT_TEST_FILE:
        with open(CURRENT_TEST_FILE, "w") as record:
            record.write(f"{item.nodeid}\n{own_timeout(item)}")


def pytest_runtest_logfinish(nodeid: str, location: tuple[str, int | None, str]) -> None:
    """Between tests, no test runs: an empty record (the host then waits without a per-test bound)."""
    if CURRENT_TEST_FILE:
        open(CURRENT_TEST_FILE, "w").close()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Tell scripts/vmtest each failure as it happens, so that a killed guest's failures are still named."""
    if FAILED_TESTS_FILE and report.failed:
        with open(FAILED_TESTS_FILE, "a") as record:
            record.write(f"{report.nodeid} ({report.when})\n")


def pytest_sessionstart(session: pytest.Session) -> None:
    """In the kernel tier, a missing simulator is a failure with a hint, never a skip."""
    if TIER != "kernel":
        return
    if os.cpu_count() != 1:
        # With one CPU, gpio-sim's interrupt thread (real-time) runs before a process that set a pull
        # returns to user space: the edge event is queued when set_pull() returns, and edges never
        # merge. With two, about 2% of edges came later (scripts/vmtest --cpus 2, 2026-11-26).
        pytest.exit(
            f"the kernel tier runs on one CPU (scripts/vmtest --cpus 1), this guest has {os.cpu_count()}: "
            "tests count on each gpio-sim edge event being queued when set_pull() returns",
            returncode=1,
        )
    from linuxhw.sim import check_kernel_tier

    report = check_kernel_tier()
    if not report.ok:
        pytest.exit(f"LINUXHW_TEST_TIER=kernel, but the kernel's simulators are missing:\n{report}", returncode=1)
