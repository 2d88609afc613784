"""What every workload shares: counting operations, checking answers, recording what went wrong."""

from __future__ import annotations

import abc
import contextlib
import inspect
import random
import traceback
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, TypeVar

DEADLINE = 30.0
"""Seconds a single wait (an edge event, an info event, a queued SPI message) may take before it is an error."""
T = TypeVar("T")
KEPT_ERRORS = 20  # per subsystem: the first ones are kept in full, the rest only counted


class WrongAnswer(AssertionError):
    """The device answered something other than what the soak wrote or the simulator holds."""


def expect(got: object, wanted: object, what: str) -> None:
    """Raise WrongAnswer naming ``what`` unless ``got == wanted``."""
    if got != wanted:
        raise WrongAnswer(f"{what}: got {got!r}, expected {wanted!r}")


@dataclass
class Tally:
    """One subsystem's figures: operations made, answers checked, errors (the first few kept)."""

    name: str
    operations: int = 0
    checked: int = 0
    errors: int = 0
    first_errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"operations": self.operations, "checked": self.checked, "errors": self.errors,
                "first_errors": self.first_errors}  # fmt: skip


class Workload(abc.ABC):
    """One subsystem's traffic: ``round()`` makes a batch of operations through ``op()``, which counts each
    one and records its failure instead of stopping the soak.  Its handles go to ``hold()``: they close with
    the soak's ``handles``, also when a later one fails to open."""

    name: str

    def __init__(self, rng: random.Random, handles: contextlib.ExitStack) -> None:
        self.rng = rng
        self.tally = Tally(self.name)
        self._handles = handles

    def hold(self, handle: AbstractContextManager[T]) -> T:
        """``handle`` entered, to be closed when the soak ends."""
        return self._handles.enter_context(handle)

    def op(self, call: Callable[[], object]) -> None:
        """Run one checked operation: ``call`` raises on a wrong answer, returns when it checked it."""
        self.tally.operations += 1
        try:
            call()
        except Exception as exc:
            self._failed(exc)
        else:
            self.tally.checked += 1

    async def op_async(self, call: Callable[[], Awaitable[object]]) -> None:
        """``op()`` for a coroutine."""
        self.tally.operations += 1
        try:
            await call()
        except Exception as exc:
            self._failed(exc)
        else:
            self.tally.checked += 1

    def _failed(self, exc: Exception) -> None:
        self.tally.errors += 1
        if len(self.tally.first_errors) < KEPT_ERRORS:
            where = traceback.extract_tb(exc.__traceback__)[-1]
            self.tally.first_errors.append(f"{type(exc).__name__}: {exc} ({where.filename}:{where.lineno})")

    @abc.abstractmethod
    def mix(self) -> Sequence[tuple[Callable[[], object], int]]:
        """One round's operations: each checking call (a coroutine function for asyncio) and how often."""

    async def round(self) -> None:
        """One batch of mixed operations, every answer checked."""
        for call, times in self.mix():
            for _ in range(times):
                if inspect.iscoroutinefunction(call):
                    await self.op_async(call)
                else:
                    self.op(call)
