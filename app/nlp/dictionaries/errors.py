"""The one error every dictionary reader raises: which file, which line, and why."""

from __future__ import annotations

from pathlib import Path


class DictionaryError(ValueError):
    """A dictionary file is malformed (or missing): ``str(error)`` is ``path:line: reason``.

    ``line`` is 1-based; 0 means the file as a whole (missing, unreadable, wrong name).
    """

    def __init__(self, path: str | Path, line: int, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{self.path}:{line}: {reason}")

    def __reduce__(self) -> tuple[type[DictionaryError], tuple[str, int, str]]:
        # Pickled across the worker boundary with its three fields, not the formatted message.
        return (DictionaryError, (self.path, self.line, self.reason))
