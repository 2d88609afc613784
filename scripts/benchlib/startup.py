"""Startup: whole processes, each against ``python -c pass`` run beside it in the same rounds —
``import linuxhw.gpio``, one-shot CLI commands on the mock board, and each compat module's import
against its peer's.

The processes run in a venv made for the run, where linuxhw is on the path as an installed package
is: no editable-install finder, which the project's venv runs in every process (``python -c pass``
included) and which imports pathlib, re and more before the command starts. The peers come from the
project's venv; bytecode is cached in a directory of the run's, written by a first uncounted round (as
pip compiles a wheel's modules when it installs them). Each round runs every command once, in turn; a
figure is the median of ``repeats`` rounds, in ms of CPU per process: its user and system time as
``wait4()`` reports them, which the kernel sums from the scheduler's clock, exec included. On the
instruction clock that is the process's instructions, user and kernel. Not the time from spawn to
exit: the guest reads its files from the host's (a network filesystem), and while it waits for them
the idle guest's clock jumps ahead by whatever the host took (one run saw python -c pass take
253..876 "ms").
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import sysconfig
import tempfile
import venv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .core import LINUXHW, Runner

REPO = Path(__file__).resolve().parents[2]
GROUP = "Startup"
UNIT = "ms/process"
PASS = "python -c pass"  # the floor every figure of the group is also taken against
PEER = "peer's import"
IMPORT_GPIO = "import linuxhw.gpio"
CLI_GPIO = "linuxhw gpio get (mock)"
CLI_I2C = "linuxhw i2c get (mock)"
COMPAT_SMBUS2 = "import compat.smbus2"
COMPAT_SPIDEV = "import compat.spidev"
COMPAT_GPIOZERO = "gpiozero pin factory"
# op: (linuxhw's arguments after the interpreter; the peer's statement and the package it needs, if any)
PROCESSES: dict[str, tuple[tuple[str, ...], tuple[str, str] | None]] = {
    IMPORT_GPIO: (("-c", "import linuxhw.gpio"), None),
    CLI_GPIO: (("{cli}", "--backend", "mock", "gpio", "get", "GPIO17"), None),
    CLI_I2C: (("{cli}", "--backend", "mock", "i2c", "get", "-y", "1", "0x1c", "0x0f"), None),
    COMPAT_SMBUS2: (("-c", "import linuxhw.compat.smbus2"), ("import smbus2", "smbus2")),
    COMPAT_SPIDEV: (("-c", "import linuxhw.compat.spidev"), ("import spidev", "spidev")),
    COMPAT_GPIOZERO: (
        ("-c", "from linuxhw.compat.gpiozero import LinuxhwFactory"),
        ("from gpiozero.pins.native import NativeFactory", "gpiozero"),  # gpiozero's pure-Python factory
    ),
}
CONSOLE_SCRIPT = "import sys\nfrom linuxhw.cli import main\n\nif __name__ == '__main__':\n    sys.exit(main())\n"
"""What pip writes as the ``linuxhw`` command (project.scripts: linuxhw.cli:main)."""


@dataclass(frozen=True)
class Installed:
    """The run's venv: its interpreter, the environment its processes get, the console script."""

    python: str
    env: dict[str, str]
    cli: str


@contextmanager
def installed() -> Iterator[Installed]:
    """A venv with linuxhw (this tree's, built in place) and the project venv's packages on its path."""
    with tempfile.TemporaryDirectory(prefix="linuxhw-bench-startup-") as tmp:
        root = Path(tmp)
        venv.EnvBuilder(with_pip=False, symlinks=True).create(root / "venv")
        python = str(root / "venv" / "bin" / "python")
        site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        (root / "path").mkdir()
        (root / "path" / "linuxhw").symlink_to(REPO / "linuxhw")
        # Plain path lines: the project venv's own .pth files (the editable finder's) are not run.
        (Path(site) / "linuxhw-bench.pth").write_text(f"{root / 'path'}\n{sysconfig.get_paths()['purelib']}\n")
        (root / "venv" / "bin" / "linuxhw").write_text(CONSOLE_SCRIPT)
        unset = ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONPROFILEIMPORTTIME")
        env = {key: value for key, value in os.environ.items() if key not in unset}
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
        yield Installed(python, env, str(root / "venv" / "bin" / "linuxhw"))


def cpu_ms(where: Installed, args: Sequence[str]) -> float:
    """The CPU time of one process of ``python ARGS`` (user + system), in ms; RuntimeError with its
    stderr if it fails."""
    argv = [where.python, *args]
    devnull = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]
    pid = os.posix_spawn(where.python, argv, where.env, file_actions=devnull)
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        proc = subprocess.run(argv, env=where.env, capture_output=True, text=True, check=False)
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    return round((usage.ru_utime + usage.ru_stime) * 1000, 3)  # wait4 counts µs


def rounds(where: Installed, processes: dict[str, Sequence[str]], repeats: int) -> dict[str, list[float] | str]:
    """Each process once per round, in turn, after one uncounted round: its samples, or why it failed."""
    found: dict[str, list[float] | str] = {name: [] for name in processes}
    for counted in [False] + [True] * repeats:
        for name, args in processes.items():
            samples = found[name]
            if isinstance(samples, str):
                continue
            try:
                elapsed = cpu_ms(where, args)
            except (OSError, RuntimeError) as exc:
                found[name] = f"{type(exc).__name__}: {exc}"
                continue
            if counted:
                samples.append(elapsed)
    return found


def run(runner: Runner, backend: str) -> None:
    """The same on every backend: processes, not devices (the CLI commands use the mock board)."""
    with installed() as where:
        processes: dict[str, Sequence[str]] = {PASS: ("-c", "pass")}
        peers: dict[str, str] = {}  # op: the peer's statement
        missing: dict[str, str] = {}  # op: why its peer cannot run here
        for op, (args, peer) in PROCESSES.items():
            processes[op] = [arg.format(cli=where.cli) for arg in args]
            if peer is not None:
                statement, package = peer
                if importlib.util.find_spec(package) is None:
                    missing[op] = f"{package} is not installed: pip install -e '.[bench]'"
                else:
                    peers[op] = statement
                    processes[f"peer {op}"] = ("-c", statement)
        print(f"  {GROUP}: {len(processes)} processes per round, {runner.settings.repeats} rounds",
              file=sys.stderr, flush=True)  # fmt: skip
        found = rounds(where, processes, runner.settings.repeats)
    for op in PROCESSES:
        record(runner, op, LINUXHW, "linuxhw", found[op])
        if op in peers:
            record(runner, op, PEER, "peer", found[f"peer {op}"], note=peers[op])
        elif op in missing:
            runner.skip(GROUP, op, PEER, "peer", missing[op])
        record(runner, op, PASS, "floor", found[PASS], note="the interpreter alone, in the same rounds")


def record(runner: Runner, op: str, impl: str, kind: str, samples: list[float] | str, note: str = "") -> None:
    if isinstance(samples, str):
        runner.fail(GROUP, op, impl, kind, samples)
    else:
        runner.measure(GROUP, op, impl, kind, lambda: samples, unit=UNIT, note=note)
