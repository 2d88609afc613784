"""I2C traffic: SMBus calls on i2c-stub (SMBus only), plain I2C transfers and SMBus (PEC, 10-bit, block process
call) on the project's simulator, sync and asyncio, each read checked against what was written or is known."""

from __future__ import annotations

import contextlib
import errno
import random
from collections.abc import Callable, Sequence

from linuxhw import i2c
from linuxhw.errors import DeviceError
from linuxhw.testing.hardware import Hardware

from .core import Workload, WrongAnswer, expect

STUB_ADDRESSES = (0x1C, 0x50)  # what the VM tier loads i2c-stub with
BYTE_REGISTERS = range(0x10, 0x20)  # i2c-stub's registers are 16-bit: bytes, words and blocks stay apart
WORD_REGISTERS = range(0x20, 0x30)
BLOCK_REGISTER = 0x40
SIM_REGISTERS = range(0x20, 0x70)  # the simulator's register chip, clear of WHO_AM_I (0x0f) and the blocks
SIM_CHIP, SIM_EEPROM, SIM_TEN_BIT = 0x1C, 0x50, 0x2A5
WHO_AM_I, IDENTITY, REVERSING = 0x0F, 0xA0, 0xB0
EEPROM_PAGE = 8  # the 24c02: a write stays within one page


class StubTraffic(Workload):
    name = "i2c-stub"

    def __init__(self, rng: random.Random, handles: contextlib.ExitStack, hw: Hardware) -> None:
        super().__init__(rng, handles)
        self.bus = self.hold(i2c.Bus(hw.add_i2c_registers(STUB_ADDRESSES).path))
        self.devices = [self.bus.device(address) for address in STUB_ADDRESSES]

    def mix(self) -> Sequence[tuple[Callable[[], object], int]]:
        return [(self.byte_data, 4), (self.word_data, 4), (self.block_data, 1), (self.byte_data_async, 1)]

    def _byte(self) -> tuple[i2c.Device, int, int]:
        """A device, a byte register and a value to write there."""
        return self.rng.choice(self.devices), self.rng.choice(BYTE_REGISTERS), self.rng.randrange(256)

    def byte_data(self) -> None:
        device, register, value = self._byte()
        device.write_byte_data(register, value)
        expect(device.read_byte_data(register), value, f"byte register {register:#x} at {device.address:#x}")

    def word_data(self) -> None:
        device, register = self.rng.choice(self.devices), self.rng.choice(WORD_REGISTERS)
        value = self.rng.randrange(1 << 16)
        device.write_word_data(register, value)
        expect(device.read_word_data(register), value, f"word register {register:#x} at {device.address:#x}")

    def block_data(self) -> None:
        device = self.rng.choice(self.devices)
        data = self.rng.randbytes(self.rng.randrange(1, 33))
        device.write_i2c_block_data(BLOCK_REGISTER, data)
        expect(device.read_i2c_block_data(BLOCK_REGISTER, len(data)), data, "I2C block read back")

    async def byte_data_async(self) -> None:
        device, register, value = self._byte()
        await device.write_byte_data_async(register, value)
        expect(await device.read_byte_data_async(register), value, f"async byte register {register:#x}")


class SimTraffic(Workload):
    name = "i2c-sim"

    def __init__(self, rng: random.Random, handles: contextlib.ExitStack, hw: Hardware) -> None:
        super().__init__(rng, handles)
        self.bus = self.hold(i2c.Bus(hw.i2c_sim()))
        self.chip = self.bus.device(SIM_CHIP)
        self.pec = self.bus.device(SIM_CHIP, pec=True)
        self.ten_bit = self.bus.device(SIM_TEN_BIT, ten_bit=True)
        self.eeprom = self.bus.device(SIM_EEPROM)

    def mix(self) -> Sequence[tuple[Callable[[], object], int]]:
        return [(self.registers_by_transfer, 3), (self.eeprom_page, 1), (self.smbus_answers, 1),
                (self.transfer_async, 1)]  # fmt: skip

    def _write_some(self) -> tuple[int, bytes]:
        register = self.rng.choice(SIM_REGISTERS)
        data = self.rng.randbytes(self.rng.randrange(1, 17))
        self.bus.transfer(i2c.Message.write(SIM_CHIP, bytes([register]) + data))
        return register, data

    def registers_by_transfer(self) -> None:
        register, data = self._write_some()
        reply = i2c.Message.read(SIM_CHIP, len(data))
        self.bus.transfer(i2c.Message.write(SIM_CHIP, bytes([register])), reply)  # repeated START
        expect(bytes(reply.data), data, f"registers from {register:#x} (I2C_RDWR)")

    def eeprom_page(self) -> None:
        page = self.rng.randrange(256 // EEPROM_PAGE) * EEPROM_PAGE
        data = self.rng.randbytes(self.rng.randrange(1, EEPROM_PAGE + 1))
        self.eeprom.write_register(page, data)
        expect(self.eeprom.read_register(page, len(data)), data, f"EEPROM page at {page:#x}")

    def smbus_answers(self) -> None:
        expect(self.chip.read_byte_data(WHO_AM_I), 0x6A, "WHO_AM_I")
        try:
            self.pec.read_byte_data(WHO_AM_I)
        except DeviceError as exc:  # the simulated chips send no PEC byte: the kernel must say so
            expect(exc.errno, errno.EBADMSG, "errno of a PEC read from a chip that sends no PEC")
        else:
            raise WrongAnswer("a PEC read from a chip that sends no PEC byte succeeded")
        expect(self.ten_bit.read_byte_data(WHO_AM_I), SIM_TEN_BIT & 0xFF, "WHO_AM_I of the 10-bit chip")
        expect(self.chip.read_block_data(IDENTITY), b"linuxhw-sim", "SMBus block read")
        data = self.rng.randbytes(self.rng.randrange(1, 33))
        expect(self.chip.block_process_call(REVERSING, data), data[::-1], "block process call")

    async def transfer_async(self) -> None:
        register, data = self._write_some()
        reply = i2c.Message.read(SIM_CHIP, len(data))
        await self.bus.transfer_async(i2c.Message.write(SIM_CHIP, bytes([register])), reply)
        expect(bytes(reply.data), data, f"registers from {register:#x} (transfer_async)")
        expect(await self.chip.read_byte_data_async(WHO_AM_I), 0x6A, "WHO_AM_I (async)")
