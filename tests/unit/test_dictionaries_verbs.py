"""The CAMEO verb dictionary reader: every syntax element, every error, and the real file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.upstream import builtin_verbs
from app.nlp.dictionaries.verb_patterns import PrepPhrase, Term, parse_event_code, parse_pattern
from app.nlp.dictionaries.verbs import VerbDictionary, read_verbs

SAMPLE = """\
# a comment line
&CURRENCY
+DOLLAR
+CASH_
+RAND_
&AUXVERB_
+WILL
+IS_TO
&AID_WORDS
# a comment between members
+RELIEF_SUPPLY

---  GIVE   [070]  ---
GIVE {GIVES GAVE GIVEN GIVING}
DONATE [071:072]   # own code, with a paired code
+HAND_OVER
WIRE_+TAP {WIRE_+TAPS WIRE_+TAPPED WIRE_+TAPPING}
+IS_DETERMINED {+WAS_DETERMINED , +BE_DETERMINED}
+ANGERED_BY {}
SCRAP {SCRAPS};shan 8/30/93
- * &CURRENCY (TO +)                    [071]    # GIVE
- $ * {FINANCIAL AID} (FOR {&AID_WORDS PROGRAM})  [073]
- * (TO/FOR PROTEST) ^ (IN ^)           [042:043]
- % &CURRENCY *                         [:173]
- * AIR_STRIKE FIGHTER_&AUXVERB         [---]
---  WAIT   [---]---  ---
WAIT
- + * (FOR)  [0233]
~ a (a b GIVE) WAIT = a b 015
~ a (_ b Q) GIVE = . b Q
"""


@pytest.fixture(scope="module")
def real() -> VerbDictionary:
    return builtin_verbs()


def write(tmp_path: Path, text: str, name: str = "test.verbs.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_synsets_members_plurals_and_underscores(tmp_path: Path) -> None:
    verbs = read_verbs(write(tmp_path, SAMPLE))
    assert verbs.synsets["CURRENCY"] == frozenset({("dollar",), ("dollars",), ("cash",), ("rand",)})
    assert verbs.synsets["AUXVERB"] == frozenset({("will",), ("is", "to")})  # label ends in '_': no plurals
    assert verbs.in_synset("&AID_WORDS", ("relief", "supplies"))
    assert verbs.in_synset("CURRENCY", "dollars") and not verbs.in_synset("CURRENCY", "cashes")


def test_verbs_forms_codes_and_lookups(tmp_path: Path) -> None:
    verbs = read_verbs(write(tmp_path, SAMPLE))
    give = verbs.block("GIVE")
    by_words = {verb.words: verb for verb in give.verbs}
    assert by_words[("give",)].forms == ("gives", "gave", "given", "giving")
    assert by_words[("give",)].code == "070" and by_words[("give",)].paired_code is None
    assert by_words[("donate",)].forms == ("donates", "donated", "donating")  # regular forms generated
    assert (by_words[("donate",)].code, by_words[("donate",)].paired_code) == ("071", "072")
    hand_over = by_words[("hand", "over")]
    assert (hand_over.lemma, hand_over.verb_index, hand_over.forms) == ("hand", 0, ("hands", "handed", "handing"))
    wiretap = by_words[("wire", "tap")]
    assert (wiretap.verb_index, wiretap.lemma, wiretap.forms) == (1, "tap", ("taps", "tapped", "tapping"))
    determined = by_words[("is", "determined")]
    assert (determined.lemma, determined.forms) == ("be", ("was", "be"))  # auxiliaries keyed by their lemma
    assert by_words[("angered", "by")].forms == ()
    assert by_words[("scrap",)].forms == ("scraps",)  # ';' starts a comment on verb lines
    assert [v.words for v in verbs.verbs_for("give")] == [("give",)]
    assert [v.words for v in verbs.verbs_for("gift", "gave")] == [("give",)]  # found by surface form
    assert [v.words for v in verbs.verbs_for("anger", "angered")] == [("angered", "by")]
    assert verbs.verbs_for("be", "is")[0].words == ("is", "determined")
    assert all(verb.line > 0 and verb.source == "test.verbs.txt" for verb in give.verbs)


def test_patterns_terms_slots_and_codes(tmp_path: Path) -> None:
    verbs = read_verbs(write(tmp_path, SAMPLE))
    first, second, third, fourth, fifth = verbs.patterns("GIVE")
    assert first.post == (Term(("&CURRENCY",), braced=False),) and first.post[0].synset == "CURRENCY"
    assert first.preps == (PrepPhrase(("to",), (), ("+",), before_verb=False),)
    assert (first.target_slot, first.source_slot, first.code, first.comment) == ("prep:to", None, "071", "GIVE")
    assert first.line == 21 and first.text == "- * &CURRENCY (TO +) [071]"
    assert second.source_slot == "pre"
    assert second.post == (Term(("financial", "aid"), braced=True),) and second.post[0].head == "aid"
    assert second.preps[0].terms == (Term(("&AID_WORDS", "program"), braced=True),)
    assert third.preps[0].preps == ("to", "for") and third.skip_slots == ("post", "prep:in")
    assert (third.code, third.paired_code) == ("042", "043")
    assert fourth.compound_slot == "pre" and (fourth.code, fourth.paired_code) == (None, "173")
    assert fifth.post == (Term(("air", "strike"), braced=False), Term(("fighter", "&AUXVERB"), braced=False))
    assert fifth.code is None
    assert verbs.patterns("WAIT")[0].target_slot == "pre" and verbs.block("WAIT").code is None


def test_transformations(tmp_path: Path) -> None:
    verbs = read_verbs(write(tmp_path, SAMPLE))
    first, second = verbs.transformations
    assert (first.actor, first.inner_actor, first.inner_target, first.inner_verb, first.verb) == (
        "a", "a", "b", "GIVE", "WAIT",
    )  # fmt: skip
    assert (first.result_actor, first.result_target, first.code) == ("a", "b", "015")
    assert (second.inner_actor, second.inner_verb, second.result_actor, second.code) == ("_", "Q", ".", "Q")


def test_event_codes() -> None:
    assert parse_event_code("070") == ("070", None)
    assert parse_event_code("042:043") == ("042", "043")
    assert parse_event_code(":173") == (None, "173")
    assert parse_event_code("---") == (None, None)
    for bad in ("080!", "", "12345", "7", "a1"):
        with pytest.raises(ValueError, match="event code"):
            parse_event_code(bad)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("- * AID", "a pattern is"),
        ("- * AID [070] trailing", "a pattern is"),
        ("- AID [070]", "no '\\*'"),
        ("- * AID * MORE [070]", "more than one '\\*'"),
        ("- * {AID [070]", "unclosed '\\{'"),
        ("- * AID) [070]", "unbalanced"),
        ("- * (FOR AID [070]", "unclosed '\\('"),
        ("- * ($ AID) [070]", "must start with its preposition"),
        ("- $ * (TO $) [070]", "more than one '\\$'"),
        ("- * {$ AID} [070]", "slot inside braces"),
        ("- * {} [070]", "empty braces"),
        ("- * A;B [070]", "unexpected"),
        ("- * &lower [070]", "malformed synset reference"),
    ],
)
def test_pattern_errors(line: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_pattern(line, 1)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("GIVE\n", 1, "before the first verb block"),
        ("---  GIVE  [070]\n", 1, "header is"),
        ("---  GIVE  [07x]  ---\n", 1, "event code"),
        ("---  GIVE  ---\nGIVE {GAVE\n", 2, "not a verb line"),
        ("---  GIVE  ---\nGIVE {GAVE_UP}\n", 2, "exactly one"),
        ("---  GIVE  ---\nHAND_OVER\n", 2, "exactly one '\\+'"),
        ("---  GIVE  ---\n+HAND_OVER {+HANDS_UP}\n", 2, "does not keep the other words"),
        ("---  GIVE  ---\nGIVE [070] extra\n", 2, "not a verb line"),
        ("---  GIVE  ---\n- * &FOOD [070]\n", 2, "synset &FOOD is not defined above"),
        ("&A\n+X\n&A\n", 3, "defined twice"),
        ("&A\n+X Y\n", 2, "malformed synset member"),
        ("---  GIVE  ---\nGIVE\n~ a (a b GIVE) TAKE = a b 015\n", 3, "not a verb of this file"),
        ("---  GIVE  ---\n~ a (a b GIVE) GIVE = a b\n", 2, "a transformation is"),
        ("---  GIVE  ---\nGIVE\x1a\n", 2, "control or replacement character"),
    ],
)
def test_file_errors_name_file_line_and_reason(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DictionaryError, match=reason) as caught:
        read_verbs(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_bad_utf8_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.verbs.txt"
    path.write_bytes(b"---  GIVE  ---\nGIVE \xff\n")
    with pytest.raises(DictionaryError, match=r"bad.verbs.txt:2: not UTF-8"):
        read_verbs(path)
    with pytest.raises(DictionaryError, match=r"missing.verbs.txt:0: no such file"):
        read_verbs(tmp_path / "missing.verbs.txt")


def test_user_file_may_use_known_synsets(tmp_path: Path, real: VerbDictionary) -> None:
    path = write(tmp_path, "---  FEED  [073]  ---\nFEED {FEEDS FED FEEDING}\n- * &FOOD (TO +)  [073]\n")
    verbs = read_verbs(path, known_synsets=real.synsets)
    assert verbs.patterns("FEED")[0].post[0].synset == "FOOD"


def test_the_real_dictionary_parses_completely(real: VerbDictionary) -> None:
    assert len(real.blocks) == 397
    assert sum(len(block.patterns) for block in real.blocks) == 4664
    assert sum(len(block.verbs) for block in real.blocks) == 1817
    assert len(real.synsets) == 40
    assert len(real.transformations) == 8
    assert sum(block.code is None for block in real.blocks) == 206  # blocks whose bare verb codes nothing


def test_real_lookups(real: VerbDictionary) -> None:
    assert {verb.block for verb in real.verbs_for("seek", "sought")} == {"SEARCH"}
    assert any(verb.words == ("wire", "tap") for verb in real.verbs_for("tap", "tapped"))
    assert real.in_synset("WEAPON", "rifles") and real.in_synset("FOOD", ("foodstuffs",))
    rush = real.block("ACCELERATE")
    assert {verb.lemma for verb in rush.verbs} >= {"rush", "speed", "hurry"}
    visit = real.patterns("ACCELERATE")[0]
    assert (visit.code, visit.paired_code, visit.line, visit.comment) == ("042", "043", 718, "RUSH")
