"""GPIO through the kernel's character device (uAPI v2): chips, line info, requests, edge events.

>>> from linuxhw import gpio
>>> with gpio.Chip("/dev/gpiochip0") as chip:                        # doctest: +SKIP
...     with chip.request_lines({17: gpio.LineSettings(direction=gpio.Direction.OUTPUT)}) as req:
...         req.set_value(17, 1)
"""

from linuxhw.gpio.chip import Chip, LineConfig
from linuxhw.gpio.discovery import LineLocation, chips, find_line, request_line, request_lines
from linuxhw.gpio.enums import Bias, Clock, Direction, Drive, Edge, EdgeType, InfoChangeType
from linuxhw.gpio.info import ChipInfo, EdgeEvent, InfoEvent, LineInfo
from linuxhw.gpio.request import LineRequest
from linuxhw.gpio.settings import LineSettings

__all__ = [
    "Bias",
    "Chip",
    "ChipInfo",
    "Clock",
    "Direction",
    "Drive",
    "Edge",
    "EdgeEvent",
    "EdgeType",
    "InfoChangeType",
    "InfoEvent",
    "LineConfig",
    "LineInfo",
    "LineLocation",
    "LineRequest",
    "LineSettings",
    "chips",
    "find_line",
    "request_line",
    "request_lines",
]
