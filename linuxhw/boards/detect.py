"""Which board this is: ``$LINUXHW_BOARD``, else the device tree's ``compatible`` and ``model``, read
through the backend (so a mock board can say it is a Pi)."""

from __future__ import annotations

import os

from linuxhw._kernel import Backend, get_backend
from linuxhw.boards.catalog import get, identify
from linuxhw.boards.model import Board

__all__ = ["BOARD_VARIABLE", "current", "device_tree_strings"]

BOARD_VARIABLE = "LINUXHW_BOARD"


def current(backend: Backend | None = None) -> Board | None:
    """The board linuxhw runs on: ``$LINUXHW_BOARD`` (a board id) if set, else the one the device tree
    describes (``/proc/device-tree/compatible`` and ``/model`` as ``backend`` answers them: the
    current backend by default), None where linuxhw has no data for it or there is no device tree."""
    chosen = os.environ.get(BOARD_VARIABLE, "").strip()
    if chosen:
        try:
            return get(chosen)
        except LookupError as exc:
            raise LookupError(f"${BOARD_VARIABLE}: {exc}") from None
    backend = backend or get_backend()
    compatible = device_tree_strings(backend, "compatible")
    model = device_tree_strings(backend, "model")
    return identify(compatible, model[0] if model else "")


def device_tree_strings(backend: Backend, name: str) -> list[str]:
    """A device-tree string-list property (NUL-separated, as the kernel exports it); [] if absent."""
    raw = backend.device_tree_property(name)
    if not raw:
        return []
    return [s for s in raw.decode("utf-8", errors="replace").split("\0") if s]
