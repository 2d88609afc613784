"""``linuxhw probe``: everything this machine (or the mock board) offers — GPIO, I2C, SPI, PWM, IIO, DMA-BUF."""

from __future__ import annotations

import argparse
from typing import Any, Callable

from linuxhw import dmabuf, gpio, i2c, iio, pwm, spi
from linuxhw._kernel import Backend, get_backend
from linuxhw.cli.dma_cmd import UDMABUF_PATH, udmabuf_present
from linuxhw.cli.iio_cmd import device_lines, device_record
from linuxhw.cli.output import describe_error, emit
from linuxhw.cli.parser import Commands
from linuxhw.cli.pwm_cmd import chip_lines, chip_record
from linuxhw.gpio.chip import chip_paths
from linuxhw.i2c import Functionality as F
from linuxhw.i2c.bus import bus_paths

SMBUS_CALLS = (
    (F.SMBUS_QUICK, "quick"),
    (F.SMBUS_BYTE, "byte"),
    (F.SMBUS_BYTE_DATA, "byte-data"),
    (F.SMBUS_WORD_DATA, "word-data"),
    (F.SMBUS_PROC_CALL, "proc-call"),
    (F.SMBUS_BLOCK_DATA, "block-data"),
    (F.SMBUS_BLOCK_PROC_CALL, "block-proc-call"),
    (F.SMBUS_I2C_BLOCK, "i2c-block"),
)
ADAPTER_FEATURES = (
    (F.I2C, "I2C transfers"),
    (F.TEN_BIT_ADDR, "10-bit"),
    (F.SMBUS_PEC, "PEC"),
    (F.NOSTART, "nostart"),
    (F.PROTOCOL_MANGLING, "mangling"),
)
NOTHING_HINT = (
    "No GPIO chips, I2C adapters, SPI devices, PWM chips or DMA-BUF heaps here (I2C needs i2c-dev: modprobe i2c-dev; "
    "SPI needs spidev).\nNo hardware? Try the demo board: linuxhw --backend mock probe"
)


def register(commands: Commands, json_option: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("probe", parents=[json_option])
    parser.set_defaults(run=run, prog=parser.prog)


def board_identity(backend: Backend) -> tuple[str | None, str | None]:
    """The board's model as its device tree says it (through the backend: a mock board may have one), and
    the linuxhw.boards id of the board (``$LINUXHW_BOARD``'s, else the device tree's), each None if unknown."""
    from linuxhw import boards
    from linuxhw.boards.detect import device_tree_strings

    model = device_tree_strings(backend, "model")
    board = boards.current(backend)
    return (model[0] if model else None), (board.id if board else None)


def summarize_functionality(funcs: F) -> str:
    """``I2C transfers, 10-bit, PEC; SMBus quick byte byte-data ...``."""
    features = [name for flag, name in ADAPTER_FEATURES if flag in funcs]
    calls = [name for flag, name in SMBUS_CALLS if flag & funcs]
    if calls:
        features.append("SMBus " + " ".join(calls))
    return ", ".join(features) or "nothing"


def _each(paths: list[str], describe: Callable[[str], dict[str, Any]]) -> list[dict[str, Any]]:
    """``describe(path)`` for every path; a device that cannot be opened is listed with its error."""
    found = []
    for path in paths:
        try:
            found.append(describe(path))
        except OSError as exc:
            found.append({"path": path, "error": describe_error(exc)})
    return found


def _gpio_chip(path: str) -> dict[str, Any]:
    with gpio.Chip(path) as chip:
        used = sum(1 for line in chip.line_infos() if line.used)
        return {"path": path, "name": chip.name, "label": chip.label, "num_lines": chip.num_lines, "lines_in_use": used}


def _i2c_adapter(path: str) -> dict[str, Any]:
    with i2c.Bus(path) as bus:
        funcs = bus.functionality
        return {
            "path": path,
            "name": bus.name,
            "functionality": funcs.names(),
            "summary": summarize_functionality(funcs),
        }


def _spi_devices() -> list[dict[str, Any]]:
    paths = get_backend().device_nodes("spidev")

    def describe(path: str) -> dict[str, Any]:
        with spi.Device(path) as device:
            mode = device.mode
            return {
                "path": path,
                "mode": mode.clock_mode,
                "mode_flags": mode.names(),
                "max_speed_hz": device.max_speed_hz,
                "bits_per_word": device.bits_per_word,
                "bufsiz": device.bufsiz,
            }

    return _each(sorted(paths), describe)


def _pwm_chip(path: str) -> dict[str, Any]:
    with pwm.Chip(path) as chip:
        return chip_record(chip.info)


def _iio_device(path: str) -> dict[str, Any]:
    return device_record(next(info for info in iio.devices() if info.path == path))


def collect() -> dict[str, Any]:
    backend = get_backend()
    model, board_id = board_identity(backend)
    return {
        "backend": backend.name,
        "model": model,
        "board_id": board_id,
        "gpio_chips": _each(chip_paths(), _gpio_chip),
        "i2c_adapters": _each(bus_paths(backend), _i2c_adapter),
        "spi_devices": _spi_devices(),
        "pwm_chips": _each([info.path for info in pwm.chips(backend)], _pwm_chip),
        "iio_devices": _each([info.path for info in iio.devices(backend)], _iio_device),
        "dma_heaps": [{"name": h.name, "path": h.path, "kind": h.kind} for h in dmabuf.heaps()],
        "udmabuf": UDMABUF_PATH if udmabuf_present() else None,
    }


def _section(title: str, items: list[dict[str, Any]], line: Callable[[dict[str, Any]], str]) -> list[str]:
    rows = [f"{title}:"]
    rows += [f"  {item['path']}: {item['error']}" if "error" in item else f"  {line(item)}" for item in items]
    if not items:
        rows.append("  none")
    return rows


def render(data: dict[str, Any]) -> str:
    known = f" [{data['board_id']}]" if data["board_id"] else ""
    rows = [f"board: {data['model'] or 'unknown'}{known} (backend: {data['backend']})"]
    rows += _section(
        "GPIO chips",
        data["gpio_chips"],
        lambda c: f"{c['name']} [{c['label']}] {c['num_lines']} lines, {c['lines_in_use']} in use",
    )
    rows += _section(
        "I2C adapters",
        data["i2c_adapters"],
        lambda a: f'{a["path"]} "{a["name"]}": {a["summary"]}',
    )
    rows += _section(
        "SPI devices",
        data["spi_devices"],
        lambda s: (
            f"{s['path']}: mode {s['mode']}, {s['max_speed_hz']} Hz, {s['bits_per_word']} bits/word, "
            f"bufsiz {s['bufsiz']}"
        ),
    )
    rows.append("PWM chips:")
    for chip in data["pwm_chips"]:
        rows += (
            [f"  {chip['path']}: {chip['error']}"] if "error" in chip else [f"  {line}" for line in chip_lines(chip)]
        )
    if not data["pwm_chips"]:
        rows.append("  none")
    rows.append("IIO devices:")
    for device in data["iio_devices"]:
        rows += (
            [f"  {device['path']}: {device['error']}"]
            if "error" in device
            else [f"  {line}" for line in device_lines(device)]
        )
    if not data["iio_devices"]:
        rows.append("  none")
    dma = [{"path": h["path"], "text": f"heap {h['name']} ({h['kind']})"} for h in data["dma_heaps"]]
    if data["udmabuf"]:
        dma.append({"path": data["udmabuf"], "text": f"udmabuf {data['udmabuf']}"})
    rows += _section("DMA-BUF", dma, lambda d: str(d["text"]))
    empty = not any(data[k] for k in ("gpio_chips", "i2c_adapters", "spi_devices", "pwm_chips", "dma_heaps", "udmabuf"))
    if empty and data["backend"] == "real":
        rows.append(NOTHING_HINT)
    return "\n".join(rows)


def run(args: argparse.Namespace) -> int:
    emit(args, collect(), render)
    return 0
