"""``python -m linuxhw``: the same as the ``linuxhw`` command."""

from linuxhw.cli import main

raise SystemExit(main())
