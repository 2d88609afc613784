"""The mock board's /sys: directories, attribute files with the kernel's show/store semantics, symlinks.

Device models add their attributes here (PWM chips: ``/sys/class/pwm``); the Board answers the
Backend's ``sysfs_*`` calls from it. A ``store`` callback raises OSError with the errno its kernel
counterpart returns; numbers are parsed as the kernel's ``kstrto*()`` parse them (:func:`kstrto`).
"""

from __future__ import annotations

import errno
import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from linuxhw._kernel.formats import natural_key

__all__ = ["SysfsTree", "kstrto", "oserror"]


def oserror(err: int, path: str | None = None) -> OSError:
    """OSError(err) with the kernel's message, as a failed syscall raises it."""
    return OSError(err, os.strerror(err), path) if path else OSError(err, os.strerror(err))


def kstrto(text: str, bits: int, signed: bool = False) -> int:
    """The kernel's ``kstrto{u,}{int,u64}(buf, 0, ...)``: an optional sign ('+', or '-' when signed), a
    ``0x`` (hex) or ``0`` (octal) prefix or decimal digits, one optional trailing newline; EINVAL for
    anything else, ERANGE past the type's range (raised as OSError)."""
    s = text[:-1] if text.endswith("\n") else text
    negative = False
    if s[:1] == "+" or (signed and s[:1] == "-"):
        negative, s = s[0] == "-", s[1:]
    base = 10
    if s[:1] == "0":
        if s[1:2].lower() == "x" and s[2:3] and s[2] in "0123456789abcdefABCDEF":
            base, s = 16, s[2:]
        else:
            base = 8
    digits = "0123456789abcdef"[:base]
    if not s or any(c.lower() not in digits for c in s):
        raise oserror(errno.EINVAL)
    value = -int(s, base) if negative else int(s, base)
    low, high = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    if not low <= value <= high:
        raise oserror(errno.ERANGE)
    return value


@dataclass
class _Attribute:
    show: Callable[[], str] | None
    store: Callable[[str], None] | None
    denied_opens: int = 0  # opens answered EACCES first (a node udev has not yet given its group)


class SysfsTree:
    """Paths to directories, attributes and symlinks. Not thread-safe on its own: the Board calls it
    under its lock."""

    def __init__(self) -> None:
        self._directories: set[str] = {"/sys"}
        self._attributes: dict[str, _Attribute] = {}
        self._links: dict[str, str] = {}
        self._groups: dict[str, tuple[Callable[[str], None], Callable[[str], None]]] = {}  # configfs groups

    # -- building it (device models) ---------------------------------------------------------------

    def add_directory(self, path: str) -> None:
        """A directory and its parents."""
        while path not in self._directories:
            self._directories.add(path)
            path = posixpath.dirname(path)

    def add_attribute(
        self,
        path: str,
        show: Callable[[], str] | None = None,
        store: Callable[[str], None] | None = None,
        *,
        denied_opens: int = 0,
    ) -> None:
        """An attribute file: readable with ``show``, writable with ``store``; the first ``denied_opens``
        opens fail with EACCES, as for a user in the device's group before udev has run its rule."""
        self.add_directory(posixpath.dirname(path))
        self._attributes[path] = _Attribute(show, store, denied_opens)

    def add_link(self, path: str, target: str) -> None:
        """A symlink to the absolute ``target`` (a class device's ``device``, a device's ``subsystem``)."""
        self.add_directory(posixpath.dirname(path))
        self._links[path] = target

    def add_group(self, path: str, make: Callable[[str], None], drop: Callable[[str], None]) -> None:
        """A configfs group directory: mkdir of a child calls ``make(name)`` (which adds what the item
        holds, or raises OSError as the subsystem's make_group), rmdir ``drop(name)``."""
        self.add_directory(path)
        self._groups[path] = (make, drop)

    def mkdir(self, path: str) -> None:
        """mkdir(2) under /sys/kernel/config: EEXIST, ENOENT without the parent, EPERM where it makes nothing."""
        parent, name = posixpath.split(path)
        if self.exists(path):
            raise oserror(errno.EEXIST, path)
        if parent not in self._groups:
            raise oserror(errno.EPERM if parent in self._directories else errno.ENOENT, path)
        self._groups[parent][0](name)
        self.add_directory(path)

    def rmdir(self, path: str) -> None:
        """rmdir(2) of an item :meth:`mkdir` made (ENOENT if absent, EPERM for any other directory)."""
        parent, name = posixpath.split(path)
        if path not in self._directories:
            raise oserror(errno.ENOENT, path)
        if parent not in self._groups:
            raise oserror(errno.EPERM, path)
        self._groups[parent][1](name)
        self.remove(path)

    def remove(self, path: str) -> None:
        """``path`` and everything under it."""
        inside = path + "/"
        self._directories = {d for d in self._directories if d != path and not d.startswith(inside)}
        for table in (self._attributes, self._links):
            for key in [k for k in table if k == path or k.startswith(inside)]:
                del table[key]

    def exists(self, path: str) -> bool:
        return path in self._directories or path in self._attributes or path in self._links

    # -- the Backend's calls -----------------------------------------------------------------------

    def _resolve(self, path: str) -> str:
        """``path`` with every symlink among its parent directories followed (as the kernel's lookup does)."""
        parts = path.strip("/").split("/")
        resolved = ""
        for index, part in enumerate(parts):
            resolved = f"{resolved}/{part}"
            if index < len(parts) - 1:
                for _ in range(40):  # ELOOP past that, as namei's limit
                    if resolved not in self._links:
                        break
                    resolved = self._links[resolved]
        return resolved

    def _open(self, path: str) -> _Attribute:
        path = self._resolve(path)
        attribute = self._attributes.get(path)
        if attribute is None:
            raise oserror(errno.EISDIR if path in self._directories else errno.ENOENT, path)
        if attribute.denied_opens:
            attribute.denied_opens -= 1
            raise oserror(errno.EACCES, path)
        return attribute

    def read(self, path: str) -> str:
        attribute = self._open(path)
        if attribute.show is None:
            raise oserror(errno.EACCES, path)  # a write-only attribute (mode 0200)
        return attribute.show()

    def write(self, path: str, text: str) -> None:
        attribute = self._open(path)
        if attribute.store is None:
            raise oserror(errno.EACCES, path)  # a read-only attribute (mode 0444)
        attribute.store(text)

    def list(self, path: str) -> list[str]:
        path = self._resolve(path + "/.")[:-2]
        if path not in self._directories:
            raise oserror(errno.ENOTDIR if self.exists(path) else errno.ENOENT, path)
        inside = path + "/"
        names = {
            entry[len(inside) :]
            for table in (self._directories, self._attributes, self._links)
            for entry in table
            if entry.startswith(inside) and "/" not in entry[len(inside) :]
        }
        return sorted(names, key=natural_key)

    def target(self, path: str) -> str | None:
        return self._links.get(self._resolve(path))
