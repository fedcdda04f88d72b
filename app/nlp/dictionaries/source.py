"""Read a dictionary file as numbered lines, applying the documented upstream quirks.

Every reader goes through :func:`read_lines`: the file must be UTF-8 (a bad byte is an error at
its line), and a line listed in the quirks table (``app/nlp/data/dictionary_quirks.yaml``) is
replaced by its documented reading, or dropped, before the reader sees it. Quirks apply only to
the vendored upstream files they name, and only when the line still reads exactly as recorded:
user files get no exemptions, and a stale quirk is itself an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.nlp.dictionaries.errors import DictionaryError


@dataclass(frozen=True, slots=True)
class Quirk:
    """One upstream line read differently: ``replacement`` None drops the line; a replacement
    holding newlines stands for several lines (all numbered as the original)."""

    line: int
    text: str
    replacement: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One line of a dictionary file: its 1-based number and its text without the newline."""

    number: int
    text: str


NO_QUIRKS: Mapping[int, Quirk] = {}

# Characters no dictionary line may hold: C0 controls other than tab, DEL, and U+FFFD (the mark
# a lossy conversion leaves where a letter was; such a name could never match text).
_FORBIDDEN = re.compile("[\x00-\x08\x0a-\x1f\x7f\ufffd]")


def read_lines(path: Path, quirks: Mapping[int, Quirk] = NO_QUIRKS) -> list[SourceLine]:
    """Return the lines of ``path``, with quirks applied; raise DictionaryError on bad input."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DictionaryError(path, 0, "no such file") from None
    except OSError as error:
        raise DictionaryError(path, 0, f"cannot read: {error.strerror}") from None
    lines: list[SourceLine] = []
    used: set[int] = set()
    for number, chunk in enumerate(raw.split(b"\n"), start=1):
        try:
            text = chunk.decode("utf-8").removesuffix("\r")
        except UnicodeDecodeError as error:
            raise DictionaryError(path, number, f"not UTF-8 (byte {error.start + 1} of the line)") from None
        texts = [text]
        quirk = quirks.get(number)
        if quirk is not None:
            if text != quirk.text:
                raise DictionaryError(path, number, f"quirk table expects {quirk.text!r} here, found {text!r}")
            used.add(number)
            texts = [] if quirk.replacement is None else quirk.replacement.split("\n")
        for part in texts:
            bad = _FORBIDDEN.search(part)
            if bad is not None:
                raise DictionaryError(path, number, f"control or replacement character U+{ord(bad.group()):04X}")
            lines.append(SourceLine(number, part))
    unused = sorted(set(quirks) - used)
    if unused:
        raise DictionaryError(path, unused[0], "quirk table names a line past the end of the file")
    return lines


def strip_comment(text: str, markers: str = "#") -> str:
    """Return ``text`` up to the first comment marker, without trailing blanks."""
    cut = len(text)
    for marker in markers:
        index = text.find(marker)
        if index != -1:
            cut = min(cut, index)
    return text[:cut].rstrip()
