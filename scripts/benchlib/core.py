"""Measuring: timed loops for Python statements and C floor programs, and the rows they produce."""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import linuxhw
from linuxhw import mock

FLOOR_DIR = Path(__file__).resolve().parent / "floor"
FLOOR_PROGRAMS = ("gpio", "i2c", "spi", "dmabuf")

LINUXHW = "linuxhw"  # the row every ratio of an operation is taken from
RAW = "Python floor"  # the C floor's syscalls made from Python through linuxhw's C modules, no linuxhw objects
RAW_NOTE = "the bare C calls from Python: what the interpreter alone costs"
KINDS = ("linuxhw", "variant", "peer", "floor")  # variant: another linuxhw call doing the same job
SETTLE_S = 0.1  # idle guest time before each figure (instruction clock)
SPREAD_LIMIT = 0.02  # (max - min) / median above this on the instruction clock: the benchmark is broken
CLOCKS = {
    "instructions": "instruction clock: 1 µs = 1000 guest instructions, user + kernel (QEMU -icount); "
    "reproducible; a proxy for CPU work, not for a board's wall time",
    "wall": "wall clock: real time as the host lets the guest run; it scatters with the host's load",
}


# (target ms, repeats, edge events per loop) by clock and quick: the instruction clock does not
# scatter, so a few short loops tell as much as many long ones do in wall time.
DEFAULTS = {
    ("instructions", False): (40.0, 3, 1024),
    ("instructions", True): (10.0, 3, 256),
    ("wall", False): (200.0, 7, 1024),
    ("wall", True): (15.0, 3, 256),
}


@dataclass(frozen=True)
class Settings:
    """How long and how often: every figure is the median of ``repeats`` loops of ~``target_s`` each."""

    quick: bool
    target_s: float
    repeats: int
    events: int  # edge events per drain loop (the kernel buffers at most 1024 per request)
    clock: str = "wall"  # a key of CLOCKS: what the guest's clocks count

    @classmethod
    def make(cls, quick: bool, target_ms: float | None, repeats: int | None, clock: str = "wall") -> Settings:
        default_ms, default_repeats, events = DEFAULTS[(clock, quick)]
        return cls(quick, (target_ms or default_ms) / 1000, repeats or default_repeats, events, clock)


@dataclass
class Row:
    """One implementation of one operation: samples in µs per operation (or per event)."""

    group: str
    op: str
    impl: str
    kind: str
    samples: list[float] = field(default_factory=list)
    unit: str = "µs/op"
    note: str = ""
    skipped: str = ""  # could not run here (a package or a kernel device is missing)
    na: str = ""  # cannot run anywhere: the peer has no such call, or refuses this size
    error: str = ""  # raised: the run fails
    strict: bool = True  # a skip that --strict counts (False: a known limit of this boot, e.g. spidev.bufsiz)

    @property
    def ok(self) -> bool:
        return bool(self.samples) and not self.skipped and not self.na and not self.error

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> float:
        """(max - min) / median of the samples."""
        return (max(self.samples) - min(self.samples)) / self.median

    @property
    def scattered(self) -> bool:
        return self.ok and self.spread > SPREAD_LIMIT

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"group": self.group, "op": self.op, "impl": self.impl, "kind": self.kind}
        if self.ok:
            out.update(unit=self.unit, median=self.median, min=min(self.samples), max=max(self.samples),
                       spread=round(self.spread, 5), samples=self.samples)  # fmt: skip
        if self.note:
            out["note"] = self.note
        if self.skipped:
            out["skipped"] = self.skipped
        if self.na:
            out["n/a"] = self.na
        if self.error:
            out["error"] = self.error
        return out


def time_statement(stmt: str, namespace: dict[str, Any], settings: Settings, per: int = 1) -> list[float]:
    """µs per operation of ``stmt`` (compiled into timeit's own loop: no extra call per operation),
    which does ``per`` operations; the loop count is calibrated to fill ``settings.target_s``."""
    timer = timeit.Timer(stmt, globals=namespace)
    count = 1
    while True:
        elapsed = timer.timeit(count)
        if elapsed >= settings.target_s / 10 or count >= 1 << 24:
            break
        count *= 2
    count = max(1, round(settings.target_s / (elapsed / count)))
    timer.timeit(count)  # a first full loop, not counted: it alone paid for what the kernel did late
    return [timer.timeit(count) / count / per * 1e6 for _ in range(settings.repeats)]


class Floors:
    """The C floor programs, compiled with cc on first use and cached by the digest of their source.

    Binaries are looked up in ``$LINUXHW_CACHE/bench-floors`` (default ~/.cache/linuxhw: read-only
    inside the VM, where the host may have built them already) and then in a temporary directory;
    a missing one is built in the first of those that is writable.
    """

    def __init__(self) -> None:
        cache = Path(os.environ.get("LINUXHW_CACHE") or Path.home() / ".cache" / "linuxhw")
        self.dirs = [cache / "bench-floors", Path(tempfile.gettempdir()) / "linuxhw-bench-floors"]
        self._built: dict[str, Path] = {}

    @staticmethod
    def _digest(name: str) -> str:
        h = hashlib.sha256()
        for path in (FLOOR_DIR / "floor.h", FLOOR_DIR / f"{name}.c"):
            h.update(path.read_bytes())
        return h.hexdigest()[:16]

    def binary(self, name: str) -> Path:
        if name in self._built:
            return self._built[name]
        filename = f"{name}-{self._digest(name)}"
        for directory in self.dirs:
            if (directory / filename).is_file():
                self._built[name] = directory / filename
                return directory / filename
        compiler = shutil.which("cc") or shutil.which("gcc")
        if compiler is None:
            raise RuntimeError("the C floor needs a C compiler (cc): apt-get install gcc")
        errors = []
        for directory in self.dirs:
            try:
                directory.mkdir(parents=True, exist_ok=True)
                with tempfile.NamedTemporaryFile(dir=directory, prefix=f".{name}-", delete=False) as tmp:
                    pass
            except OSError as exc:
                errors.append(f"{directory}: {exc.strerror}")
                continue
            source = FLOOR_DIR / f"{name}.c"
            cmd = [compiler, "-O2", "-Wall", "-Wextra", f"-I{FLOOR_DIR}", "-o", tmp.name, str(source)]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                os.unlink(tmp.name)
                raise RuntimeError(f"compiling {source} failed:\n{proc.stderr}")
            os.replace(tmp.name, directory / filename)
            self._built[name] = directory / filename
            return directory / filename
        raise RuntimeError(f"no writable directory for the C floor binaries: {'; '.join(errors)}")

    def build_all(self) -> None:
        """Compile every floor program at once (each cc is slow under TCG: run them side by side)."""
        with ThreadPoolExecutor(len(FLOOR_PROGRAMS)) as pool:
            for future in [pool.submit(self.binary, name) for name in FLOOR_PROGRAMS]:
                future.result()

    def run(self, name: str, args: Sequence[object]) -> list[float]:
        """Run a floor program; its output is one ns/op figure per line: return them in µs."""
        cmd = [str(self.binary(name)), *map(str, args)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()}")
        return [float(line) / 1000 for line in proc.stdout.split()]


class Runner:
    """Collects rows; a measurement that raises becomes an error row (and a failed run), not a crash."""

    def __init__(self, settings: Settings, floors: Floors | None, verbose: bool = True) -> None:
        self.settings = settings
        self.floors = floors
        self.rows: list[Row] = []
        self.verbose = verbose

    def _log(self, row: Row) -> None:
        if not self.verbose:
            return
        if row.ok:
            state = f"{row.median:10.2f} {row.unit}"
        elif row.error:
            state = f"ERROR: {row.error}"
        else:
            state = f"skipped: {row.skipped}" if row.skipped else f"n/a: {row.na}"
        print(f"  {row.group:<12} {row.op:<26} {row.impl:<22} {state}", file=sys.stderr, flush=True)

    def measure(self, group: str, op: str, impl: str, kind: str, sample: Callable[[], list[float]],
                unit: str = "µs/op", note: str = "") -> Row:  # fmt: skip
        row = Row(group, op, impl, kind, unit=unit, note=note)
        if self.settings.clock == "instructions":
            # The one vCPU counts every instruction, the kernel's too: let the work that setting up a
            # device started elsewhere (udev, kworkers) finish before it is counted as this figure's.
            # An idle guest's clock jumps ahead, so this costs no wall time.
            time.sleep(SETTLE_S)
        try:
            row.samples = sample()
        except Exception as exc:  # the run goes on; the failure is reported and fails the run
            row.error = f"{type(exc).__name__}: {exc}"
            traceback.print_exc(file=sys.stderr)
        self.rows.append(row)
        self._log(row)
        return row

    def python(self, group: str, op: str, impl: str, kind: str, stmt: str, namespace: dict[str, Any],
               per: int = 1, note: str = "") -> Row:  # fmt: skip
        return self.measure(group, op, impl, kind, lambda: time_statement(stmt, namespace, self.settings, per),
                            note=note)  # fmt: skip

    def raw(self, group: str, op: str, stmt: str, namespace: dict[str, Any]) -> Row:
        """The Python floor: the C floor's calls from Python, no linuxhw objects (kernel only)."""
        if self.floors is None:
            return self.skip(group, op, RAW, "variant", "the mock backend has no kernel device")
        return self.python(group, op, RAW, "variant", stmt, namespace, note=RAW_NOTE)

    def floor(self, group: str, op: str, program: str, args: Sequence[object], unit: str = "µs/op",
              note: str = "") -> Row:  # fmt: skip
        if self.floors is None:
            return self.skip(group, op, "C floor", "floor", "the mock backend has no kernel device for C")
        floors = self.floors
        return self.measure(group, op, "C floor", "floor", lambda: floors.run(program, args), unit, note)

    def skip(self, group: str, op: str, impl: str, kind: str, reason: str, strict: bool = True) -> Row:
        row = Row(group, op, impl, kind, skipped=reason, strict=strict)
        self.rows.append(row)
        self._log(row)
        return row

    def na(self, group: str, op: str, impl: str, kind: str, reason: str) -> Row:
        row = Row(group, op, impl, kind, na=reason)
        self.rows.append(row)
        self._log(row)
        return row

    def fail(self, group: str, op: str, impl: str, kind: str, error: str) -> Row:
        row = Row(group, op, impl, kind, error=error)
        self.rows.append(row)
        self._log(row)
        return row

    @property
    def target_ms(self) -> int:
        return max(1, round(self.settings.target_s * 1000))


@contextmanager
def mock_or_real(backend: str, build: Callable[[mock.Board], object]) -> Iterator[None]:
    """Run the block on a mock board that ``build`` furnished (``backend == "mock"``), else on the
    running kernel's devices."""
    if backend == "mock":
        board = mock.Board()
        build(board)
        with linuxhw.use_backend(board):
            yield
        return
    with linuxhw.use_backend("real"):
        yield


def optional_import(name: str) -> tuple[Any, str]:
    """(module, "") or (None, why not): a missing peer package is a skipped row, not a crash."""
    try:
        return importlib.import_module(name), ""
    except ImportError as exc:
        return None, f"{name} is not installed ({exc}): pip install -e '.[bench]'"
