"""A fast start: importing a subsystem, a compat module or running one CLI command loads only what it uses.

Each case runs in a fresh interpreter (this one has imported everything already) and reads that
interpreter's ``sys.modules``: asyncio and concurrent.futures (with ssl, socket and subprocess behind
them) come with the first asyncio or queued call, never with the import; a one-shot command imports
its own command's modules, not the other commands'.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import pytest

from linuxhw.cli import main
from linuxhw.cli.gpio_cmd import COMMANDS as GPIO_COMMANDS
from linuxhw.cli.i2c_cmd import COMMANDS as I2C_COMMANDS
from linuxhw.cli.main import COMMANDS, build_parser

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# What only an asyncio call or a queued (submitted) call needs.
ON_FIRST_USE = ("asyncio", "concurrent.futures", "ssl", "socket", "subprocess")
CLI_MODULES = {f"linuxhw.cli.{name}" for name in ("probe_cmd", "gpio_cmd", "gpio_watch", "gpio_lines",
               "gpio_format", "i2c_cmd", "i2c_args", "i2c_detect", "i2c_rw", "i2c_dump", "i2c_transfer",
               "spi_cmd", "dma_cmd")}  # fmt: skip


def modules_after(code: str) -> set[str]:
    """The names in a fresh interpreter's sys.modules once it has run ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=False,
                          env={**os.environ, "LINUXHW_BACKEND": "mock"}, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    "module",
    [
        "linuxhw",
        "linuxhw.gpio",
        "linuxhw.i2c",
        "linuxhw.spi",
        "linuxhw.dmabuf",
        "linuxhw.compat.smbus",
        "linuxhw.compat.smbus2",
        "linuxhw.compat.spidev",
    ],
)
def test_importing_a_subsystem_leaves_asyncio_and_the_executor_for_their_first_use(module: str) -> None:
    loaded = modules_after(f"import {module}")
    assert module in loaded
    assert sorted(set(ON_FIRST_USE) & loaded) == []


def test_the_gpiozero_pin_factory_adds_neither_asyncio_nor_an_executor_to_gpiozero() -> None:
    pytest.importorskip("gpiozero")
    loaded = modules_after("from linuxhw.compat.gpiozero import LinuxhwFactory")
    assert "linuxhw.gpio" in loaded
    assert sorted({"asyncio", "concurrent.futures"} & loaded) == []


def test_the_first_asyncio_call_imports_asyncio_and_works() -> None:
    code = (
        "import asyncio\n"  # the caller's own import: linuxhw's twins need nothing more
        "from linuxhw import i2c\n"
        "with i2c.Bus(1) as bus:\n"
        "    assert asyncio.run(bus.device(0x1c).read_byte_data_async(0x0F)) == 0x6A\n"
    )
    loaded = modules_after(code)
    assert {"asyncio", "concurrent.futures"} <= loaded


def test_a_queued_spi_message_imports_the_executor_then() -> None:
    code = (
        "import sys\n"
        "from linuxhw import spi\n"
        "with spi.Device((0, 0)) as dev:\n"
        "    assert 'concurrent.futures' not in sys.modules\n"
        "    assert dev.submit(spi.Transfer(b'ab')).result(timeout=30) == 2\n"
    )
    assert "concurrent.futures" in modules_after(code)


def run_command(*args: str) -> set[str]:
    code = f"from linuxhw.cli import main\nstatus = main({list(args)!r})\nassert status == 0, status"
    return modules_after(code) & (CLI_MODULES | {"linuxhw.gpio", "linuxhw.i2c", "linuxhw.spi", "linuxhw.dmabuf"})


def test_a_one_shot_gpio_command_imports_the_gpio_command_alone() -> None:
    assert run_command("--backend", "mock", "gpio", "get", "GPIO17") == {
        "linuxhw.cli.gpio_cmd", "linuxhw.cli.gpio_lines", "linuxhw.cli.gpio_format", "linuxhw.gpio"}  # fmt: skip


def test_a_one_shot_i2c_command_imports_its_own_i2c_command_alone() -> None:
    assert run_command("--backend", "mock", "i2c", "get", "1", "0x1c", "0x0f") == {
        "linuxhw.cli.i2c_cmd", "linuxhw.cli.i2c_rw", "linuxhw.cli.i2c_args", "linuxhw.i2c"}  # fmt: skip


def test_help_imports_no_command() -> None:
    assert run_command("--help") == set()


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_naming_a_command_builds_it_in_full_and_the_others_by_name() -> None:
    """Each command of the tables is registered in full by the function the table names (a command
    left a stub would have no ``run``: a usage error); commands of the other entries are stubs."""
    tables = {(): COMMANDS, ("gpio",): GPIO_COMMANDS, ("i2c",): I2C_COMMANDS}
    for prefix, table in tables.items():
        for names in table.values():
            for name in names:
                path = [*prefix, name]
                parser = build_parser(path)
                for step in prefix:
                    parser = subcommands(parser)[step]
                level = subcommands(parser)
                stubs = [level[other] for entry in table.values() if entry is not names for other in entry]
                assert all(stub.get_default("run") is None and not subcommands(stub) for stub in stubs), path
                assert callable(level[name].get_default("run")) or subcommands(level[name]), path


def test_every_command_is_listed_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, table in (([], COMMANDS), (["gpio"], GPIO_COMMANDS), (["i2c"], I2C_COMMANDS)):
        assert main([*argv, "--help"]) == 0
        listing = capsys.readouterr().out
        for names in table.values():
            for name, text in names.items():
                assert f"    {name}" in listing and " ".join(text.split()[:3]) in listing, (argv, name)


def test_board_data_waits_for_a_spec_that_needs_a_board() -> None:
    """A command naming kernel lines imports no board data; a header pin's spec brings it. (On a mock board
    of no known shape: the demo board is a mock Raspberry Pi 4, made from that data.)"""
    by_name = modules_after(
        "from linuxhw import mock\nfrom linuxhw.cli import main\nboard = mock.Board()\n"
        "board.add_gpio_chip(28, names=[f'GPIO{n}' for n in range(28)])\n"
        "assert main(['gpio', 'get', 'GPIO17'], backend=board) == 0"
    )
    assert not {"linuxhw.boards", "linuxhw.boards.raspberrypi"} & by_name
    by_pin = modules_after(
        "from linuxhw.cli import main\n"
        "assert main(['--backend', 'mock', 'gpio', 'get', '--board', 'raspberrypi-4b', 'BOARD11']) == 0"
    )
    assert {"linuxhw.boards", "linuxhw.boards.raspberrypi", "linuxhw.boards.beaglebone"} <= by_pin
    assert "linuxhw.boards.raspberrypi" not in modules_after("import linuxhw.boards")
