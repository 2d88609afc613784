"""Enumerations for GPIO line settings, line info and events."""

from __future__ import annotations

from enum import Enum


class Direction(Enum):
    """Which way a line is driven; AS_IS leaves the hardware as it is."""

    AS_IS = "as-is"
    INPUT = "input"
    OUTPUT = "output"


class Bias(Enum):
    """Internal pull; UNKNOWN appears only in line info when the kernel reports none."""

    AS_IS = "as-is"
    UNKNOWN = "unknown"
    DISABLED = "disabled"
    PULL_UP = "pull-up"
    PULL_DOWN = "pull-down"


class Drive(Enum):
    """Output drive: push-pull, or open-drain/open-source (emulated by the kernel if the chip can't)."""

    PUSH_PULL = "push-pull"
    OPEN_DRAIN = "open-drain"
    OPEN_SOURCE = "open-source"


class Edge(Enum):
    """Which edges of an input generate events."""

    NONE = "none"
    RISING = "rising"
    FALLING = "falling"
    BOTH = "both"


class Clock(Enum):
    """Clock used to timestamp edge events."""

    MONOTONIC = "monotonic"
    REALTIME = "realtime"
    HTE = "hte"


class EdgeType(Enum):
    """What an edge event saw; rising/falling are in logical (active-low aware) terms."""

    RISING = 1
    FALLING = 2


class InfoChangeType(Enum):
    """Why a watched line's info changed."""

    REQUESTED = 1
    RELEASED = 2
    RECONFIGURED = 3
