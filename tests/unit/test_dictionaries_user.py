"""Users' own dictionaries (STANCEWIRE_DICTIONARIES): the example files, merging, and errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from spacy.language import Language

from app.core.config import Settings
from app.nlp.dictionaries import DictionaryError, load_dictionaries
from app.nlp.dictionaries.loader import user_file_kind

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
EXAMPLE_FILES = [EXAMPLES / f"example.{kind}.txt" for kind in ("actors", "verbs", "agents", "discards")]


def tokens(nlp: Language, text: str) -> list[str]:
    """The article's tokens as the pipeline makes them, lower-cased."""
    return [token.lower_ for token in nlp.tokenizer(text)]


def test_a_made_up_politician_is_found_in_an_article_with_her_role_on_the_date(nlp: Language) -> None:
    dictionaries = load_dictionaries(EXAMPLE_FILES)
    words = tokens(nlp, "Ukraine's minister Marta Kovalenko met the Kyiv Open Courts Watch on Tuesday.")
    matches = {(words[m.start : m.end][0], m.end - m.start): m.entries for m in dictionaries.actors.matches(words)}
    (kovalenko,) = matches[("marta", 2)]
    assert (kovalenko.source, kovalenko.line) == ("example.actors.txt", 4)
    assert kovalenko.code_on(date(2024, 5, 1)) == "UKRGOV"
    assert kovalenko.code_on(date(2021, 5, 1)) == "UKRLEG"
    assert kovalenko.code_on(None) == "UKRGOV"
    actor = kovalenko.actor_on(date(2024, 5, 1))
    assert actor is not None and (actor.country, actor.parts, kovalenko.kind_on(None)) == ("UKR", ("GOV",), "person")
    (watch,) = matches[("kyiv", 4)]
    assert watch.kind_on(None) == "ngo" and watch.code_on(None) == "NGOUKRHRI"
    assert ("ukraine", 1) in matches  # the built-in dictionaries are still there


def test_a_made_up_verb_pattern_codes_through_the_crosswalk() -> None:
    dictionaries = load_dictionaries(EXAMPLE_FILES)
    (verb,) = dictionaries.verbs.verbs_for("sanction", "sanctioned")
    assert (verb.block, verb.code, verb.source) == ("SANCTION", "163", "example.verbs.txt")
    slaps = [v.words for v in dictionaries.verbs.verbs_for("slap", "slapped") if v.source == "example.verbs.txt"]
    assert slaps == [("slap", "sanctions", "on")]
    over_weapons = dictionaries.verbs.patterns("SANCTION")[0]
    assert over_weapons.target_slot == "post" and over_weapons.preps[0].terms[0].synset == "WEAPON"
    coding = dictionaries.crosswalk.lookup("163")
    assert coding is not None and (coding.category, coding.mode) == ("SANCTION", "discontinue")
    assert len(dictionaries.verbs.blocks) == 398  # one block more than the built-in 397


def test_example_agents_and_discards(nlp: Language) -> None:
    dictionaries = load_dictionaries(EXAMPLE_FILES)
    (operator,) = dictionaries.agents.lookup(["drone", "operators"])
    assert (operator.code, operator.position, operator.plural) == ("MIL", "suffix", True)
    words = tokens(nlp, "The esports tournaments drew a crowd.")
    found = [(m.start, m.end, [d.kind for d in m.entries]) for m in dictionaries.discards.matches(words)]
    assert found == [(1, 3, ["sport"]), (2, 3, ["sport"])]  # the user's stem, then the built-in TOURNAMENT


def test_user_entries_win_and_the_builtin_data_is_untouched(tmp_path: Path) -> None:
    path = tmp_path / "mine.actors.txt"
    path.write_text("ANGELA_MERKEL_  [DEUELI]\n", encoding="utf-8")
    builtin = load_dictionaries()
    (original,) = builtin.actors.lookup(["angela", "merkel"])
    merged = load_dictionaries([path])
    (mine,) = merged.actors.lookup(["angela", "merkel"])
    assert mine.code_on(date(2010, 1, 1)) == "DEUELI" and mine.source == "mine.actors.txt"
    assert original.code_on(date(2010, 1, 1)) == "DEUGOV"
    assert merged.actors.lookup(["chancellor", "merkel"])[0].code_on(date(2010, 1, 1)) == "DEUGOV"
    assert merged.user_files == (str(path),) and str(path) in merged.inputs
    assert load_dictionaries([path]) is merged  # cached per list of paths


def test_user_verbs_replace_and_extend_builtin_blocks(tmp_path: Path) -> None:
    path = tmp_path / "mine.verbs.txt"
    path.write_text(
        "---  SEARCH   [090]  ---\nSEEK {SEEKS SEEKING SOUGHT} [036]\n- * &FOOD  [0233]\n", encoding="utf-8"
    )
    dictionaries = load_dictionaries([path])
    (seek,) = dictionaries.verbs.verbs_for("seek", "sought")
    assert (seek.code, seek.source) == ("036", "mine.verbs.txt")
    patterns = dictionaries.verbs.patterns("SEARCH")
    assert patterns[0].source == "mine.verbs.txt" and len(patterns) > 1  # the user's first, then the built-in
    assert dictionaries.verbs.block("SEARCH").code == "090"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.actors.txt", "X_ [USA]\nY_ [NOTACODE]\n", r"bad.actors.txt:2: actor code 'NOTACODE'"),
        ("bad.agents.txt", "MINISTER\n", r"bad.agents.txt:1: not an agent entry"),
        ("bad.discards.txt", "WORLD [CUP]\n", r"bad.discards.txt:1: '\[' is not allowed"),
        ("bad.verbs.txt", "- * AID [070]\n", r"bad.verbs.txt:1: a verb or pattern before the first verb block"),
        ("actors.txt", "X_ [USA]\n", r"actors.txt:0: unknown dictionary kind"),
        ("notes.txt", "X_ [USA]\n", r"notes.txt:0: unknown dictionary kind"),
    ],
)
def test_malformed_or_misnamed_files_stop_loading(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DictionaryError, match=message):
        load_dictionaries([path])


def test_a_missing_file_stops_loading(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError, match=r"gone.actors.txt:0: no such file"):
        load_dictionaries([tmp_path / "gone.actors.txt"])


def test_kind_comes_from_the_suffix() -> None:
    assert user_file_kind(Path("x/ukraine.actors.txt")) == "actors"
    assert user_file_kind(Path("a.b.discards.txt")) == "discards"
    with pytest.raises(DictionaryError, match="unknown dictionary kind"):
        user_file_kind(Path(".verbs.txt"))


def test_setting_splits_on_commas_and_the_path_separator(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    actors, verbs, agents = (examples / f"example.{kind}.txt" for kind in ("actors", "verbs", "agents"))
    monkeypatch.setenv("STANCEWIRE_DICTIONARIES", f"{actors}, {verbs}:{agents}")
    assert Settings().dictionaries == [actors, verbs, agents]
    monkeypatch.setenv("STANCEWIRE_DICTIONARIES", "")
    assert Settings().dictionaries == []
