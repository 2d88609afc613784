"""I2C: SMBus read byte data, read word data, a 32-byte I2C block read and a 2-message I2C_RDWR, on
i2c-stub and on the project's simulator module — linuxhw, smbus2, python-periphery and the C floor."""

from __future__ import annotations

from typing import Any

from linuxhw import _fastpath, i2c, mock
from linuxhw._uapi import lib
from linuxhw.mock.i2c import attach_reference_models

from .core import LINUXHW, Runner, mock_or_real, optional_import

SIM_NAME = "linuxhw i2c simulator"
STUB_NAME = "SMBus stub driver"
ADDRESS = 0x1C  # i2c-stub's first chip (scripts/vmtest loads it with 0x1c,0x50) and the simulator's register device
BYTE_REGISTER, REGISTER = 0x0F, 0x10
BYTE, WORD, BLOCK, RDWR = "read byte data", "read word data", "I2C block read 32 B", "I2C_RDWR 2 messages"
RDWR_READ = 4  # bytes read back by the 2-message transfer (after writing the register number)


def furnish(board: mock.Board) -> None:
    """The mock's stand-ins for the VM's buses: the simulator's models and an i2c-stub."""
    attach_reference_models(board.add_i2c_bus(SIM_NAME))
    board.add_i2c_stub((ADDRESS, 0x50))


def run(runner: Runner, backend: str) -> None:
    smbus2, smbus2_missing = optional_import("smbus2")
    periphery, periphery_missing = optional_import("periphery")
    if backend == "mock":
        smbus2 = periphery = None
        smbus2_missing = periphery_missing = "the mock backend's fds are not i2c-dev adapters"
    with mock_or_real(backend, furnish):
        for group, name in (("I2C stub", STUB_NAME), ("I2C sim", SIM_NAME)):
            with i2c.Bus(name) as bus:
                one_bus(runner, group, bus, smbus2, smbus2_missing, periphery, periphery_missing)


def one_bus(runner: Runner, group: str, bus: i2c.Bus, smbus2: Any, smbus2_missing: str, periphery: Any,
            periphery_missing: str) -> None:  # fmt: skip
    plain_i2c = i2c.Functionality.I2C in bus.functionality
    ops = [BYTE, WORD, BLOCK] + ([RDWR] if plain_i2c else [])
    device = bus.device(ADDRESS)
    out, back = i2c.Message.write(ADDRESS, bytes([REGISTER])), i2c.Message.read(ADDRESS, RDWR_READ)
    ns: dict[str, Any] = {"dev": device, "bus": bus, "out": out, "back": back, "B": BYTE_REGISTER, "R": REGISTER}
    ours = {
        BYTE: "dev.read_byte_data(B)",
        WORD: "dev.read_word_data(R)",
        BLOCK: "dev.read_i2c_block_data(R, 32)",
        RDWR: "bus.transfer(out, back)",
    }
    raw_sizes = {BYTE: lib.I2C_SMBUS_BYTE_DATA, WORD: lib.I2C_SMBUS_WORD_DATA}
    for op in ops:
        runner.python(group, op, LINUXHW, "linuxhw", ours[op], ns)
        if op in raw_sizes:  # linuxhw has selected ADDRESS on the bus's fd by now
            raw = {"smbus": _fastpath.smbus_value, "fd": bus.fileno(), "READ": lib.I2C_SMBUS_READ,
                   "REG": BYTE_REGISTER if op == BYTE else REGISTER, "SIZE": raw_sizes[op]}  # fmt: skip
            runner.raw(group, op, "smbus(fd, READ, REG, SIZE, 0)", raw)

    if smbus2 is not None:
        with smbus2.SMBus(bus.number) as peer:
            w, r = smbus2.i2c_msg.write(ADDRESS, [REGISTER]), smbus2.i2c_msg.read(ADDRESS, RDWR_READ)
            ns = {"peer": peer, "A": ADDRESS, "B": BYTE_REGISTER, "R": REGISTER, "w": w, "r": r}
            theirs = {
                BYTE: "peer.read_byte_data(A, B)",
                WORD: "peer.read_word_data(A, R)",
                BLOCK: "peer.read_i2c_block_data(A, R, 32)",
                RDWR: "peer.i2c_rdwr(w, r)",
            }
            for op in ops:
                runner.python(group, op, "smbus2", "peer", theirs[op], ns)
    else:
        for op in ops:
            runner.skip(group, op, "smbus2", "peer", smbus2_missing)

    if periphery is not None and plain_i2c:
        peer = periphery.I2C(bus.path)
        try:
            message = periphery.I2C.Message
            sizes = {BYTE: 1, WORD: 2, BLOCK: 32, RDWR: RDWR_READ}
            for op in ops:
                register = BYTE_REGISTER if op == BYTE else REGISTER
                messages = [message(bytearray([register])), message(bytearray(sizes[op]), read=True)]
                note = "" if op == RDWR else "periphery has no SMBus calls: the same read as an I2C_RDWR transfer"
                runner.python(group, op, "periphery", "peer", "peer.transfer(A, messages)",
                              {"peer": peer, "A": ADDRESS, "messages": messages}, note=note)  # fmt: skip
        finally:
            peer.close()
    elif periphery is not None:
        for op in ops:
            runner.na(group, op, "periphery", "peer", "periphery only does I2C_RDWR: this adapter is SMBus-only")
    else:
        for op in ops:
            runner.skip(group, op, "periphery", "peer", periphery_missing)

    floor_ops = {BYTE: ("byte", BYTE_REGISTER), WORD: ("word", REGISTER), BLOCK: ("block32", REGISTER),
                 RDWR: ("rdwr", REGISTER)}  # fmt: skip
    for op in ops:
        name, register = floor_ops[op]
        runner.floor(group, op, "i2c", [bus.path, ADDRESS, name, register, runner.target_ms, runner.settings.repeats])
