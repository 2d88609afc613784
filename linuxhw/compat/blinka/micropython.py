"""Blinka's ``micropython`` for drivers' ``from micropython import const``: the MicroPython decorators and
``const`` as plain Python, as Blinka has them."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

__all__ = ["asm_thumb", "const", "native", "viper"]

T = TypeVar("T")
Function = TypeVar("Function", bound=Callable[..., Any])


def const(x: T) -> T:
    """MicroPython's compile-time constant: here, the value itself."""
    return x


def native(f: Function | None = None, *, optional: bool = False) -> Any:
    """MicroPython's native code emitter: the function runs as plain Python (``@native`` or ``@native()``)."""
    return (lambda function: function) if f is None else f


def viper(f: Function) -> Function:
    """MicroPython's viper code emitter: the function runs as plain Python."""
    return f


def asm_thumb(f: Function) -> Function:
    """MicroPython's inline Thumb assembler cannot run here: calling the function raises RuntimeError."""

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"{f.__name__} is MicroPython inline assembler (@asm_thumb): it cannot run on Linux")

    return unavailable  # type: ignore[return-value]
