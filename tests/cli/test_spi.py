"""``linuxhw spi list|transfer|test`` on the demo board: ADC on 0.0, flash on 0.1, loopback on 1.0 (1.1, 1.2 idle)."""

from __future__ import annotations

import json

import pytest

from linuxhw import spi
from linuxhw.cli.errors import UsageError
from linuxhw.cli.spi_cmd import device_path, echo_pattern, parse_hex
from linuxhw.mock import Board
from linuxhw.spi.transfer import DMA_MINALIGN
from tests.cli.conftest import Cli


def test_list(cli: Cli) -> None:
    result = cli("spi", "list")
    assert result.lines == [
        "/dev/spidev0.0: mode 0, 50000000 Hz, 8 bits/word, bufsiz 4096",
        "/dev/spidev0.1: mode 0, 25000000 Hz, 8 bits/word, bufsiz 4096",
        "/dev/spidev1.0: mode 0, 50000000 Hz, 8 bits/word, bufsiz 4096",
        "/dev/spidev1.1: mode 0, 50000000 Hz, 8 bits/word, bufsiz 4096",
        "/dev/spidev1.2: mode 0, 50000000 Hz, 8 bits/word, bufsiz 4096",
    ]
    assert json.loads(cli("spi", "list", "--json").out)[1]["max_speed_hz"] == 25_000_000


def test_transfer_reads_the_flash_jedec_id(cli: Cli) -> None:
    result = cli("spi", "transfer", "0.1", "9f", "00", "00", "00")
    assert (result.status, result.out) == (0, "ff ef 40 11\n")
    assert cli("spi", "transfer", "spidev1.0", "0x12", "3456", "ab:cd").out == "12 34 56 ab cd\n"
    data = json.loads(cli("--json", "spi", "transfer", "-m", "3", "-s", "1000000", "/dev/spidev1.0", "1").out)
    assert (data["mode"], data["max_speed_hz"], data["tx"], data["rx"]) == (3, 1_000_000, [1], [1])


def test_settings_are_restored_after_the_command(cli: Cli, board: Board) -> None:
    cli("spi", "transfer", "--loop", "-m", "2", "-s", "1000", "-b", "16", "0.1", "00", "00")
    with spi.Device("/dev/spidev0.1", backend=board) as device:
        assert (device.mode, device.max_speed_hz, device.bits_per_word) == (spi.Mode.MODE_0, 25_000_000, 8)


def test_test_on_a_loopback_prints_the_rate(cli: Cli) -> None:
    result = cli("spi", "test", "1.0", "--size", "4K", "-n", "5")
    assert result.status == 0
    assert result.lines[0] == "/dev/spidev1.0: mode 0, 50000000 Hz, 8 bits/word"
    assert result.lines[1] == "5 x 4096 bytes: every byte came back as sent"
    assert result.lines[2].startswith("rate: tx ")
    data = json.loads(cli("--json", "spi", "test", "1.0").out)
    assert (data["ok"], data["bytes"], data["size"], data["count"]) == (True, 32, 32, 1)


def test_test_with_internal_loopback_and_without_any(cli: Cli) -> None:
    looped = cli("spi", "test", "--loop", "0.1", "-n", "2")
    assert looped.status == 0 and looped.lines[0] == "/dev/spidev0.1: mode 0 (LOOP), 25000000 Hz, 8 bits/word"
    nothing = cli("spi", "test", "0.1")
    assert nothing.status == 1
    assert "message 1, byte 0" in nothing.err and "got 0xff back; no loopback?" in nothing.err
    one_byte = cli("spi", "test", "0.1", "--size", "1")
    assert one_byte.status == 1 and "message 1, byte 0" in one_byte.err


def test_the_echo_pattern_never_starts_with_what_an_idle_miso_reads() -> None:
    firsts = {echo_pattern(1)[0] for _ in range(2000)}
    assert not firsts & {0x00, 0xFF} and len(firsts) > 200
    assert len(echo_pattern(4096)) == 4096


def test_errors(cli: Cli) -> None:
    missing = cli("spi", "transfer", "3.0", "00")
    assert missing.status == 1 and "/dev/spidev3.0" in missing.err and "[ENOENT]" in missing.err
    assert cli("spi", "transfer", "1.0", "xyz").status == 2
    assert cli("spi", "test", "-n", "0", "1.0").status == 2
    assert cli("spi", "test", "-m", "4", "1.0").status == 2
    too_big = cli("spi", "transfer", "1.0", "00" * 4097)
    assert too_big.status == 2 and "bufsiz" in too_big.err


def test_hex_and_device_parsing() -> None:
    assert parse_hex(["9f", "0x0", "a", "0102", "03:04"]) == bytes([0x9F, 0, 0x0A, 1, 2, 3, 4])
    with pytest.raises(UsageError):
        parse_hex(["123"])
    assert [device_path(t) for t in ("1.2", "spidev1.2", "/dev/spidev1.2")] == ["/dev/spidev1.2"] * 3


def test_test_larger_than_bufsiz_says_chip_select_toggled(cli: Cli) -> None:
    result = cli("spi", "test", "-S", "4097", "-I", "2", "1.0")
    assert result.status == 0
    assert result.lines[1] == (
        "each 4097 bytes went as 2 messages of at most 4096 bytes (spidev's bufsiz 4096): chip select toggled "
        "between messages (spidev_test fails: Message too long)"
    )
    assert result.lines[2] == "2 x 4097 bytes: every byte came back as sent"
    data = json.loads(cli("--json", "spi", "test", "--size", "4097", "1.0").out)
    assert (data["messages_each"], data["bufsiz"], data["message_bytes"]) == (2, 4096, 4096)


def test_a_bufsiz_below_the_dma_alignment_is_refused_with_the_reason(cli: Cli, board: Board) -> None:
    board.module_parameters["spidev.bufsiz"] = str(DMA_MINALIGN - 1)  # spidev then takes no message at all
    result = cli("spi", "test", "--size", "10", "1.0")
    assert result.status == 2
    assert f"below the {DMA_MINALIGN}-byte DMA alignment" in result.err
    with spi.Device("/dev/spidev1.0", backend=board) as device:
        assert device.max_message_bytes == 0
        with pytest.raises(ValueError, match="takes no message: raise bufsiz"):
            device.read(DMA_MINALIGN, split=True)


def test_test_splits_by_what_spidev_takes_when_bufsiz_is_not_aligned(cli: Cli, board: Board) -> None:
    board.module_parameters["spidev.bufsiz"] = "4100"  # spidev counts a transfer rounded up to DMA_MINALIGN
    data = json.loads(cli("--json", "spi", "test", "--size", "4100", "1.0").out)
    expected = 4100 - 4100 % DMA_MINALIGN
    assert (data["ok"], data["bufsiz"], data["message_bytes"]) == (True, 4100, expected)
    assert data["messages_each"] == -(-4100 // expected)


@pytest.mark.parametrize(
    ("letters", "mode", "flags"),
    [
        (["-H"], 1, ["CPHA"]),
        (["-O"], 2, ["CPOL"]),
        (["-H", "-O"], 3, ["CPHA", "CPOL"]),
        (["-C"], 0, ["CS_HIGH"]),
        (["-L"], 0, ["LSB_FIRST"]),
        (["-N"], 0, ["NO_CS"]),
        (["-l"], 0, ["LOOP"]),
        (["--cpha", "--cs-high", "--lsb"], 1, ["CPHA", "CS_HIGH", "LSB_FIRST"]),
    ],
)
def test_spidev_test_letters_mean_what_they_mean_there(
    cli: Cli, letters: list[str], mode: int, flags: list[str]
) -> None:
    data = json.loads(cli("--json", "spi", "transfer", *letters, "-D", "/dev/spidev1.0", "00").out)
    assert (data["mode"], sorted(data["mode_flags"])) == (mode, flags)


def test_spidev_test_options_linuxhw_lacks_are_refused_by_name(cli: Cli) -> None:
    for option in (["-d", "5"], ["-F"], ["-2"], ["-4"], ["-8"], ["-Z"], ["-i", "f"], ["-o", "f"], ["-p", "12"],
                   ["-R"], ["-M"], ["-v"], ["--delay", "5"], ["--quad"], ["--verbose"]):  # fmt: skip
        result = cli("spi", "test", *option, "1.0")
        assert result.status == 2, option
        assert result.err.startswith("usage: linuxhw spi test "), option
        assert f"linuxhw spi test: error: {option[0]}: spidev_test's " in result.err
        assert "is not supported by linuxhw" in result.err
    size = cli("spi", "transfer", "-S", "8", "1.0", "00")
    assert size.status == 2 and "size and iterations belong to 'spi test'" in size.err


def test_refused_before_any_call(cli: Cli, board: Board) -> None:
    three_wire = cli("spi", "transfer", "-3", "1.0", "00")
    assert three_wire.status == 2 and "the kernel refuses full duplex in 3-wire mode" in three_wire.err
    assert cli("spi", "test", "--3wire", "1.0").status == 2
    both = cli("spi", "transfer", "-m", "2", "-H", "1.0", "00")
    assert both.status == 2 and "not both" in both.err
    assert cli("spi", "transfer", "-D", "0.1", "9f", "00", "00", "00").out == "ff ef 40 11\n"
    twice = cli("spi", "test", "-D", "1.0", "0.1")
    assert twice.status == 2 and "give the device once" in twice.err
    with spi.Device("/dev/spidev1.0", backend=board) as device:
        assert device.mode == spi.Mode.MODE_0


def test_unknown_option_prints_the_subcommand_usage(cli: Cli) -> None:
    result = cli("spi", "transfer", "--frobnicate", "1.0", "00")
    assert result.status == 2
    assert result.err.startswith("usage: linuxhw spi transfer ")
    assert result.err.endswith("linuxhw spi transfer: error: unrecognized arguments: --frobnicate\n")
