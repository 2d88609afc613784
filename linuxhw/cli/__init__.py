"""The ``linuxhw`` command: probe a board and poke its buses from the shell."""

from linuxhw.cli.main import main

__all__ = ["main"]
