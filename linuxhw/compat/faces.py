"""Which of a program's own imports linuxhw answers, and the import hook that makes them do so.

``FACES`` is the one table: each face names the import names it answers (``import smbus2`` gets
:mod:`linuxhw.compat.smbus2`) and the environment it sets unless the user set it
(``GPIOZERO_PIN_FACTORY=linuxhw``). :class:`FaceImports` installs the faces in this process only — a
finder first on ``sys.meta_path``, for as long as it is active — so nothing changes outside it (linuxhw
installs no top-level ``smbus2.py`` anywhere). ``linuxhw run`` activates it around a script, and the
pytest plugin's ``linuxhw_faces`` fixture around a test: the same table, the same hook.

A face answers its names even where the real package is installed too (that is what it is for); the
first time a program imports such a name, ``FaceImports`` reports the package it stood in for, once
(``linuxhw run`` prints it on stderr unless the face was asked for by name). The program's own module is
another matter: a ``board.py`` beside the script (in ``program_directory``, which python puts first on
``sys.path``) is what ``import board`` gets, as under python, and that is reported the same way.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType, TracebackType
from typing import Any

__all__ = ["FACES", "Face", "FaceImports", "Replaced", "face_names", "select_faces"]


@dataclass(frozen=True)
class Face:
    """One peer linuxhw stands in for: ``name`` as ``--face`` calls it, ``stands_for`` the peer as users
    know it, ``modules`` each import name it answers and the linuxhw module answering it, ``environment``
    the variables it sets unless already set, and ``cleanup``, called as the faces are installed, returns
    what closes, once they go, what the peer's code opened through them meanwhile (pins a pin factory
    still holds)."""

    name: str
    stands_for: str
    modules: Mapping[str, str] = field(default_factory=dict)
    environment: Mapping[str, str] = field(default_factory=dict)
    cleanup: Callable[[], Callable[[], None]] | None = None


def _gpiozero_cleanup() -> Callable[[], None]:
    """What closes the pin factory gpiozero makes from ``GPIOZERO_PIN_FACTORY=linuxhw`` from now on, as
    gpiozero's own exit hook would, and gives gpiozero back the factory it had."""

    def factory() -> Any:
        gpiozero = sys.modules.get("gpiozero")
        return None if gpiozero is None else gpiozero.Device.pin_factory

    before = factory()

    def close() -> None:
        made = factory()
        if made is not None and made is not before:
            from linuxhw.compat.gpiozero import LinuxhwFactory

            if isinstance(made, LinuxhwFactory):
                made.close()
                sys.modules["gpiozero"].Device.pin_factory = before

    return close


# fmt: off
FACES: tuple[Face, ...] = (
    Face("smbus", "python-smbus, Debian's python3-smbus", {"smbus": "linuxhw.compat.smbus"}),
    Face("smbus2", "smbus2", {"smbus2": "linuxhw.compat.smbus2"}),
    Face("spidev", "py-spidev", {"spidev": "linuxhw.compat.spidev"}),
    Face("RPi.GPIO", "RPi.GPIO", {"RPi.GPIO": "linuxhw.compat.rpi_gpio"}),
    Face("gpiozero", "gpiozero's pin factory", environment={"GPIOZERO_PIN_FACTORY": "linuxhw"},
         cleanup=_gpiozero_cleanup),
    Face("blinka", "Adafruit Blinka", {name: f"linuxhw.compat.blinka.{name}" for name in
         ("board", "busio", "digitalio", "microcontroller", "micropython")}),
)
# fmt: on


def face_names() -> list[str]:
    """Every face's name, in table order."""
    return [face.name for face in FACES]


def select_faces(names: Iterable[str] | None = None, without: Iterable[str] = ()) -> tuple[Face, ...]:
    """The faces named (every face when ``names`` is None), less those in ``without``; ValueError naming
    an unknown name and the known ones."""
    wanted = None if names is None else list(names)
    unwanted = list(without)
    for name in [*(wanted or []), *unwanted]:
        if name not in face_names():
            raise ValueError(f"no face named {name!r}: the faces are {', '.join(face_names())}")
    return tuple(f for f in FACES if (wanted is None or f.name in wanted) and f.name not in unwanted)


@dataclass(frozen=True)
class Replaced:
    """An installed package a face answered an import of instead: ``name`` imported, ``face``, ``location``;
    or, ``own``, the program's own module at ``location`` that the import got instead of the face."""

    name: str
    face: Face
    location: str
    own: bool = False

    def __str__(self) -> str:
        target = self.face.modules.get(self.name) or f"{self.face.name}'s face"
        if self.own:
            return f"import {self.name} gets the program's own {self.location}, not {target}"
        return f"import {self.name} gets {target}, not the {self.name} installed at {self.location}"


class _Alias(importlib.abc.Loader):
    """Loads an import name as an existing linuxhw module: ``sys.modules[name]`` is that very module."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the target module ran when it was imported."""


class _Package(importlib.abc.Loader):
    """An empty package holding a face's dotted name (``RPi`` for ``RPi.GPIO``) when no face answers it."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the package only holds its faces' submodules."""


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, imports: FaceImports) -> None:
        self._imports = imports

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if self._imports.programs_own(fullname):
            return None  # the finders after this one find it, as they would under python
        face = self._imports.answers.get(fullname)
        if face is not None:
            self._imports._note(fullname, face, self)
            return importlib.machinery.ModuleSpec(fullname, _Alias(face.modules[fullname]))
        submodule = self._imports.submodule_target(fullname)
        if submodule is not None:
            return importlib.machinery.ModuleSpec(fullname, _Alias(submodule))
        if fullname in self._imports.packages:
            return importlib.machinery.ModuleSpec(fullname, _Package(), is_package=True)
        return None


class FaceImports:
    """While active (a context manager), this process's imports of the faces' names get linuxhw's modules
    and the faces' environment is set where the user had not set it; afterwards both are as before.

    Modules already imported under those names are set aside meanwhile and put back after; what the
    program imported through a face is dropped. ``replaced`` lists the installed packages that imports
    got a face instead of, and ``on_replaced`` (if given) hears of each when it happens. While
    ``program_directory`` is set (the directory python puts first on ``sys.path`` for the program run),
    a module of a face's name there is the program's own: its imports get it, never the face.
    """

    def __init__(self, faces: Sequence[Face], on_replaced: Callable[[Replaced], None] | None = None) -> None:
        self.faces = tuple(faces)
        self.on_replaced = on_replaced
        self.replaced: list[Replaced] = []
        self.answers = {name: face for face in self.faces for name in face.modules}
        self.packages = {name.rsplit(".", i)[0] for name in self.answers for i in range(1, name.count(".") + 1)} - set(
            self.answers
        )
        self._finder = _Finder(self)
        self._checked: set[str] = set()
        self._set_aside: dict[str, ModuleType] = {}
        self._set: list[str] = []  # the environment variables it set
        self._cleanups: list[Callable[[], None]] = []
        self.program_directory: str | None = None
        self._own: dict[tuple[str, str], bool] = {}  # (directory, top-level name) -> the program's own?

    def __enter__(self) -> FaceImports:
        self.install()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.uninstall()

    def install(self) -> None:
        """Answer the faces' imports from now on (``linuxhw run`` never uninstalls: atexit hooks import too)."""
        for name in [*self.answers, *self.packages]:
            for loaded in [n for n in sys.modules if n == name or n.startswith(name + ".")]:
                self._set_aside[loaded] = sys.modules.pop(loaded)
        for face in self.faces:
            for key, value in face.environment.items():
                if key not in os.environ:
                    self._set.append(key)
                    os.environ[key] = value
        self._cleanups = [face.cleanup() for face in self.faces if face.cleanup is not None]
        sys.meta_path.insert(0, self._finder)

    def program_ended(self) -> None:
        """Close what the peers' code opened through the faces so far (as their exit hooks would: gpiozero's
        pin factory) and forget the program's own modules of the faces' names; a program run after this
        starts afresh, and imports get the faces again."""
        for top in {top for (_, top), own in self._own.items() if own}:
            for loaded in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
                del sys.modules[loaded]
        cleanups, self._cleanups = self._cleanups, []
        try:
            for cleanup in cleanups:
                cleanup()
        finally:
            self._cleanups = [face.cleanup() for face in self.faces if face.cleanup is not None]

    def uninstall(self) -> None:
        """Run the faces' cleanups, then put imports and the environment back as they were."""
        try:
            for cleanup in self._cleanups:
                cleanup()
        finally:
            if self._finder in sys.meta_path:
                sys.meta_path.remove(self._finder)
            for name in [*self.answers, *self.packages]:
                for loaded in [n for n in sys.modules if n == name or n.startswith(name + ".")]:
                    del sys.modules[loaded]
            sys.modules.update(self._set_aside)
            for key in self._set:
                os.environ.pop(key, None)

    def submodule_target(self, name: str) -> str | None:
        """The linuxhw module answering ``name`` as a submodule of a face's package (``board.pins`` of a
        face answering ``board`` with a package): the same module object under both names, never a
        second copy of it; None where there is none."""
        parent = name.rpartition(".")[0]
        while parent:
            face = self.answers.get(parent)
            if face is not None:
                target = f"{face.modules[parent]}.{name[len(parent) + 1 :]}"
                try:
                    return target if importlib.util.find_spec(target) is not None else None
                except ModuleNotFoundError:  # the target package is a module: no submodules
                    return None
            parent = parent.rpartition(".")[0]
        return None

    def programs_own(self, name: str) -> bool:
        """Whether ``name`` is under a face's top-level name (``board``, ``RPi``) that the program's directory
        has a module of; the first time, that is reported as :class:`Replaced` with ``own``."""
        top = name.partition(".")[0]
        face = self.answers.get(top) or next((f for n, f in self.answers.items() if n.startswith(top + ".")), None)
        directory = self.program_directory
        if face is None or directory is None:
            return False
        key = (directory, top)
        if key not in self._own:
            spec = importlib.machinery.PathFinder.find_spec(top, [directory])
            self._own[key] = spec is not None
            if spec is not None:
                locations = list(spec.submodule_search_locations or [])
                replaced = Replaced(top, face, locations[0] if locations else str(spec.origin), own=True)
                self.replaced.append(replaced)
                if self.on_replaced is not None:
                    self.on_replaced(replaced)
        return self._own[key]

    def _note(self, name: str, face: Face, finder: _Finder) -> None:
        """Record (once) the installed package, if any, that ``import name`` would have found."""
        top = name.partition(".")[0]
        if top in self._checked:
            return
        self._checked.add(top)
        location = _installed(top, finder)
        if location is not None:
            replaced = Replaced(name, face, location)
            self.replaced.append(replaced)
            if self.on_replaced is not None:
                self.on_replaced(replaced)


def _installed(name: str, finder: Any) -> str | None:
    """Where the finders after ours would find the top-level module ``name`` (None: nowhere)."""
    for other in sys.meta_path:
        if other is finder or not hasattr(other, "find_spec"):
            continue
        try:
            spec = other.find_spec(name, None)
        except (ImportError, ValueError):
            continue
        if spec is not None:
            locations = list(spec.submodule_search_locations or [])  # a package: its directory
            return locations[0] if locations else str(spec.origin)
    return None
