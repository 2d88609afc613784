"""Boot Debian's kernel under QEMU with virtme-ng, run the guest script, and bring back the command's status.

The guest shares the host's root filesystem read-only with throwaway overlays (/tmp, /etc, /usr, /var,
/home, /opt, /srv); the working directory is shared writable.  Its output streams to our stdout.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import BinaryIO

from linuxhw.vm import progress
from linuxhw.vm._host import EXIT_GUEST_LOST, EXIT_GUEST_SETUP, EXIT_TIMEOUT, Failure, log
from linuxhw.vm.progress import CURRENT_TEST, FAILED_TESTS, failed_tests, running_test

GUEST_RUN = Path(__file__).resolve().parent / "guest-run"
# QEMU's instruction clock: the guest's clocks advance 1 ns per guest instruction (user and kernel),
# whatever the host's load; an idle guest jumps ahead (sleep=off). For benchmarks, not the tests.
ICOUNT_OPTS = "-icount shift=0,align=off,sleep=off"
POLL = 5.0  # seconds between the host's looks at the guest's progress


@dataclasses.dataclass
class BootOptions:
    """How to boot: the guest's size, its kernel command line, and the last-resort timeout."""

    timeout: float = 2700.0
    cpus: int = 1
    memory: str = "1G"
    append: list[str] = dataclasses.field(default_factory=list)
    boot_console: bool = False
    icount: bool = False


def guest_env(ko_dir: Path, run_dir: Path, workdir: Path, command: list[str], extra: dict[str, str]) -> str:
    """The env file guest-run sources: settings, the host's PATH, and the command as an array."""
    env = {
        "LINUXHW_TEST_TIER": "kernel",  # the plugin then fails, not skips, where a simulator is missing
        "LINUXHW_KMOD_DIR": str(ko_dir),
        "LINUXHW_I2C_STUB_ADDRS": os.environ.get("LINUXHW_I2C_STUB_ADDRS", "0x1c,0x50"),
        "LINUXHW_VM_STATUS": str(run_dir / "status"),
        "LINUXHW_VM_WORKDIR": str(workdir),
        # a test runner may tell its progress there (see linuxhw.vm.progress)
        "LINUXHW_CURRENT_TEST_FILE": str(run_dir / CURRENT_TEST),
        "LINUXHW_FAILED_TESTS_FILE": str(run_dir / FAILED_TESTS),
        "PATH": os.environ.get("PATH", ""),
        "PYTHONUNBUFFERED": "1",
        **{k: os.environ[k] for k in ("VIRTUAL_ENV", "LANG", "TERM") if k in os.environ},
        **extra,
    }
    lines = [f"export {k}={shlex.quote(v)}" for k, v in env.items()]
    lines.append(f"LINUXHW_GUEST_COMMAND=({' '.join(shlex.quote(c) for c in command)})")
    return "\n".join(lines) + "\n"


def copy_stream(fd: int, out: BinaryIO) -> None:
    """Copy fd to out as it comes, until EOF."""
    while chunk := os.read(fd, 65536):
        out.write(chunk)
        out.flush()


def run_guest(vng: list[str], env: dict[str, str], timeout: float, run_dir: Path) -> int:
    """Run vng, streaming the guest's output; kill its whole process group on timeout, on a test stuck
    past its own timeout (see linuxhw.vm.progress), or on interruption."""
    # QEMU opens /proc/self/fd/1 and 2 for the guest's output: give it a pipe, not our stdout,
    # which may be a file it would truncate.  Guest stdout and stderr both arrive on our stdout.
    try:
        proc = subprocess.Popen(
            vng,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that QEMU dies with it
        )
    except OSError as exc:
        raise Failure(EXIT_GUEST_LOST, f"cannot start virtme-ng ({vng[0]}): {exc}") from exc
    assert proc.stdout is not None
    pump = threading.Thread(target=copy_stream, args=(proc.stdout.fileno(), sys.stdout.buffer), daemon=True)
    pump.start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                status = proc.wait(timeout=min(POLL, max(0.0, deadline - time.monotonic())))
                break
            except subprocess.TimeoutExpired:
                test = running_test(run_dir)
                if test is not None and test.stuck(time.time()):
                    raise Failure(
                        EXIT_TIMEOUT,
                        f"the guest is stuck: {test.nodeid} has run {time.time() - test.started:.0f} s, more than "
                        f"its own timeout of {test.timeout:g} s + {progress.GRACE:g} s "
                        "(its timeout could not stop it); killed it",
                    ) from None
                if time.monotonic() >= deadline:
                    raise Failure(
                        EXIT_TIMEOUT, f"the guest did not finish within --timeout {timeout:g} s; killed it"
                    ) from None
    except BaseException:  # a Failure above, Ctrl-C, or SIGTERM (see cli.main)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    finally:
        pump.join(timeout=10)
        proc.stdout.close()
    return status


def boot(
    kver: str,
    vng_bin: Path,
    ko_dir: Path,
    cache: Path,
    workdir: Path,
    command: list[str],
    options: BootOptions,
    extra_env: dict[str, str],
) -> int:
    """Boot the guest, run guest-run there, and return the guest command's exit status."""
    runs = cache / "run"
    shutil.rmtree(runs, ignore_errors=True)  # left by killed runs; we hold the lock, so none is live
    run_dir = runs / str(os.getpid())
    run_dir.mkdir(parents=True)
    status_file = run_dir / "status"
    env_file = run_dir / "env.sh"
    env_file.write_text(guest_env(ko_dir, run_dir, workdir, command, extra_env))
    vng = [
        str(vng_bin / "vng"),
        "--run",
        f"/boot/vmlinuz-{kver}",
        "--disable-kvm",
        "--memory",
        options.memory,
        "--cpus",
        str(options.cpus),
        "--rwdir",
        str(workdir),
        "--rwdir",
        str(run_dir),
        "--cwd",
        str(workdir),
    ]
    for option in options.append:
        vng += ["--append", option]
    if options.icount:
        vng += ["--qemu-opts", ICOUNT_OPTS]
    if options.boot_console:
        vng.append("--verbose")
    vng += ["--exec", f"bash {shlex.quote(str(GUEST_RUN))} {shlex.quote(str(env_file))}"]  # no exec bit needed
    env = dict(os.environ, PATH=f"{vng_bin}{os.pathsep}{os.environ.get('PATH', '')}")
    log(f"booting {kver} under QEMU (software emulation): {shlex.join(vng)}")
    try:
        vng_status = run_guest(vng, env, options.timeout, run_dir)
        status = status_file.read_text().split() if status_file.is_file() else []
    except Failure as exc:
        if exc.status == EXIT_TIMEOUT:
            test = running_test(run_dir)
            if test is not None:
                log(f"the guest was running {test.nodeid} (started {time.time() - test.started:.0f} s before the kill)")
            failed = failed_tests(run_dir)
            log(f"{len(failed)} test(s) had failed before the kill" + "".join(f"\n    {f}" for f in failed))
        raise
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    if len(status) == 2 and status[0] == "exit" and status[1].isdigit():
        return int(status[1])
    if status and status[0] == "setup-failed":
        raise Failure(EXIT_GUEST_SETUP, f"guest setup failed: {' '.join(status[1:])} (see output above)")
    raise Failure(
        EXIT_GUEST_LOST,
        f"the guest stopped without reporting a status (vng exit {vng_status}): kernel panic or crash? "
        "Re-run with --boot-console to see the kernel log.",
    )
