"""PhraseIndex: hashed phrase matching, longest first, stems, merging, JSON round trip."""

from __future__ import annotations

import orjson
import pytest

from app.nlp.dictionaries.phrase_index import PhraseIndex


def index() -> PhraseIndex[str]:
    return PhraseIndex.build(
        [
            (("united", "nations"), "UN"),
            (("united", "nations", "security", "council"), "UNSC"),
            (("nations",), "N"),
            (("angela", "merkel"), "MERKEL"),
            (("u.n.",), "UN"),
        ],
        stems=[(("baseball",), "SPORT"), (("world", "cup"), "CUP")],
    )


def test_longest_match_first_at_each_start() -> None:
    tokens = ["the", "united", "nations", "security", "council", "met", "angela", "merkel"]
    assert index().matches(tokens) == [
        (1, 5, "UNSC"),
        (1, 3, "UN"),
        (2, 3, "N"),
        (6, 8, "MERKEL"),
    ]


def test_no_match_past_the_end_and_exact_lookup() -> None:
    phrases = index()
    assert phrases.matches(["united"]) == []
    assert phrases.matches([]) == []
    assert phrases.get(("united", "nations")) == "UN"
    assert phrases.get(("united",)) is None
    assert len(phrases) == 7


def test_stems_match_the_start_of_the_last_token() -> None:
    phrases = index()
    assert phrases.matches(["baseballs", "and", "world", "cups"]) == [(0, 1, "SPORT"), (2, 4, "CUP")]
    assert phrases.matches(["base", "world", "c"]) == []  # a stem needs its whole text
    assert phrases.matches(["worlds", "cup"]) == []  # only the last token is a stem


def test_updated_lets_the_other_index_win() -> None:
    user = PhraseIndex.build([(("angela", "merkel"), "USER"), (("new", "actor"), "NEW")])
    merged = index().updated(user)
    assert merged.get(("angela", "merkel")) == "USER"
    assert merged.matches(["a", "new", "actor"]) == [(1, 3, "NEW")]
    assert index().get(("angela", "merkel")) == "MERKEL"  # the original is unchanged


def test_json_round_trip() -> None:
    phrases = index()
    again: PhraseIndex[str] = PhraseIndex.from_json(orjson.loads(orjson.dumps(phrases.to_json())))
    tokens = ["baseball", "at", "the", "united", "nations", "security", "council"]
    assert again.matches(tokens) == phrases.matches(tokens)


@pytest.mark.parametrize("tokens", [(), ("",), ("two words",)])
def test_bad_phrases_are_refused(tokens: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="non-empty sequence of tokens"):
        PhraseIndex[str]().add(tokens, "x")


def test_cost_per_token_does_not_grow_with_the_dictionary() -> None:
    """Lookups per token depend on the distinct lengths of phrases, not on how many there are."""

    class CountingDict(dict[str, str]):
        lookups = 0

        def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
            CountingDict.lookups += 1
            return super().get(key, default)

    def lookups(size: int, tokens: list[str]) -> int:
        phrases = PhraseIndex.build([(("president", f"name{i}", "x"), str(i)) for i in range(size)])
        phrases.phrases = CountingDict(phrases.phrases)
        CountingDict.lookups = 0
        phrases.matches(tokens)
        return CountingDict.lookups

    # One look-up where the first two words start a phrase; none where they start none.
    starting = ["president", "name7", "of", "the"] * 50
    assert lookups(10, starting) == lookups(10_000, starting) == 50
    elsewhere = ["president", "of", "the", "republic"] * 50
    assert lookups(10, elsewhere) == lookups(10_000, elsewhere) == 0
