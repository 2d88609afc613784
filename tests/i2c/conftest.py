"""I2C fixtures: the reference-model bus (mock, or the project's kernel simulator module) and
i2c-stub (mock, or the kernel's module), on the backend under test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import linuxhw
from linuxhw import i2c, mock
from linuxhw._kernel.real import RealBackend
from linuxhw.mock.i2c import STUB_FUNCTIONALITY, attach_reference_models
from linuxhw.sim import I2cStub, I2cStubBank

SIM_NAME = "linuxhw i2c simulator"
STUB_NAME = "SMBus stub driver"
STUB_ADDRESSES = (0x1C, 0x50)  # what scripts/vmtest loads i2c-stub with
SIM_UNPLUGGED = Path("/sys/module/lhw_i2c_sim/parameters/unplugged")  # the module's disconnect switch
BLOCK_FUNCTIONALITY = int(i2c.Functionality.SMBUS_READ_BLOCK_DATA | i2c.Functionality.SMBUS_WRITE_BLOCK_DATA)


class I2cWorld:
    """Opens the simulator bus and i2c-stub on one backend."""

    def __init__(self, backend_name: str) -> None:
        self.backend_name = backend_name
        self.board: mock.Board | None = None
        if backend_name == "mock":
            self.board = mock.Board()
            attach_reference_models(self.board.add_i2c_bus(SIM_NAME))
            self.board.add_i2c_stub(STUB_ADDRESSES)
            self.backend: linuxhw.Backend = self.board
        else:
            self.backend = RealBackend()

    def sim_bus(self) -> i2c.Bus:
        return i2c.Bus(SIM_NAME, backend=self.backend)

    def stub_bus(self) -> i2c.Bus:
        return i2c.Bus(STUB_NAME, backend=self.backend)

    @contextmanager
    def sim_unplugged(self, bus: i2c.Bus) -> Iterator[None]:
        """The simulator adapter disconnected like a USB-I2C adapter while ``bus`` is open (the mock:
        Board.remove_device); on the kernel, a new adapter is plugged in after the block."""
        if self.board is not None:
            self.board.remove_device(bus.path)
            yield
            return
        SIM_UNPLUGGED.write_text("1")  # returns once /dev/i2c-N is gone
        try:
            yield
        finally:
            bus.close()  # the kernel's i2c_del_adapter() waits for this last fd
            SIM_UNPLUGGED.write_text("0")

    @contextmanager
    def stub(self, *, block_support: bool = False, banks: tuple[I2cStubBank | None, ...] = ()) -> Iterator[i2c.Bus]:
        """i2c-stub loaded with other parameters (a module reload on the kernel): SMBus block
        transfers enabled, and/or banked registers per chip."""
        functionality = STUB_FUNCTIONALITY | (BLOCK_FUNCTIONALITY if block_support else 0)
        if self.board is not None:
            path = self.board.add_i2c_stub(STUB_ADDRESSES, functionality, banks).dev_path
            with i2c.Bus(path, backend=self.backend) as bus:
                yield bus
            return
        loaded = I2cStub(list(STUB_ADDRESSES), functionality=functionality, banks=banks)
        with loaded as stub, i2c.Bus(str(stub.dev_path), backend=self.backend) as bus:
            yield bus


@pytest.fixture
def world(backend_name: str) -> Iterator[I2cWorld]:
    env = I2cWorld(backend_name)
    with linuxhw.use_backend(env.backend):
        yield env
    if env.board is not None:
        assert env.board.open_files() == 0, "a test leaked a mock fd"


@pytest.fixture
def sim_bus(world: I2cWorld) -> Iterator[i2c.Bus]:
    with world.sim_bus() as bus:
        yield bus


@pytest.fixture
def stub_bus(world: I2cWorld) -> Iterator[i2c.Bus]:
    with world.stub_bus() as bus:
        yield bus
