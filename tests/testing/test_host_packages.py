"""The one install step (scripts/host-packages, scripts/_host_needs.py, linuxhw/vm/apt.py): on a machine that has
nothing, one apt-get update, then the kernels' names looked up, then ONE apt-get install of every tier's packages;
afterwards no tier's own check finds anything to install. apt's locks are waited for, saying for whom."""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from linuxhw.vm import apt as apt_module
from linuxhw.vm._host import EXIT_HOST_SETUP, Failure
from linuxhw.vm.apt import FRONTEND_LOCK, LISTS_LOCK, Apt, lock_holder
from linuxhw.vm.install import HOST_TOOLS, KERNELS, host_packages, installed_kernel

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import _host_needs  # noqa: E402

# What a bookworm mirror answers: the newest 6.12 and 6.1 kernels, and their sources (6.1's only as an older
# candidate version than the image's, so it is pinned).
KVERS = {
    "6.12": ("6.12.118+deb12-amd64", "6.12.118-1", "6.12.118-1"),
    "6.1": ("6.1.0-44-amd64", "6.1.187-1", "6.1.186-1"),
}
# Where each package puts the files the checks look for.
PROVIDES: dict[str, list[str]] = {"debootstrap": ["usr/sbin/debootstrap"], "util-linux": ["usr/bin/unshare"],
                                  "qemu-user-static": ["usr/bin/qemu-aarch64-static"],
                                  "binfmt-support": ["usr/sbin/update-binfmts"]}  # fmt: skip
for _tool, _pkg in {**HOST_TOOLS, **_host_needs.PEER_TOOLS}.items():
    PROVIDES.setdefault(_pkg, []).append(f"usr/bin/{_tool}")


class BareMachine:
    """A host with nothing installed below ``root``, whose apt answers as a bookworm mirror and whose
    apt-get install puts each package's files in place."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.commands: list[list[str]] = []

    def run(self, cmd: list[str], *, what: str, env: object = None, logfile: object = None) -> str:
        self.commands.append(cmd)
        if cmd[:2] == ["apt-cache", "search"]:
            series = "6.12" if "6\\.12" in cmd[-1] else "6.1"
            kver = KVERS[series][0]
            return f"linux-image-{kver} - Linux {series}\nlinux-headers-{kver} - Header files\n"
        if cmd[:2] == ["apt-cache", "policy"]:
            series = next(s for s, (kver, _, _) in KVERS.items() if kver in cmd[2] or cmd[2].endswith(f"-{s}"))
            return f"{cmd[2]}:\n  Installed: (none)\n  Candidate: {KVERS[series][1 if 'image' in cmd[2] else 2]}\n"
        if cmd[0] == "apt-get" and "install" in cmd:
            for pkg in cmd[cmd.index("--no-install-recommends") + 1 :]:
                self.put(pkg.split("=")[0])
        return ""

    def put(self, pkg: str) -> None:
        files = list(PROVIDES.get(pkg, []))
        for series, (kver, _, _) in KVERS.items():
            files += {f"linux-image-{kver}": [f"boot/vmlinuz-{kver}"],
                      f"linux-headers-{kver}": [f"lib/modules/{kver}/build/Makefile"],
                      f"linux-source-{series}": [f"usr/src/linux-source-{series}.tar.xz"]}.get(pkg, [])  # fmt: skip
        assert files, f"the fake knows no files of {pkg}"
        for file in files:
            (self.root / file).parent.mkdir(parents=True, exist_ok=True)
            (self.root / file).touch()

    def apt(self) -> Apt:
        return Apt(runner=self.run, holder=lambda path: None, root=True)

    def apt_gets(self) -> list[list[str]]:
        return [cmd for cmd in self.commands if cmd[0] == "apt-get"]


def test_a_bare_machine_gets_one_update_then_one_install_of_every_tier(tmp_path: Path) -> None:
    machine = BareMachine(tmp_path)
    apt = machine.apt()
    missing = _host_needs.suite_packages(["6.12", "6.1"], True, apt, root=tmp_path)
    apt.install(missing, "the test suite")
    assert machine.commands[0] == ["apt-get", "update", "-q"]  # before any lookup: a fresh machine's lists are stale
    lookups = machine.commands[1:-1]
    assert lookups and all(cmd[0] == "apt-cache" for cmd in lookups)
    install = machine.commands[-1]
    assert install[:3] == ["apt-get", "-o", "DPkg::Lock::Timeout=1200"]
    assert [cmd[:2] for cmd in machine.apt_gets()] == [["apt-get", "update"], ["apt-get", "-o"]]
    packages = install[install.index("--no-install-recommends") + 1 :]
    assert packages == [
        "binfmt-support", "busybox-static", "debootstrap", "gpiod", "i2c-tools", "kmod", "make", "qemu-system-x86",
        "qemu-user-static", "util-linux",  # every tier's tools, sorted
        "linux-source-6.12",  # scripts/peer-tools builds spidev_test from it, whichever kernel boots
        "linux-image-6.12.118+deb12-amd64", "linux-headers-6.12.118+deb12-amd64",  # linux-source-6.12 is above
        "linux-image-6.1.0-44-amd64", "linux-headers-6.1.0-44-amd64", "linux-source-6.1=6.1.187-1",
    ]  # fmt: skip


def test_after_the_step_no_tier_installs_anything(tmp_path: Path) -> None:
    machine = BareMachine(tmp_path)
    apt = machine.apt()
    apt.install(_host_needs.suite_packages(["6.12", "6.1"], True, apt, root=tmp_path), "the test suite")
    before = len(machine.commands)
    kernel_tier = {**HOST_TOOLS, **_host_needs.PEER_TOOLS}
    for series in ("6.12", "6.1"):  # what scripts/vmtest's own check asks (ensure_installed)
        extra = _host_needs.peer_tools_source(tmp_path)
        assert host_packages([KERNELS[series]], kernel_tier, machine.apt(), extra, tmp_path) == []
        assert installed_kernel(KERNELS[series], tmp_path) == KVERS[series][0]
    assert host_packages([], _host_needs.platform_tools(foreign=True), machine.apt(), root=tmp_path) == []
    assert _host_needs.suite_packages(["6.12", "6.1"], True, machine.apt(), root=tmp_path) == []
    assert machine.commands[before:] == []  # not even an update


def test_only_the_chosen_tiers_needs_are_installed(tmp_path: Path) -> None:
    machine = BareMachine(tmp_path)
    platforms_only = _host_needs.suite_packages([], True, machine.apt(), root=tmp_path)
    assert platforms_only == ["binfmt-support", "debootstrap", "qemu-user-static", "util-linux"]
    assert machine.commands == []  # no kernel to look up: no update needed to know it
    one_kernel = _host_needs.suite_packages(["6.1"], False, machine.apt(), root=tmp_path)
    assert "linux-image-6.1.0-44-amd64" in one_kernel and "debootstrap" not in one_kernel
    assert not any("6.12.118" in pkg for pkg in one_kernel)


def test_an_ordinary_user_is_told_the_one_command_to_run(tmp_path: Path) -> None:
    machine = BareMachine(tmp_path)
    apt = Apt(runner=machine.run, holder=lambda path: None, root=False)
    missing = _host_needs.suite_packages([], True, apt, root=tmp_path)
    with pytest.raises(Failure) as exc:
        apt.install(missing, "scripts/platforms")
    assert exc.value.status == EXIT_HOST_SETUP
    assert str(exc.value) == (
        "scripts/platforms needs Debian packages that are missing, and installing them needs root. Run first:\n"
        "    sudo apt-get update && sudo apt-get install -y -q --no-install-recommends "
        "binfmt-support debootstrap qemu-user-static util-linux"
    )
    assert machine.commands == []


def test_update_waits_while_another_apt_holds_the_lists_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(apt_module, "LOCK_POLL_S", 0.0)
    machine = BareMachine(tmp_path)
    holders = iter(["process 4938 (apt-get)", "process 4938 (apt-get)", None])
    looked: list[Path] = []

    def holder(path: Path) -> str | None:
        looked.append(path)
        return next(holders) if path == LISTS_LOCK else None

    Apt(runner=machine.run, holder=holder, root=True).install(["gpiod"], "a test")
    assert machine.apt_gets()[0] == ["apt-get", "update", "-q"] and len(machine.apt_gets()) == 2
    assert looked == [LISTS_LOCK] * 3 + [FRONTEND_LOCK]
    err = capsys.readouterr().err
    assert err.count("apt-get update waits for process 4938 (apt-get), which holds /var/lib/apt/lists/lock") == 1


def test_update_retries_when_apt_finds_the_lock_taken_after_the_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apt_module, "LOCK_POLL_S", 0.0)
    machine = BareMachine(tmp_path)
    refusals = [Failure(EXIT_HOST_SETUP, "apt-get update failed: E: Could not get lock /var/lib/apt/lists/lock")]

    def run(cmd: list[str], **kwargs: object) -> str:
        if cmd[:2] == ["apt-get", "update"] and refusals:
            raise refusals.pop()
        return machine.run(cmd, what="")

    apt = Apt(runner=run, holder=lambda path: None, root=True)
    apt.update()
    apt.update()  # once per Apt
    assert apt.updated and machine.commands == [["apt-get", "update", "-q"]]


def test_a_lock_held_past_the_bound_is_a_failure_naming_its_holder(tmp_path: Path) -> None:
    machine = BareMachine(tmp_path)
    apt = Apt(runner=machine.run, holder=lambda path: "process 7 (dpkg)", root=True, lock_wait=0)
    with pytest.raises(Failure, match=r"/var/lib/apt/lists/lock was still held by process 7 \(dpkg\) after 0 s"):
        apt.update()
    assert machine.commands == []


def test_another_failure_of_update_is_not_waited_out(tmp_path: Path) -> None:
    def run(cmd: list[str], **kwargs: object) -> str:
        raise Failure(EXIT_HOST_SETUP, "apt-get update failed: E: The repository is not signed")

    with pytest.raises(Failure, match="not signed"):
        Apt(runner=run, holder=lambda path: None, root=True).update()


def test_lock_holder_names_the_process_holding_an_fcntl_lock(tmp_path: Path) -> None:
    lock = tmp_path / "lock"
    assert lock_holder(lock) is None  # no such file
    with open(lock, "w") as fd:
        assert lock_holder(lock) is None
        fcntl.lockf(fd, fcntl.LOCK_EX)  # as apt and dpkg lock theirs
        holder = lock_holder(lock)
        assert holder is not None and re.fullmatch(rf"process {os.getpid()} \(\S+\)", holder), holder


def scripts_test_calls(tmp_path: Path, *args: str) -> list[str]:
    """Run scripts/test with a stand-in interpreter that records each call and does nothing: its calls, in order."""
    calls = tmp_path / "calls"
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    python.chmod(0o755)
    env = {**os.environ, "PYTHON": str(python)}
    cmd = ["bash", str(REPO / "scripts" / "test"), *args]
    subprocess.run(cmd, env=env, cwd=tmp_path, check=True, timeout=60, capture_output=True)
    return calls.read_text().splitlines()


def test_scripts_test_installs_every_tiers_packages_before_any_tier(tmp_path: Path) -> None:
    """host-packages comes first, once, with every tier's needs; the tiers only after it returned."""
    calls = scripts_test_calls(tmp_path)
    assert calls[0] == "scripts/host-packages --kernel 6.12 --kernel 6.1 --platforms"
    assert sum(line.startswith("scripts/host-packages") for line in calls) == 1
    assert {line.split()[0] for line in calls[1:]} >= {"scripts/platforms", "scripts/vmtest", "-m"}


@pytest.mark.parametrize("kernel", ["6.12", "6.1"])
def test_one_kernel_tier_installs_only_its_kernel(tmp_path: Path, kernel: str) -> None:
    calls = scripts_test_calls(tmp_path, "--kernel", "--kernel-version", kernel)
    assert calls[0] == f"scripts/host-packages --kernel {kernel}"
    assert [line.split()[0] for line in calls[1:]] == ["scripts/vmtest"]


def test_the_mock_tier_installs_nothing(tmp_path: Path) -> None:
    assert not any(line.startswith("scripts/host-packages") for line in scripts_test_calls(tmp_path, "--mock"))
