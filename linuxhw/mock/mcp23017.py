"""A Microchip MCP23017 16-bit I/O expander on I2C: two 8-bit ports (A: pins 0-7, B: 8-15), both
register banks (IOCON.BANK), byte and sequential pointer modes (IOCON.SEQOP), pull-ups, input
polarity, interrupt-on-change with INTCAP/INTF, and INTA/INTB pins that can drive mock GPIO lines."""

from __future__ import annotations

from linuxhw.mock.i2c_models import RegisterDevice
from linuxhw.mock.peripherals import GpioPeripheral

__all__ = ["Mcp23017"]

# Register names in IOCON.BANK = 0 order: port A at 2n, port B at 2n + 1 (with BANK = 1: A at n, B at 0x10 + n).
NAMES = ("IODIR", "IPOL", "GPINTEN", "DEFVAL", "INTCON", "IOCON", "GPPU", "INTF", "INTCAP", "GPIO", "OLAT")
IODIR, IPOL, GPINTEN, DEFVAL, INTCON, IOCON, GPPU, INTF, INTCAP, GPIO, OLAT = range(len(NAMES))
BANK, MIRROR, SEQOP, ODR, INTPOL = 0x80, 0x40, 0x20, 0x04, 0x02
LAST_ADDRESS = {0: 0x15, 1: 0x1A}  # the pointer rolls over to 0 after it, by BANK


class Mcp23017(RegisterDevice, GpioPeripheral):
    """An MCP23017 (the data sheet's DS20001952): all registers 0 at power-on but IODIRA/B (0xFF: all
    inputs). ``registers`` holds them in BANK = 0 order whatever the bank (``registers[0x12]`` is
    GPIOA); on the bus, addresses follow IOCON.BANK, and unimplemented ones read 0.

    Sequential mode (SEQOP = 0) auto-increments through the bank and rolls over to 0; byte mode
    (SEQOP = 1) keeps the pointer, except that with BANK = 0 it toggles between a register's A and B.
    GPIO reads the pins (inputs through IPOL); writing GPIO writes OLAT, which outputs drive.
    Inputs are what ``set_input`` says (None: floating, which reads 1 with GPPU's pull-up, else 0).
    An enabled input (GPINTEN) that changes (INTCON = 0) or differs from DEFVAL (INTCON = 1) sets its
    INTF bit, copies the port into INTCAP and asserts the port's INT pin (both with MIRROR),
    until GPIO or INTCAP of that port is read. INT pins are push-pull, active per INTPOL, or open
    drain (ODR). ``levels()`` gives the 16 pins' levels; wire ``inta``/``intb`` with ``chip.attach``.
    """

    drives = ("inta", "intb")

    def __init__(self) -> None:
        super().__init__(256, defaults={0x00: 0xFF, 0x01: 0xFF})
        self.inputs: list[int | None] = [None] * 16
        self._previous = [self._port_levels(0), self._port_levels(1)]  # what interrupt-on-change compares with

    # -- the address map ----------------------------------------------------------------------------

    def _bank(self) -> int:
        return self.registers[2 * IOCON] >> 7

    def _canonical(self, address: int) -> int | None:
        """The BANK = 0 address of a bus address, None where nothing is implemented."""
        if self._bank():
            port, index = address >> 4, address & 0xF
            return 2 * index + port if port < 2 and index < len(NAMES) else None
        return address if address <= LAST_ADDRESS[0] else None

    def next_register(self, address: int) -> int:
        iocon = self.registers[2 * IOCON]
        if iocon & SEQOP:
            return address if iocon & BANK else address ^ 1
        return 0 if address >= LAST_ADDRESS[self._bank()] else address + 1

    def read_register(self, address: int) -> int:
        canonical = self._canonical(address)
        if canonical is None:
            return 0
        name, port = divmod(canonical, 2)
        if name == GPIO:
            value = self._gpio(port)
        elif name == IOCON:
            value = self.registers[2 * IOCON] & 0xFE  # bit 0 is unimplemented
        else:
            value = self.registers[canonical]
        if name in (GPIO, INTCAP):
            self._clear_interrupt(port)
        return value

    def write_register(self, address: int, value: int) -> None:
        canonical = self._canonical(address)
        if canonical is None:
            return
        name, port = divmod(canonical, 2)
        if name in (INTF, INTCAP):
            return  # read-only
        if name == IOCON:
            self.registers[2 * IOCON] = self.registers[2 * IOCON + 1] = value  # one register at two addresses
            self._drive_interrupts()
            return
        if name == GPIO:
            canonical = 2 * OLAT + port
        self.registers[canonical] = value
        self._check_interrupts()

    # -- pins ---------------------------------------------------------------------------------------

    def set_input(self, pin: int, level: int | None) -> None:
        """What drives pin ``pin`` (0-15: GPA0..GPB7) from outside: 0, 1 or None (nothing)."""
        if pin not in range(16) or level not in (0, 1, None):
            raise ValueError(f"pin must be 0..15 and level 0, 1 or None, not {pin!r}, {level!r}")
        self.inputs[pin] = level
        self._check_interrupts()

    def _port_levels(self, port: int) -> int:
        outputs = ~self.registers[2 * IODIR + port] & 0xFF
        value = self.registers[2 * OLAT + port] & outputs
        for bit in range(8):
            if not outputs >> bit & 1:
                level = self.inputs[8 * port + bit]
                if level is None:
                    level = self.registers[2 * GPPU + port] >> bit & 1
                value |= level << bit
        return value

    def levels(self) -> list[int]:
        """The level on each of the 16 pins (outputs: what OLAT drives)."""
        both = self._port_levels(0) | self._port_levels(1) << 8
        return [both >> pin & 1 for pin in range(16)]

    def _gpio(self, port: int) -> int:
        inputs = self.registers[2 * IODIR + port]
        return self._port_levels(port) ^ (self.registers[2 * IPOL + port] & inputs)

    # -- interrupts ---------------------------------------------------------------------------------

    def _check_interrupts(self) -> None:
        for port in (0, 1):
            levels = self._port_levels(port)
            enabled = self.registers[2 * GPINTEN + port] & self.registers[2 * IODIR + port]
            against_default = self.registers[2 * INTCON + port]
            reference = (self.registers[2 * DEFVAL + port] & against_default) | (
                self._previous[port] & ~against_default
            )
            firing = (levels ^ reference) & enabled
            self._previous[port] = levels
            if firing and not self.registers[2 * INTF + port]:
                self.registers[2 * INTF + port] = firing
                self.registers[2 * INTCAP + port] = self._gpio(port)
        self._drive_interrupts()

    def _clear_interrupt(self, port: int) -> None:
        self.registers[2 * INTF + port] = 0
        self._check_interrupts()  # a pin still unlike DEFVAL interrupts again at once

    def _drive_interrupts(self) -> None:
        iocon = self.registers[2 * IOCON]
        active = [bool(self.registers[2 * INTF]), bool(self.registers[2 * INTF + 1])]
        if iocon & MIRROR:
            active = [any(active)] * 2
        for pin, on in zip(self.drives, active):
            if iocon & ODR:
                self.drive(pin, 0 if on else None)
            else:
                self.drive(pin, int(on == bool(iocon & INTPOL)))

    def wired(self) -> None:
        self._drive_interrupts()
