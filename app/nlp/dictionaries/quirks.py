"""The documented upstream quirks (``app/nlp/data/dictionary_quirks.yaml``), by file name.

Only the built-in files are read with quirks (the compile step passes them); a user's file is
read with none, so it gets the same strictness as upstream gets without its exemptions.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from app.nlp.dictionaries.source import Quirk


@cache
def all_quirks() -> dict[str, dict[int, Quirk]]:
    """Return every quirk, keyed by upstream file name, then line number."""
    text = resources.files("app.nlp").joinpath("data/dictionary_quirks.yaml").read_text("utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    table: dict[str, dict[int, Quirk]] = {}
    for name, entries in raw["files"].items():
        by_line: dict[int, Quirk] = {}
        for entry in entries:
            number = int(entry["line"])
            if number in by_line:
                raise ValueError(f"dictionary_quirks.yaml: {name} line {number} listed twice")
            by_line[number] = Quirk(number, entry["text"], entry["replacement"], entry["reason"])
        table[name] = by_line
    return table


def quirks_for(file_name: str) -> dict[int, Quirk]:
    """Return the quirks of the upstream file ``file_name`` (none for any other name)."""
    return all_quirks().get(file_name, {})
