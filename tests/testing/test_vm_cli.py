"""``linuxhw vm`` without booting: its usage errors, and the messages that replace a traceback when the host
lacks something (a user who is not root is told the exact command to run first)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from linuxhw.vm import _host
from linuxhw.vm.install import KERNELS, KernelSeries, ensure_installed, installed_kernel


def linuxhw_vm(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linuxhw.vm", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )


def test_a_command_is_required(tmp_path: Path) -> None:
    proc = linuxhw_vm(cwd=tmp_path)
    assert proc.returncode == 2
    assert "give the command to run in the guest after --, e.g. linuxhw vm -- pytest -q" in proc.stderr


def test_the_linuxhw_command_has_vm(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "linuxhw", "vm", "--help"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0
    assert "usage: linuxhw vm [options] -- COMMAND [ARG...]" in proc.stdout
    assert "--kernel {6.1,6.12}" in proc.stdout


def test_an_unknown_kernel_is_refused_naming_the_choices(tmp_path: Path) -> None:
    proc = linuxhw_vm("--kernel", "5.10", "--", "true", cwd=tmp_path)
    assert proc.returncode == 2
    assert "argument --kernel: invalid choice: '5.10' (choose from" in proc.stderr


def test_a_kernel_apt_does_not_know_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.geteuid", lambda: 1000)  # nothing may be installed by this test
    nowhere = KernelSeries("9.99", r"9\.99\.[0-9]+\+nowhere")
    with pytest.raises(
        _host.Failure, match=r"apt has no linux-image and linux-headers packages for Debian's 9.99"
    ) as exc:
        ensure_installed(nowhere, tmp_path)
    assert exc.value.status == _host.EXIT_HOST_SETUP


@pytest.mark.skipif(installed_kernel(KERNELS["6.12"]) is None, reason="needs the 6.12 kernel packages installed")
def test_an_ordinary_user_is_told_the_command_to_run_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    with pytest.raises(_host.Failure) as exc:
        ensure_installed(KERNELS["6.12"], tmp_path, extra_tools={"lhw-no-such-tool": "lhw-no-such-package"})
    assert "installing them needs root. Run first:\n    sudo apt-get update && sudo apt-get install -y -q " in str(
        exc.value
    )
    assert str(exc.value).endswith("--no-install-recommends lhw-no-such-package")
