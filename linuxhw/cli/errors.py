"""The two ways a command ends badly on its own terms: a malformed command line, or a failed check."""

from __future__ import annotations


class UsageError(ValueError):
    """The command line asks for something malformed (exit status 2)."""


class OperationFailed(Exception):
    """The operation ran but did not do what was asked, e.g. a readback mismatch (exit status 1 unless
    the tool the command follows uses another, as i2cget's 2 for a failed read)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status
