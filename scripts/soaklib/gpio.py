"""GPIO traffic on one simulated chip: outputs set and read back (through the request and the simulator's
side), edges made by pulls and read sync and async, reconfigure, requests come and go under an info watch."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncGenerator, Callable, Sequence
from typing import cast

from linuxhw import gpio
from linuxhw.gpio import Direction, Edge, EdgeType, InfoChangeType, LineSettings
from linuxhw.testing.hardware import Hardware

from .core import DEADLINE, Workload, expect

OUTPUTS = (0, 1, 2, 3)
EDGE_LINES = (4, 5)
COMING_AND_GOING = 6  # requested and released every round, under an info watch
RECONFIGURED = 3  # one of the outputs: made an input and back every round, under an info watch
OUT = LineSettings(direction=Direction.OUTPUT)
IN = LineSettings(direction=Direction.INPUT)
EDGES = LineSettings(direction=Direction.INPUT, edge=Edge.BOTH)


class GpioTraffic(Workload):
    name = "gpio"

    def __init__(self, rng: random.Random, handles: contextlib.ExitStack, hw: Hardware) -> None:
        super().__init__(rng, handles)
        self.sim = hw.add_gpio_chip(8, names=[f"SOAK{n}" for n in range(8)])
        self.chip = self.hold(gpio.Chip(self.sim.label))
        self.watcher = self.hold(gpio.Chip(self.sim.label))
        self.outputs = self.hold(self.chip.request_lines({OUTPUTS: OUT}, consumer="soak-out"))
        self.inputs = self.hold(self.chip.request_lines({EDGE_LINES: EDGES}, consumer="soak-edges"))
        self.watcher.watch_line_info(COMING_AND_GOING)
        self.watcher.watch_line_info(RECONFIGURED)
        self.levels = dict.fromkeys(EDGE_LINES, 0)
        self.seqno = 0
        self.requests = 0

    def mix(self) -> Sequence[tuple[Callable[[], object], int]]:
        return [(self.set_and_get, 4), (self.edge_sync, 4), (self.edge_awaited, 1), (self.edges_async_for, 1),
                (self.reconfigure, 1), (self.request_and_release, 1)]  # fmt: skip

    def set_and_get(self) -> None:
        values = {offset: self.rng.randrange(2) for offset in OUTPUTS}
        self.outputs.set_values(values)
        expect(self.outputs.get_values(), list(values.values()), "get_values() after set_values()")
        expect([self.sim.get_value(o) for o in OUTPUTS], list(values.values()), "the simulator's levels")

    def _pull(self, line: int) -> EdgeType:
        """Flip the pull of an edge line: the edge type that must follow."""
        self.levels[line] ^= 1
        self.sim.set_pull(line, self.levels[line])
        return EdgeType.RISING if self.levels[line] else EdgeType.FALLING

    def _check_edge(self, event: gpio.EdgeEvent | None, line: int, edge: EdgeType) -> None:
        if event is None:
            raise TimeoutError(f"no edge event on line {line} within {DEADLINE} s")
        self.seqno += 1
        expect((event.type, event.line_offset, event.seqno), (edge, line, self.seqno), "edge event")

    def edge_sync(self) -> None:
        line = self.rng.choice(EDGE_LINES)
        edge = self._pull(line)
        events = self.inputs.read_edge_events(timeout=DEADLINE)
        expect(len(events), 1, "edge events read")
        self._check_edge(events[0], line, edge)
        expect(self.inputs.lost_events, 0, "lost edge events")

    async def edge_awaited(self) -> None:
        line = self.rng.choice(EDGE_LINES)
        edges = []
        asyncio.get_running_loop().call_soon(lambda: edges.append(self._pull(line)))
        event = await self.inputs.wait_edge_event(timeout=DEADLINE)
        self._check_edge(event, line, edges[0])

    async def edges_async_for(self) -> None:
        lines = [self.rng.choice(EDGE_LINES) for _ in range(3)]
        edges = [self._pull(line) for line in lines]
        stream = cast(AsyncGenerator[gpio.EdgeEvent, None], self.inputs.edge_events(timeout=DEADLINE).__aiter__())
        got = []
        async for event in stream:
            got.append(event)
            if len(got) == len(lines):
                break
        await stream.aclose()
        expect(len(got), len(lines), "edge events from async for")
        for event, line, edge in zip(got, lines, edges):
            self._check_edge(event, line, edge)

    def _info_event(self, kind: InfoChangeType, line: int, direction: Direction | None = None) -> None:
        """The watcher's next info event must be ``kind`` on ``line`` (with ``direction`` unless None)."""
        event = self.watcher.read_info_event(timeout=DEADLINE)
        if event is None:
            raise TimeoutError(f"no {kind.name} info event for line {line} within {DEADLINE} s")
        expect((event.type, event.info.offset), (kind, line), "info event")
        if direction is not None:
            expect(event.info.direction, direction, f"direction in the {kind.name} info event")

    def reconfigure(self) -> None:
        self.outputs.reconfigure({RECONFIGURED: IN})
        self._info_event(InfoChangeType.RECONFIGURED, RECONFIGURED, Direction.INPUT)
        expect(self.chip.line_info(RECONFIGURED).direction, Direction.INPUT, "direction after reconfigure")
        value = self.rng.randrange(2)
        self.outputs.reconfigure({RECONFIGURED: OUT}, output_values={RECONFIGURED: value})
        self._info_event(InfoChangeType.RECONFIGURED, RECONFIGURED, Direction.OUTPUT)
        expect(self.outputs.get_value(RECONFIGURED), value, "output value after reconfigure")

    def request_and_release(self) -> None:
        self.requests += 1
        consumer = f"soak-{self.requests % 1000}"
        with self.chip.request_lines({COMING_AND_GOING: OUT}, consumer=consumer):
            self._info_event(InfoChangeType.REQUESTED, COMING_AND_GOING, Direction.OUTPUT)
            expect(self.chip.line_info(COMING_AND_GOING).consumer, consumer, "consumer of a requested line")
        self._info_event(InfoChangeType.RELEASED, COMING_AND_GOING)
