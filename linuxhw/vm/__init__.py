"""The kernel tier for anyone: ``linuxhw vm -- pytest -q`` runs a command in a VM booted on Debian's kernel with
the GPIO, I2C and SPI simulators loaded, in the current directory (see :mod:`linuxhw.vm.cli`)."""

from linuxhw.vm.cli import main
from linuxhw.vm.run import VmRun, execute

__all__ = ["VmRun", "execute", "main"]
