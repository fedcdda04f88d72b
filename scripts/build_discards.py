"""Compile the Phoenix discards file into app/nlp/data/discards.json (interim reader).

Usage: ``python scripts/build_discards.py [--check]``. ``--check`` (and tests/test_relevance.py) fail
when the committed file is stale. This small reader stands in until the dictionary readers of
issue 13 (``app/nlp/dictionaries/discards.py``) compile the same file with ``make dictionaries``.

Format (``third_party/petrarch2/Phoenix.discards.txt``): one phrase a line (mostly upper case), words
separated by spaces; a leading ``+`` marks a story-level discard (PETRARCH drops the whole story),
no mark a sentence-level one; ``#`` starts a comment; a trailing ``_`` ends a word ("GROUP A_" is
"group a", not "group al..."). Each phrase gets a kind the relevance stage can choose by: ``year``
(a bare year), ``time`` ("YEARS AGO", "MONTHS LATER") or ``phrase`` (everything else).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "third_party" / "petrarch2" / "Phoenix.discards.txt"
OUTPUT = ROOT / "app" / "nlp" / "data" / "discards.json"
_YEAR = re.compile(r"^\d{4}$")
_TIME = re.compile(r"\b(AGO|LATER|EARLIER)$")


class DiscardsError(ValueError):
    """A line of the discards file cannot be read."""


def read_discards(text: str, source: str = "discards") -> list[dict[str, Any]]:
    """Return the discard phrases of ``text``: ``{"phrase", "story", "kind"}``, in file order, once each."""
    found: dict[str, dict[str, Any]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        story = line.startswith("+")
        words = line.lstrip("+").replace("_", " ").split()
        if not words or not all(re.fullmatch(r"[A-Za-z0-9'.\-]+", w) for w in words):
            raise DiscardsError(f"{source}:{number}: not a phrase of words: {raw!r}")
        phrase = " ".join(words).lower()
        kind = "year" if _YEAR.match(phrase.upper()) else "time" if _TIME.search(phrase.upper()) else "phrase"
        entry = found.setdefault(phrase, {"phrase": phrase, "story": story, "kind": kind})
        entry["story"] = entry["story"] or story  # listed at both levels: the story level holds
    return list(found.values())


def render(entries: list[dict[str, Any]]) -> str:
    """Return the compiled JSON text (stable: file order, sorted keys)."""
    payload = {"source": "third_party/petrarch2/Phoenix.discards.txt", "phrases": entries}
    return json.dumps(payload, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) app/nlp/data/discards.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    args = parser.parse_args(argv)
    text = render(read_discards(SOURCE.read_text("utf-8"), SOURCE.name))
    if args.check:
        if OUTPUT.read_text("utf-8") != text:
            print(f"{OUTPUT} is stale: run python scripts/build_discards.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
