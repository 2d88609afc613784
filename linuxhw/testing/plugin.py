"""The pytest plugin (entry point ``pytest11``: ``linuxhw``): fixtures that give each test simulated hardware.

``linuxhw_mock`` and ``linuxhw_kernel`` give one kind each; ``linuxhw_hardware`` runs the test once per
backend named by ``@pytest.mark.linuxhw_backends("mock", "kernel")`` (unmarked: the ``linuxhw_backends``
ini option, default ``mock``).  The mock board each test starts from is a fresh empty one unless
``@pytest.mark.linuxhw_mock_board(SPEC)``, ``--linuxhw-mock-board SPEC`` or the ``linuxhw_mock_board``
ini option (in that order) names another: ``mock`` (the demo board) or ``package.module:factory`` (a
callable returning a ``linuxhw.mock.Board``, called once per test; the marker also takes
``factory=callable``).
A kernel without the simulators skips the kernel runs with the reason, unless ``LINUXHW_TEST_TIER=kernel``
(set inside ``linuxhw vm``): there a missing simulator fails.
After a passing test, a handle left open fails it at teardown.

``linuxhw_faces`` installs ``linuxhw run``'s faces for one test (every face, or those named by
``@pytest.mark.linuxhw_faces("smbus", ...)``, less ``without=[...]``): the test's imports of ``smbus2``,
``spidev``, ... get linuxhw's modules, and ``linuxhw_faces.run(script, *args)`` runs an unchanged
script as ``linuxhw run`` would, in the test's process, on the test's backend.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from typing import Any, NoReturn, TypeVar

import pytest

from linuxhw._kernel import resolve_backend
from linuxhw._kernel.factory import is_factory_spec
from linuxhw.compat.faces import FaceImports, select_faces
from linuxhw.mock import Board
from linuxhw.testing.faces import Faces
from linuxhw.testing.hardware import Hardware
from linuxhw.testing.kernel import KernelHardware
from linuxhw.testing.mock import MockHardware

BACKENDS = ("mock", "kernel")
MOCK_BOARDS = "'mock' (the demo board) or 'package.module:factory' (a callable returning a linuxhw.mock.Board)"
MOCK_BOARD_HELP = (
    f"the board linuxhw_mock (and linuxhw_hardware's mock run) starts from: {MOCK_BOARDS}; default: an empty board"
)
_passed = pytest.StashKey[bool]()
H = TypeVar("H", bound=Hardware)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "linuxhw_backends",
        "backends (mock, kernel) that tests using linuxhw_hardware run on unless marked linuxhw_backends",
        type="args",
        default=["mock"],
    )
    parser.addini("linuxhw_mock_board", MOCK_BOARD_HELP, default="")
    parser.getgroup("linuxhw").addoption(
        "--linuxhw-mock-board", metavar="SPEC", default=None, help=f"{MOCK_BOARD_HELP} (overrides the ini option)"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "linuxhw_backends(*names): run the test's linuxhw_hardware on each backend named: mock, kernel"
    )
    config.addinivalue_line("markers", f"linuxhw_mock_board(spec | factory=callable): {MOCK_BOARD_HELP}, for this test")
    config.addinivalue_line(
        "markers", "linuxhw_faces(*names, without=()): the faces linuxhw_faces installs (default: every face)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "linuxhw_hardware" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("linuxhw_backends")
    names = list(marker.args) if marker else list(metafunc.config.getini("linuxhw_backends"))
    wrong = [n for n in names if n not in BACKENDS]
    if wrong or not names:
        where = f"@pytest.mark.linuxhw_backends{tuple(names)}" if marker else f"ini option linuxhw_backends = {names}"
        pytest.fail(f"{metafunc.definition.nodeid}: {where}: backends must be some of {BACKENDS}", pytrace=False)
    metafunc.parametrize("linuxhw_hardware", names, indirect=True, ids=names)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, Any, None]:
    """Remember whether the test's call passed: only then is a handle left open its fault."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[_passed] = report.passed


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("LINUXHW_TEST_TIER") == "kernel":
        pytest.fail(f"LINUXHW_TEST_TIER=kernel, but {reason}", pytrace=False)
    pytest.skip(reason)


def _use(request: pytest.FixtureRequest, hardware: H) -> Iterator[H]:
    with hardware:
        yield hardware
        leaks = hardware.leaks() if request.node.stash.get(_passed, False) else None
        if leaks:
            pytest.fail(f"after the test: {leaks}", pytrace=False)


@pytest.fixture
def linuxhw_mock(request: pytest.FixtureRequest) -> Iterator[MockHardware]:
    """A fresh mock board for this test, selected as linuxhw's backend; no fd may be left open."""
    yield from _use(request, MockHardware(_mock_board(request)))


@pytest.fixture
def linuxhw_kernel(request: pytest.FixtureRequest) -> Iterator[KernelHardware]:
    """The running kernel's simulators for this test (skipped where missing), real backend selected."""
    yield from _use(request, KernelHardware(_unavailable))


@pytest.fixture
def linuxhw_hardware(request: pytest.FixtureRequest) -> Iterator[Hardware]:
    """Mock or kernel hardware, per ``@pytest.mark.linuxhw_backends``; the same shape either way."""
    name = getattr(request, "param", "mock")
    yield from _use(request, MockHardware(_mock_board(request)) if name == "mock" else KernelHardware(_unavailable))


def _mock_board(request: pytest.FixtureRequest) -> Board | None:
    """The board the marker, the command line or the ini option names (in that order), or None (empty)."""
    where = request.node.nodeid
    marker = request.node.get_closest_marker("linuxhw_mock_board")
    if marker is not None:
        # a callable as the only positional argument would make pytest decorate it: it comes as factory=
        spec = marker.args[0] if len(marker.args) == 1 and not marker.kwargs else marker.kwargs.get("factory")
        if spec is None or len(marker.args) + len(marker.kwargs) != 1:
            pytest.fail(f"{where}: @pytest.mark.linuxhw_mock_board takes a spec or factory=callable", pytrace=False)
        source = f"@pytest.mark.linuxhw_mock_board({spec!r})"
    elif request.config.getoption("linuxhw_mock_board"):
        spec, source = request.config.getoption("linuxhw_mock_board"), "--linuxhw-mock-board"
    else:
        spec, source = request.config.getini("linuxhw_mock_board"), "ini option linuxhw_mock_board"
    if not spec:
        return None
    if callable(spec):
        board = spec()
    elif isinstance(spec, str) and (spec == "mock" or is_factory_spec(spec)):
        try:
            board = resolve_backend(spec, source)
        except ValueError as exc:
            pytest.fail(f"{where}: {exc}", pytrace=False)
    else:
        pytest.fail(f"{where}: {source}: a mock board is {MOCK_BOARDS}, not {spec!r}", pytrace=False)
    if not isinstance(board, Board):
        pytest.fail(f"{where}: {source} gave {board!r}, not a linuxhw.mock.Board", pytrace=False)
    return board


@pytest.fixture
def linuxhw_faces(request: pytest.FixtureRequest) -> Iterator[Faces]:
    """``linuxhw run``'s faces for this test: its imports of smbus2, spidev, ... get linuxhw's modules
    (``@pytest.mark.linuxhw_faces(*names, without=())`` picks them); ``.run(script, *args)`` runs a script."""
    marker = request.node.get_closest_marker("linuxhw_faces")
    problem = None
    try:
        if marker is not None and set(marker.kwargs) - {"without"}:
            raise ValueError(f"it takes face names and without=[names], not {', '.join(marker.kwargs)}=")
        names = list(marker.args) if marker is not None and marker.args else None
        faces = select_faces(names, marker.kwargs.get("without", ()) if marker is not None else ())
    except ValueError as exc:
        problem = str(exc)
    if problem is not None:
        pytest.fail(f"{request.node.nodeid}: @pytest.mark.linuxhw_faces: {problem}", pytrace=False)
    with FaceImports(faces) as imports:
        yield Faces(imports)
