"""``linuxhw gpio mon`` and ``gpio notify`` when their chip goes away: a one-line error and a failure
status, no traceback."""

from __future__ import annotations

import pytest

from linuxhw.cli.main import EXIT_FAILED
from linuxhw.mock import Board
from tests.cli.conftest import Cli, Result, gpio_chips
from tests.unplugging import BlockedCall


@pytest.mark.parametrize("command", ["mon", "notify"])
def test_watching_ends_with_one_line_when_the_chip_is_removed(cli: Cli, board: Board, command: str) -> None:
    soc = gpio_chips(board)[0]
    mon = BlockedCall(lambda: cli("gpio", command, "GPIO22"))  # no idle timeout, no count: only removal ends it
    mon.wait_blocked()  # in its event loop, waiting for edges or info changes
    soc.remove()
    result = mon.outcome()
    assert isinstance(result, Result), result
    assert result.status == EXIT_FAILED
    assert result.out == ""
    errors = [line for line in result.err.splitlines() if not line.startswith("linuxhw: ")]
    assert errors == [
        f"linuxhw gpio {command}: error: {soc.dev_path}: read events failed: No such device; the device was removed "
        "(unplugged, or its driver unbound): close() this handle and open the device again once it is back [ENODEV]"
    ]
