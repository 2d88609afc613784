"""``python -m linuxhw.vm -- COMMAND``: the same as ``linuxhw vm``."""

import sys

from linuxhw.vm.cli import main

sys.exit(main())
