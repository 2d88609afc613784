"""``linuxhw i2c list|detect|get|set|dump|transfer`` on the demo board's simulator bus."""

from __future__ import annotations

import json

import pytest

from linuxhw import i2c
from linuxhw.cli.errors import UsageError
from linuxhw.cli.i2c_transfer import next_byte, parse_messages
from linuxhw.mock import Board
from linuxhw.mock.i2c import STUB_FUNCTIONALITY
from tests.cli.conftest import Cli

DEMO_GRID = [
    "     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f",
    "00:                         -- -- -- -- -- -- -- -- ",
    "10: -- -- -- -- -- -- -- -- -- -- -- -- 1c -- -- -- ",
    "20: -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- ",
    "30: -- -- -- -- UU -- -- -- -- -- -- -- -- -- -- -- ",
    "40: -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- ",
    "50: 50 51 -- -- -- -- -- -- -- -- -- -- -- -- -- -- ",
    "60: -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- ",
    "70: -- -- -- -- -- -- -- --                         ",
]


def test_list(cli: Cli) -> None:
    assert cli("i2c", "list").lines == ["i2c-1\ti2c       \tlinuxhw i2c simulator           \tI2C adapter"]
    assert json.loads(cli("i2c", "list", "--json").out)[0]["type"] == "i2c"


def test_detect_prints_the_i2cdetect_grid(cli: Cli) -> None:
    result = cli("i2c", "detect", "1")
    assert (result.status, result.lines) == (0, DEMO_GRID)
    assert cli("i2c", "detect", "linuxhw i2c simulator").lines == DEMO_GRID


def test_detect_range_modes_and_json(cli: Cli) -> None:
    assert cli("i2c", "detect", "-a", "1").lines[1] == "00: -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- "
    ranged = cli("i2c", "detect", "-r", "1", "0x1a", "0x1c").lines
    assert ranged[2] == "10:                               -- -- 1c          "
    assert ranged[1] == "00:" + " " * 49
    data = json.loads(cli("--json", "i2c", "detect", "-q", "1").out)
    assert (data["present"], data["busy"], data["mode"]) == ([0x1C, 0x50, 0x51], [0x34], "quick")


def test_detect_leaves_what_the_adapter_cannot_probe_blank(board: Board, cli: Cli) -> None:
    stub = board.add_i2c_stub([0x1C, 0x50], STUB_FUNCTIONALITY & ~int(i2c.Functionality.SMBUS_QUICK))
    result = cli("i2c", "detect", stub.dev_path)
    assert result.lines[2] == "10:" + " " * 49  # quick-probed rows: skipped
    assert result.lines[4] == "30: -- -- -- -- -- -- -- --                         "
    assert result.lines[6] == "50: 50 -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- "
    assert "cannot do SMBus quick write" in result.err
    refused = cli("i2c", "detect", "-q", stub.dev_path)
    assert refused.status == 1 and "[EOPNOTSUPP]" in refused.err


def test_get_modes(cli: Cli) -> None:
    assert cli("i2c", "get", "1", "0x1c", "0x0f").out == "0x6a\n"
    assert cli("i2c", "get", "1", "0x1c", "0x0f", "w").out == "0x006a\n"
    assert cli("i2c", "get", "1", "0x1c", "0xa0", "s").out == "0x6c 0x69 0x6e 0x75 0x78 0x68 0x77 0x2d 0x73 0x69 0x6d\n"
    assert cli("i2c", "get", "1", "0x1c", "0x0e", "i", "2").out == "0x00 0x6a\n"
    assert cli("i2c", "get", "1", "0x1c", "0x0f", "c").out == "0x6a\n"
    assert cli("i2c", "get", "1", "0x2a5", "0x0f").out == "0xa5\n"  # a 10-bit address
    data = json.loads(cli("--json", "i2c", "get", "1", "0x1c", "0x0f").out)
    assert data == {"bus": "/dev/i2c-1", "address": 0x1C, "register": 0x0F, "mode": "b", "value": 0x6A}


def test_get_errors_exit_as_i2cget_does(cli: Cli) -> None:
    """i2cget: 2 when the read fails, 1 when it never reads (usage, bus, a driver's address, no such transaction)."""
    nobody = cli("i2c", "get", "1", "0x3d", "0x00")
    assert nobody.status == 2 and "no device acknowledged address 0x3d" in nobody.err
    pec = cli("i2c", "get", "1", "0x1c", "0x0f", "bp")  # the model sends no PEC byte
    assert pec.status == 2 and "PEC mismatch" in pec.err and "[EBADMSG]" in pec.err
    owned = cli("i2c", "get", "1", "0x34", "0x00")
    assert owned.status == 1 and "a kernel driver owns it" in owned.err and "[EBUSY]" in owned.err
    reserved = cli("i2c", "get", "1", "0x03")  # reserved without -a
    assert reserved.status == 1 and "-a allows it" in reserved.err
    assert cli("i2c", "get", "1", "0x1c", "0x0f", "x").status == 1
    assert cli("i2c", "get", "1", "0x1c", "0x0f", "b", "4").status == 1
    assert cli("i2c", "get", "1", "0x1c", "0x100").status == 1
    assert cli("i2c", "get", "7", "0x1c").status == 1
    assert cli("i2c", "get", "0", "0x1c").status == 1  # a Pi's header bus is 1; the demo board has no bus 0


def test_unknown_option_prints_the_subcommand_usage_and_exits_1(cli: Cli) -> None:
    for command in ("get", "set", "dump", "detect", "transfer"):
        result = cli("i2c", command, "--frobnicate", "1", "0x1c", "0x00")
        assert result.status == 1, command
        assert result.err.startswith(f"usage: linuxhw i2c {command} "), result.err
        assert result.err.endswith(f"linuxhw i2c {command}: error: unrecognized arguments: --frobnicate\n")


def test_set_then_get_in_each_mode(cli: Cli) -> None:
    assert cli("i2c", "set", "1", "0x1c", "0x21", "0x5a").status == 0
    assert cli("i2c", "get", "1", "0x1c", "0x21").out == "0x5a\n"
    cli("i2c", "set", "1", "0x1c", "0x24", "0x1234", "w")
    assert cli("i2c", "get", "1", "0x1c", "0x24", "w").out == "0x1234\n"
    cli("i2c", "set", "1", "0x1c", "0x30", "1", "2", "3", "i")
    assert cli("i2c", "get", "1", "0x1c", "0x30", "i", "3").out == "0x01 0x02 0x03\n"
    cli("i2c", "set", "1", "0x1c", "0xa0", "0x41", "0x42", "s")
    assert cli("i2c", "get", "1", "0x1c", "0xa0", "s").out == "0x41 0x42\n"
    cli("i2c", "set", "1", "0x1c", "0x40")  # MODE c: sets the register pointer
    assert cli("i2c", "get", "1", "0x1c").out == "0x00\n"


def test_set_mask_and_readback(cli: Cli) -> None:
    cli("i2c", "set", "1", "0x1c", "0x21", "0xf0")
    result = cli("i2c", "set", "-r", "-m", "0x0f", "1", "0x1c", "0x21", "0x05")
    assert (result.status, result.out) == (0, "Value 0xf5 written, readback matched\n")


def test_set_readback_mismatch_is_a_warning_as_in_i2cset(cli: Cli) -> None:
    # A byte written to a block command (0xae) does not read back as written: i2cset warns, exit 0.
    result = cli("i2c", "set", "-r", "1", "0x1c", "0xae", "0x55")
    assert (result.status, result.out) == (0, "Warning - data mismatch - wrote 0x55, read back 0x00\n")


def test_set_usage_errors(cli: Cli) -> None:
    assert cli("i2c", "set", "1", "0x1c", "0x21", "1", "2").status == 1
    assert cli("i2c", "set", "1", "0x1c", "0x21", "1", "c").status == 1
    assert cli("i2c", "set", "1", "0x1c", "0x21", "0x100").status == 1
    assert cli("i2c", "set", "-r", "1", "0x1c", "0x21", "1", "2", "i").status == 1


def test_dump_byte_grid(cli: Cli) -> None:
    cli("i2c", "set", "1", "0x1c", "0x20", "0x41", "0x42", "0x01", "0xff", "i")
    result = cli("i2c", "dump", "1", "0x1c")
    assert result.status == 0
    assert result.lines[0] == "     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f    0123456789abcdef"
    assert result.lines[1] == "00: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 6a    ...............j"
    assert result.lines[3] == "20: 41 42 01 ff 00 00 00 00 00 00 00 00 00 00 00 00    AB?............."
    assert len(result.lines) == 17
    # Block and word reads of 0xa0.. see the model's SMBus blocks; below that they match byte reads.
    assert cli("i2c", "dump", "-r", "0x00-0x3f", "1", "0x1c", "i").lines == result.lines[:5]
    assert cli("i2c", "dump", "-r", "0x00-0x3f", "1", "0x1c", "W").lines == result.lines[:5]


def test_dump_range_word_grid_and_json(cli: Cli) -> None:
    ranged = cli("i2c", "dump", "-r", "0x0e-0x11", "1", "0x1c").lines
    assert ranged[1:] == [
        "00: " + "   " * 14 + "00 6a " + "   " + " " * 14 + ".j",
        "10: 00 00 " + "   " * 14 + "   " + ".." + " " * 14,
    ]
    words = cli("i2c", "dump", "-r", "0x08-0x0f", "1", "0x1c", "w").lines
    assert words == ["     0,8  1,9  2,a  3,b  4,c  5,d  6,e  7,f", "08: 0000 0000 0000 0000 0000 0000 6a00 006a "]
    data = json.loads(cli("--json", "i2c", "dump", "-r", "0x0e-0x0f", "1", "0x1c").out)
    assert (data["first"], data["last"], data["values"]) == (0x0E, 0x0F, [0, 0x6A])


def test_dump_of_an_absent_device_fails_after_the_grid(cli: Cli) -> None:
    result = cli("i2c", "dump", "-r", "0-3", "1", "0x3d")
    assert result.status == 1
    assert result.lines[1] == "00: XX XX XX XX                                        XXXX            "
    assert "every read failed" in result.err and "[ENXIO]" in result.err


def test_transfer_write_then_read(cli: Cli) -> None:
    result = cli("i2c", "transfer", "1", "w3@0x50", "0x00", "0x68", "0x69", "w1", "0x00", "r2")
    assert (result.status, result.out) == (0, "0x68 0x69\n")
    verbose = cli("i2c", "transfer", "-v", "1", "w1@0x50", "0x00", "r2@0x50")
    assert verbose.lines == ["msg 0: addr 0x50, write, len 1, buf 0x00", "msg 1: addr 0x50, read, len 2, buf 0x68 0x69"]


def test_transfer_suffixes_and_block_reads(cli: Cli) -> None:
    out = cli("i2c", "transfer", "1", "w9@0x50", "0x10", "0xfe-", "w1", "0x10", "r8").out
    assert out == "0xfe 0xfd 0xfc 0xfb 0xfa 0xf9 0xf8 0xf7\n"
    assert cli("i2c", "transfer", "1", "w1@0x1c", "0xa0", "r?").out == (
        "0x0b 0x6c 0x69 0x6e 0x75 0x78 0x68 0x77 0x2d 0x73 0x69 0x6d\n"
    )
    data = json.loads(cli("--json", "i2c", "transfer", "1", "w1@0x1c", "0x0f", "r1").out)
    assert data["messages"][1] == {"address": 0x1C, "read": True, "length": 1, "data": [0x6A]}


def test_transfer_errors(cli: Cli) -> None:
    nak = cli("i2c", "transfer", "1", "r1@0x3d")
    assert nak.status == 1 and "[ENXIO]" in nak.err
    assert cli("i2c", "transfer", "1", "r1").status == 1
    assert cli("i2c", "transfer", "1", "w2@0x50", "0x00").status == 1
    assert cli("i2c", "transfer", "1", "x1@0x50").status == 1
    owned = cli("i2c", "transfer", "1", "w1@0x1c", "0x0f", "r1@0x34")
    assert owned.status == 1 and "r1@0x34: select address 0x34" in owned.err and "-f uses it" in owned.err
    forced = cli("i2c", "transfer", "-f", "1", "r1@0x34")  # used anyway: no chip answers there
    assert forced.status == 1 and "[ENXIO]" in forced.err


def test_transfer_grammar() -> None:
    specs = parse_messages(["w3@0x50", "0x00", "0x10", "0x20", "r8", "ir2@0x51", "w4@0x1c", "7=", "w0"], False)
    assert [(s.read, s.length, s.address, s.flags) for s in specs] == [
        (False, 3, 0x50, ""), (True, 8, 0x50, ""), (True, 2, 0x51, "i"), (False, 4, 0x1C, ""), (False, 0, 0x1C, ""),
    ]  # fmt: skip
    assert specs[0].data == [0x00, 0x10, 0x20]
    assert specs[3].data == [7, 7, 7, 7]
    assert parse_messages(["w4@0x50", "0p"], False)[0].data == [
        0x00,
        0x50,
        0xB0,
        0x71,
    ]  # man i2ctransfer: 0x00 0x50 0xb0
    assert parse_messages(["w3@0x2a5", "1+"], False)[0].ten_bit
    assert next_byte(0xFF, "+") == 0 and next_byte(0, "-") == 0xFF
    for bad in (["r1@0x03"], ["w?@0x50"], ["pr1@0x50"], ["w2@0x50", "0x100", "1"], ["w2@0x50", "1x"]):
        with pytest.raises(UsageError):
            parse_messages(bad, False)
    assert parse_messages(["r1@0x03"], True)[0].address == 3
