"""What an I2C adapter can do (I2C_FUNCS), as flags with readable names."""

from __future__ import annotations

from enum import IntFlag

from linuxhw._uapi import lib

__all__ = ["Functionality"]


class Functionality(IntFlag):
    """I2C_FUNC_* bits reported by an adapter."""

    I2C = lib.I2C_FUNC_I2C
    TEN_BIT_ADDR = lib.I2C_FUNC_10BIT_ADDR
    PROTOCOL_MANGLING = lib.I2C_FUNC_PROTOCOL_MANGLING
    SMBUS_PEC = lib.I2C_FUNC_SMBUS_PEC
    NOSTART = lib.I2C_FUNC_NOSTART
    SLAVE = lib.I2C_FUNC_SLAVE
    SMBUS_BLOCK_PROC_CALL = lib.I2C_FUNC_SMBUS_BLOCK_PROC_CALL
    SMBUS_QUICK = lib.I2C_FUNC_SMBUS_QUICK
    SMBUS_READ_BYTE = lib.I2C_FUNC_SMBUS_READ_BYTE
    SMBUS_WRITE_BYTE = lib.I2C_FUNC_SMBUS_WRITE_BYTE
    SMBUS_READ_BYTE_DATA = lib.I2C_FUNC_SMBUS_READ_BYTE_DATA
    SMBUS_WRITE_BYTE_DATA = lib.I2C_FUNC_SMBUS_WRITE_BYTE_DATA
    SMBUS_READ_WORD_DATA = lib.I2C_FUNC_SMBUS_READ_WORD_DATA
    SMBUS_WRITE_WORD_DATA = lib.I2C_FUNC_SMBUS_WRITE_WORD_DATA
    SMBUS_PROC_CALL = lib.I2C_FUNC_SMBUS_PROC_CALL
    SMBUS_READ_BLOCK_DATA = lib.I2C_FUNC_SMBUS_READ_BLOCK_DATA
    SMBUS_WRITE_BLOCK_DATA = lib.I2C_FUNC_SMBUS_WRITE_BLOCK_DATA
    SMBUS_READ_I2C_BLOCK = lib.I2C_FUNC_SMBUS_READ_I2C_BLOCK
    SMBUS_WRITE_I2C_BLOCK = lib.I2C_FUNC_SMBUS_WRITE_I2C_BLOCK
    SMBUS_HOST_NOTIFY = lib.I2C_FUNC_SMBUS_HOST_NOTIFY
    # Read+write pairs, as <linux/i2c.h> groups them.
    SMBUS_BYTE = SMBUS_READ_BYTE | SMBUS_WRITE_BYTE
    SMBUS_BYTE_DATA = SMBUS_READ_BYTE_DATA | SMBUS_WRITE_BYTE_DATA
    SMBUS_WORD_DATA = SMBUS_READ_WORD_DATA | SMBUS_WRITE_WORD_DATA
    SMBUS_BLOCK_DATA = SMBUS_READ_BLOCK_DATA | SMBUS_WRITE_BLOCK_DATA
    SMBUS_I2C_BLOCK = SMBUS_READ_I2C_BLOCK | SMBUS_WRITE_I2C_BLOCK

    def names(self) -> list[str]:
        """The names of the single flags that are set, lowest bit first."""
        return [f.name for f in Functionality if f.name and f in self and not f.value & (f.value - 1)]
