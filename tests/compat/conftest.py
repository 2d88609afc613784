"""Fixtures for the compat adapters: the I2C world of tests/i2c, on the backend under test."""

from tests.i2c.conftest import world

__all__ = ["world"]
