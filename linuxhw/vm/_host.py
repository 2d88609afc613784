"""Host-side plumbing of ``linuxhw vm``: failures with exit codes, log lines, commands, the cache, the lock."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

EXIT_HOST_SETUP = 10  # installing or building on the host failed (or needs the user to install first)
EXIT_GUEST_SETUP = 11  # the guest booted but its setup (insmod, mounts...) failed
EXIT_GUEST_LOST = 12  # the guest died without reporting a status (panic, crash)
EXIT_TIMEOUT = 124  # the guest ran past --timeout and was killed

PROG = "linuxhw vm"
"""The name log lines start with (scripts/vmtest sets its own)."""


class Failure(Exception):
    """A failure with its own exit status and a message for the user."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def cache_dir() -> Path:
    """Where everything fetched or built is kept: $LINUXHW_CACHE, else the user's cache dir + /linuxhw."""
    explicit = os.environ.get("LINUXHW_CACHE")
    if explicit:
        return Path(explicit).resolve()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return (Path(base) / "linuxhw").resolve()


def log(msg: str) -> None:
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def phase(name: str) -> Iterator[None]:
    start = time.monotonic()
    try:
        yield
    finally:
        log(f"phase {name}: {time.monotonic() - start:.1f} s")


def run(cmd: list[str], *, what: str, env: dict[str, str] | None = None, logfile: Path | None = None) -> str:
    """Run a host command; on failure raise with its output (or log tail)."""
    try:
        proc = subprocess.run(cmd, check=False, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except FileNotFoundError as exc:
        raise Failure(EXIT_HOST_SETUP, f"{what}: {cmd[0]} is not installed") from exc
    if logfile is not None:
        logfile.write_text(proc.stdout)
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-40:])
        where = f" (full log: {logfile})" if logfile else ""
        raise Failure(EXIT_HOST_SETUP, f"{what} failed: {shlex.join(cmd)}{where}\n{tail}")
    return proc.stdout


def digest(*parts: bytes | str) -> str:
    """SHA-256 over length-prefixed parts: the key a build is current for."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


@contextlib.contextmanager
def single_vm_lock(cache: Path) -> Iterator[None]:
    """One VM run per cache at a time: installs, builds and boots must not overlap."""
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / "vmtest.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log("another VM run is using this cache; waiting for it")
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield
