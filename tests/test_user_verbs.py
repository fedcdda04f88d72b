"""A user's own verb dictionary (STANCEWIRE_DICTIONARIES) codes stances, and a malformed one stops the pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from app.evaluation import actor_code
from app.nlp.dictionaries import DictionaryError
from app.nlp.pipeline import analyze_texts, load_pipeline
from tests.conftest import MODEL

# "upbraid" is in neither the curated lexicon nor CAMEO.2.0.txt: only the user's file can code it.
USER_VERBS = """\
# A made-up addition for the test.
---  UPBRAID   [111]  ---
UPBRAID
- * + (OVER {NUCLEAR PROGRAMME})   [1124]   # upbraided X over its nuclear programme
"""


@pytest.fixture(scope="module")
def user_nlp(tmp_path_factory: pytest.TempPathFactory) -> Language:
    path = tmp_path_factory.mktemp("dictionaries") / "mine.verbs.txt"
    path.write_text(USER_VERBS, encoding="utf-8")
    return load_pipeline(MODEL, dictionaries=[path])


def _coded(nlp: Language, text: str) -> list[tuple[str, list[str], list[str], dict[str, str]]]:
    analysis = analyze_texts(nlp, [text])[0].analysis
    assert analysis is not None
    codes = {a["id"]: actor_code(a) for a in analysis["actors"]}
    return [
        (s["event"], [codes[h] for h in s["holder"]], [codes[t] for t in s["target"]], s["rule"])
        for s in analysis["stances"]
    ]


def test_a_user_verb_is_coded_with_its_pattern_and_says_so(user_nlp: Language) -> None:
    found = _coded(user_nlp, "Japan upbraided North Korea over its nuclear programme on Tuesday.")
    _event, holders, targets, rule = next(f for f in found if f[0] == "ACCUSE")
    assert (holders, targets) == (["JPN"], ["PRK"])
    assert rule["source"] == "dictionary"
    assert rule["ref"] == "mine.verbs.txt:4"
    assert rule["cameo"] == "1124"


def test_a_user_verb_without_a_pattern_takes_its_block_code(user_nlp: Language) -> None:
    found = _coded(user_nlp, "Japan upbraided North Korea on Tuesday.")
    assert any(f[0] == "ACCUSE" and f[1] == ["JPN"] and f[3]["cameo"] == "111" for f in found), found


def test_without_the_user_file_the_verb_is_not_coded(nlp: Language) -> None:
    assert not [f for f in _coded(nlp, "Japan upbraided North Korea on Tuesday.") if f[0] == "ACCUSE"]


def test_a_malformed_user_file_stops_the_pipeline_with_file_line_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "broken.verbs.txt"
    path.write_text("---  UPBRAID   [111]  ---\nUPBRAID\n- * + (OVER {NUCLEAR PROGRAMME}   [1124]\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=r"broken\.verbs\.txt:3: "):
        load_pipeline(MODEL, dictionaries=[path])
