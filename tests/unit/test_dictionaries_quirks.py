"""The upstream quirk table: every entry matches its line, has a reason, and is needed."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from app.nlp.dictionaries.actors import read_actors
from app.nlp.dictionaries.agents import read_agents
from app.nlp.dictionaries.crosswalk import read_crosswalk
from app.nlp.dictionaries.discards import read_discards
from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.quirks import all_quirks
from app.nlp.dictionaries.source import Quirk, read_lines
from app.nlp.dictionaries.upstream import CROSSWALK_FILE, builtin_verbs, upstream_path
from app.nlp.dictionaries.verbs import read_verbs

QUIRKS = [(name, quirk) for name, by_line in sorted(all_quirks().items()) for quirk in by_line.values()]


@cache
def upstream_lines(name: str) -> list[str]:
    return upstream_path(name).read_bytes().decode("utf-8").split("\n")


@cache
def record_starts(name: str) -> list[int]:
    """Lines that begin an actor record after a blank line: records from there read on their own."""
    lines = upstream_lines(name)
    return [i for i in range(2, len(lines) + 1) if not lines[i - 2].strip() and lines[i - 1][:1].isalnum()]


@cache
def builtin_synsets() -> object:
    return builtin_verbs().synsets


def reader(name: str) -> Callable[[Path, dict[int, Quirk]], object]:
    if name.endswith(".actors.txt"):
        return read_actors
    if name.endswith("agents.txt"):
        return read_agents
    if name.endswith("discards.txt"):
        return read_discards
    if name == CROSSWALK_FILE:
        return read_crosswalk
    synsets = builtin_synsets()
    assert isinstance(synsets, dict)
    return lambda path, quirks: read_verbs(path, quirks, known_synsets=synsets)


def window(name: str, lines: list[str], number: int) -> tuple[int, int]:
    """Lines (1-based, inclusive) of the records around ``number`` that read on their own."""
    if name == "CAMEO.2.0.txt":  # the verb block holding the line
        start = max(i for i in range(1, number + 1) if lines[i - 1].startswith("---"))
        after = [i for i in range(number + 1, len(lines) + 1) if lines[i - 1].startswith("---")]
        return start, (after[0] - 1 if after else len(lines))
    if name.endswith(".actors.txt"):  # from a blank line before a primary phrase to the next one
        starts = record_starts(name)
        start = max([1, *(i for i in starts if i <= number - 1)])
        ends = [i - 2 for i in starts if i - 2 > number]
        return start, (ends[0] if ends else len(lines))
    return 1, len(lines)


@pytest.mark.parametrize(("name", "quirk"), QUIRKS, ids=[f"{name}:{quirk.line}" for name, quirk in QUIRKS])
def test_quirk_matches_its_line_and_is_needed(tmp_path: Path, name: str, quirk: Quirk) -> None:
    lines = upstream_lines(name)
    assert lines[quirk.line - 1] == quirk.text
    assert len(quirk.reason) > 20 and quirk.replacement != quirk.text
    start, end = window(name, lines, quirk.line)
    part = tmp_path / name
    part.write_text("\n" * (start - 1) + "\n".join(lines[start - 1 : end]), encoding="utf-8")
    here = {line: q for line, q in all_quirks()[name].items() if start <= line <= end}
    read = reader(name)
    with_quirk = read(part, here)
    without: object
    try:
        without = read(part, {line: q for line, q in here.items() if line != quirk.line})
    except DictionaryError as error:
        without = error
    if isinstance(without, DictionaryError):
        assert start <= without.line <= end
    else:
        assert without != with_quirk, "the line reads the same without its quirk: drop the entry"


def test_quirks_apply_only_while_the_line_reads_as_recorded(tmp_path: Path) -> None:
    path = tmp_path / "x.actors.txt"
    path.write_text("X_ [USA]\nY_ [GBR]\n", encoding="utf-8")
    stale = {2: Quirk(2, "Y_ [FRA]", None, "a line that changed upstream")}
    with pytest.raises(DictionaryError, match="quirk table expects"):
        read_lines(path, stale)
    past_end = {9: Quirk(9, "", None, "gone")}
    with pytest.raises(DictionaryError, match="past the end"):
        read_lines(path, past_end)
    two_lines = {1: Quirk(1, "X_ [USA]", "X_\n\t[USA]", "split")}
    assert [(line.number, line.text) for line in read_lines(path, two_lines)] == [
        (1, "X_"),
        (1, "\t[USA]"),
        (2, "Y_ [GBR]"),
        (3, ""),
    ]


def test_user_files_get_no_quirks(tmp_path: Path) -> None:
    copy = tmp_path / "Phoenix.agents.txt"  # the upstream name, as a user file: read without exemptions
    copy.write_bytes(upstream_path("Phoenix.agents.txt").read_bytes())
    with pytest.raises(DictionaryError, match=r"Phoenix.agents.txt:544: not an agent entry"):
        read_agents(copy)
