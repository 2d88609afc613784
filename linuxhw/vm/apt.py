"""apt on the host: lookups, and one ``apt-get update`` plus one ``apt-get install`` for everything missing.

When another apt or dpkg holds its lock (a user installing something beside a run, or a second run), each
waits for it, saying for which process, up to LOCK_WAIT_S, instead of failing at once.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from linuxhw.vm._host import EXIT_HOST_SETUP, Failure, log, run

LOCK_WAIT_S = 1200
LISTS_LOCK = Path("/var/lib/apt/lists/lock")  # apt-get update's (apt 2.6 ignores DPkg::Lock::Timeout here)
FRONTEND_LOCK = Path("/var/lib/dpkg/lock-frontend")  # apt-get install's, which DPkg::Lock::Timeout waits for
LOCK_POLL_S = 2.0  # how often a wait for the lists lock looks again
NOT_LOCKED = "Could not get lock"  # apt's message when another process holds a lock it needs

Runner = Callable[..., str]
"""Runs a command (``run(cmd, what=..., env=..., logfile=...)``) and returns its output."""


def lock_holder(path: Path, locks: Path = Path("/proc/locks")) -> str | None:
    """Who holds the fcntl lock that apt and dpkg take on ``path``: "process N (name)", or None."""
    try:
        inode = path.stat().st_ino
        table = locks.read_text()
    except OSError:
        return None
    for line in table.splitlines():
        # "3: POSIX  ADVISORY  WRITE 4938 00:1d:2342 0 EOF"; a process waiting for it has "->" after the id
        fields = line.split()
        if len(fields) >= 6 and fields[1] != "->" and fields[5].rsplit(":", 1)[-1] == str(inode):
            pid = fields[4]
            try:
                name = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                name = "gone"
            return f"process {pid} ({name})"
    return None


class Apt:
    """This host's apt. ``runner`` runs each command (tests give one that answers as a bare machine would);
    the update is made once, before the first install."""

    def __init__(
        self,
        runner: Runner = run,
        logfile: Path | None = None,
        holder: Callable[[Path], str | None] = lock_holder,
        lock_wait: float = LOCK_WAIT_S,
        root: bool | None = None,
    ) -> None:
        self._run = runner
        self.root = os.geteuid() == 0 if root is None else root
        """Only root installs: anyone else is told the command to run first."""
        self._logfile = logfile
        self._holder = holder
        self._lock_wait = lock_wait
        self._env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        self.updated = False

    def query(self, args: Sequence[str], what: str) -> str:
        """An apt-cache lookup's output (needs no lock and no root)."""
        return self._run(["apt-cache", *args], what=what)

    def update(self) -> None:
        """``apt-get update``, once; waits while another process holds the package lists' lock."""
        if self.updated:
            return
        deadline = time.monotonic() + self._lock_wait
        told = None
        while True:
            holder = self._holder(LISTS_LOCK)
            if holder is None:
                log("apt-get update")
                try:
                    self._run(["apt-get", "update", "-q"], what="apt-get update", env=self._env)
                    break
                except Failure as exc:
                    if NOT_LOCKED not in str(exc):
                        raise
                    holder = "another apt"  # took the lock between our look and apt's
            if time.monotonic() > deadline:
                raise Failure(
                    EXIT_HOST_SETUP,
                    f"apt-get update: {LISTS_LOCK} was still held by {holder} after {self._lock_wait:.0f} s",
                )
            if holder != told:
                log(f"apt-get update waits for {holder}, which holds {LISTS_LOCK} (up to {self._lock_wait:.0f} s)")
                told = holder
            time.sleep(LOCK_POLL_S)
        self.updated = True

    def install(self, packages: Sequence[str], why: str) -> None:
        """One ``apt-get install`` of ``packages`` (after the update), waiting for dpkg's lock if it is held;
        ``why`` says whose needs they are."""
        if not self.root:
            raise Failure(
                EXIT_HOST_SETUP,
                f"{why} needs Debian packages that are missing, and installing them needs root. "
                f"Run first:\n    {command_to_run_first(packages)}",
            )
        if shutil.which("apt-get") is None:
            raise Failure(
                EXIT_HOST_SETUP,
                f"{why} needs {', '.join(packages)}, installed with apt, which this system lacks: run it on Debian "
                "bookworm (or in a debian:bookworm container)",
            )
        self.update()
        command = ["apt-get", "-o", f"DPkg::Lock::Timeout={self._lock_wait:.0f}", *install_args(packages)]
        holder = self._holder(FRONTEND_LOCK)
        if holder is not None:
            log(f"apt-get install waits for {holder}, which holds {FRONTEND_LOCK} (up to {self._lock_wait:.0f} s)")
        log(f"installing {why}: apt-get {' '.join(install_args(packages))}")
        self._run(command, what="apt-get install", env=self._env, logfile=self._logfile)


def install_args(packages: Sequence[str]) -> list[str]:
    return ["install", "-y", "-q", "--no-install-recommends", *packages]


def command_to_run_first(packages: Sequence[str]) -> str:
    """What an ordinary user is told to run as root before trying again."""
    return f"sudo apt-get update && sudo apt-get {' '.join(install_args(packages))}"
