"""The command line's parsers: each command reports its own usage, with the exit status of the tool it follows.

A subcommand's unknown option prints that subcommand's usage (argparse would leave it to the top-level
parser, which prints its own). i2c-tools and libgpiod's tools exit 1 on a usage error, linuxhw's own
commands 2: each parser carries the status its command uses, and so does the namespace it fills.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

USAGE_STATUS = 2
"""linuxhw's own usage-error status (spi, dma, probe); i2c and gpio commands take their peer's."""


class CommandParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors print its own usage and exit with ``usage_status``."""

    def __init__(self, *args: Any, usage_status: int = USAGE_STATUS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.usage_status = usage_status
        self.set_defaults(usage_status=usage_status)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras and not self._subparsers:  # a leaf command: what it does not know is its own error
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(self.usage_status, f"{self.prog}: error: {message}\n")


class PeerParser(CommandParser):
    """A parser for commands that follow i2c-tools or libgpiod's tools, which exit 1 on a usage error."""

    peer_usage_status = 1

    def __init__(self, *args: Any, usage_status: int = peer_usage_status, **kwargs: Any) -> None:
        super().__init__(*args, usage_status=usage_status, **kwargs)


class Refused(argparse.Action):
    """An option a peer tool has and linuxhw does not: refused by name, so a habit never means something else."""

    def __init__(self, option_strings: Sequence[str], dest: str, reason: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("help", argparse.SUPPRESS)
        super().__init__(option_strings, dest, **kwargs)
        self.reason = reason

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        parser.error(f"{option_string}: {self.reason}")


class Commands:
    """One level of subcommands, each module imported only when one of its commands is run.

    ``table`` maps ``"module:function"`` to the commands that function registers, each with its line
    of ``--help``; ``args`` are the arguments after this level's own command. The function of the
    command ``args`` names is called by :meth:`add` with this object, and adds its parsers with
    :meth:`add_parser` (which gives each its help from the table; ``rest`` are the arguments after
    it, for a level below). Every other command gets a parser of its name and help only, for the
    usage and ``--help``, and its module is never imported. The command is the first argument that
    names one: no option before a command takes a value that could be a command's name, so argparse
    picks the same one (or fails before it gets there).
    """

    def __init__(self, sub: Any, table: Mapping[str, Mapping[str, str]], args: Sequence[str]) -> None:
        self._sub = sub
        self._table = table
        self._help = {name: text for names in table.values() for name, text in names.items()}
        at = next((i for i, arg in enumerate(args) if arg in self._help), len(args))
        self.chosen = args[at] if at < len(args) else None
        self.rest = list(args[at + 1 :])

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        """The parser of command ``name`` (``argparse`` keyword arguments; the help is the table's)."""
        return self._sub.add_parser(name, help=self._help[name], **kwargs)

    def add(self, *args: Any) -> None:
        """Add every command, in the table's order: the one being run by ``function(self, *args)``."""
        for target, names in self._table.items():
            if self.chosen in names:
                module, function = target.split(":")
                getattr(importlib.import_module(module), function)(self, *args)
            else:
                for name, text in names.items():
                    self._sub.add_parser(name, help=text)


def refuse(parser: argparse.ArgumentParser, *options: str, reason: str, takes_value: bool = False) -> None:
    """Make ``options`` a usage error that says ``reason``."""
    parser.add_argument(*options, action=Refused, reason=reason, nargs=1 if takes_value else 0)
