"""The Phoenix discard reader, and the curated kinds of every discard."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.nlp.dictionaries.discards import DiscardDictionary, kind_rules, load_kind_rules, read_discards
from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.quirks import quirks_for
from app.nlp.dictionaries.upstream import DISCARD_FILE, PETRARCH

SAMPLE = """\
# discards
WORLD CUP   # sentence level, stem
+CHAMPIONS LEAGUE   # story level
+ World Golf Championships
GROUP A_
1988
BIRD FLU\t
TROPICAL STORM
INITIAL PUBLIC OFFERING
ACADEMY AWARD
PRESIDENTIAL DEBATE
KIMJONGILISM
"""


@pytest.fixture(scope="module")
def real() -> DiscardDictionary:
    return read_discards(PETRARCH / DISCARD_FILE, quirks_for(DISCARD_FILE))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "test.discards.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_story_stem_and_kinds(tmp_path: Path) -> None:
    discards = read_discards(write(tmp_path, SAMPLE)).discards
    summary = [(d.words, d.story, d.stem, d.kind, d.line) for d in discards]
    assert summary == [
        (("world", "cup"), False, True, "sport", 2),
        (("champions", "league"), True, True, "sport", 3),
        (("world", "golf", "championships"), True, True, "sport", 4),
        (("group", "a"), False, False, "sport", 5),
        (("1988",), False, True, "history", 6),
        (("bird", "flu"), False, True, "health", 7),
        (("tropical", "storm"), False, True, "disaster", 8),
        (("initial", "public", "offering"), False, True, "business", 9),
        (("academy", "award"), False, True, "entertainment", 10),
        (("presidential", "debate"), False, True, "other", 11),  # listed as other, political
        (("kimjongilism",), False, True, "other", 12),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [("+\n", "empty discard phrase"), ("WORLD [CUP]\n", "'\\[' is not allowed"), ("A+B\n", "'\\+' is not allowed")],
)
def test_errors_name_file_line_and_reason(tmp_path: Path, text: str, reason: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DictionaryError, match=reason) as caught:
        read_discards(path)
    assert str(caught.value).startswith(f"{path}:1: ")


def test_kind_rules_reject_bad_data() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        load_kind_rules({"phrases": {"politics": ["x"]}, "keywords": {}})
    with pytest.raises(ValueError, match="twice"):
        load_kind_rules({"phrases": {"sport": ["x y"], "other": ["x y"]}, "keywords": {}})
    rules = load_kind_rules({"phrases": {}, "keywords": {"sport": ["golf*", "cup"]}})
    assert rules.kind(("golfing",)) == ("sport", "keyword")
    assert rules.kind(("cupboard",)) == ("other", "fallback")


def test_the_real_file_parses_and_every_discard_has_a_curated_kind(real: DiscardDictionary) -> None:
    assert len(real.discards) == 506
    assert sum(d.story for d in real.discards) == 64
    assert sum(not d.stem for d in real.discards) == 8
    rules = kind_rules()
    assert [d.words for d in real.discards if rules.kind(d.words)[1] == "fallback"] == []
    kinds = Counter(d.kind for d in real.discards)
    assert kinds == {
        "sport": 246, "history": 131, "other": 37, "entertainment": 39, "disaster": 18, "business": 18,
        "health": 17,
    }  # fmt: skip
    assert all(d.kind == "history" for d in real.discards if d.words[0].isdigit() and len(d.words) == 1)
