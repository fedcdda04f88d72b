"""The compiled attribute ruler finds exactly the stock ruler's matches and sets the same attributes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from app.evaluation import DEFAULT_GOLD, SEED_ARTICLE_PATH, load_gold
from app.nlp.attribute_rules import CompiledRules, FastAttributeRuler, UnsupportedRule, speed_up_attribute_ruler
from tests.conftest import MODEL

SEED_ARTICLE = SEED_ARTICLE_PATH.read_text("utf-8")
# Sentences that reach the model's exception rules: contractions, slang, expletive "there",
# object pronouns, auxiliaries used as main verbs, determiners used as pronouns, whitespace.
EXCEPTIONS = [
    "We're gonna win, and I gotta go. Let's go! C'mon, y'all ain't seen nothin' yet.",
    "There is hope. There's more. There were protests. It isn't over; they aren't either.",
    "Give it to me, not to you. Tell him I said so. They saw it and I saw you.",
    "He does his homework. They have had enough. Did he? What did it do? She had done it.",
    "That which remains is this. Those were the days. Which one? Whether or not, that's it.",
    "Spaces   everywhere.\n\n  Even here.\t Tabs too.",
]


@pytest.fixture(scope="module")
def stock() -> Language:
    """The model exactly as spaCy loads it."""
    return spacy.load(MODEL)


def _corpus() -> list[str]:
    return [SEED_ARTICLE, *EXCEPTIONS, *(record["text"] for record in load_gold(DEFAULT_GOLD))]


def _attributes(docs: Iterable[Doc]) -> list[list[tuple[str, ...]]]:
    return [[(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc] for doc in docs]


def test_compiled_rules_match_exactly_what_the_stock_matcher_matches(stock: Language) -> None:
    ruler = stock.get_pipe("attribute_ruler")
    rules = CompiledRules.compile(ruler)
    total = 0
    for doc in stock.pipe(_corpus(), disable=["attribute_ruler", "lemmatizer", "ner"]):
        expected = ruler.match(doc)
        assert rules.match(doc) == expected, doc.text[:80]
        total += len(expected)
    assert total > 5_000  # about one per token: the comparison is not vacuous


def test_the_stancewire_pipeline_tags_tokens_exactly_as_the_stock_model(stock: Language, nlp: Language) -> None:
    assert isinstance(nlp.get_pipe("attribute_ruler"), FastAttributeRuler)
    assert nlp.pipe_names[: len(stock.pipe_names)] == stock.pipe_names
    texts = _corpus()
    ours = nlp.pipe(texts, disable=["stancewire_actors", "stancewire_stances"])
    assert _attributes(ours) == _attributes(stock.pipe(texts))


def _ruler(patterns: list[dict[str, Any]]) -> tuple[Language, AttributeRuler]:
    blank = spacy.blank("en")
    ruler = blank.add_pipe("attribute_ruler")
    ruler.add_patterns(patterns)
    return blank, ruler


def _doc(blank: Language) -> Doc:
    words = ["There", "is", "n't", " ", "a", "Gon", "na", "answer", "that", "y'", "all", "like", "."]
    tags = ["EX", "VBZ", "RB", "_SP", "DT", "VBG", "TO", "NN", "WDT", "PRP", "DT", "VBP", "."]
    deps = ["expl", "ROOT", "neg", "dep", "det", "amod", "aux", "attr", "nsubj", "nsubj", "appos", "relcl", "punct"]
    heads = [1, 1, 1, 1, 7, 7, 5, 1, 11, 10, 11, 7, 1]
    return Doc(blank.vocab, words=words, tags=tags, deps=deps, heads=heads)


RULES: list[dict[str, Any]] = [
    {"patterns": [[{"TAG": "VBZ"}]], "attrs": {"POS": "VERB", "LEMMA": "be"}},
    {"patterns": [[{"DEP": "expl"}, {"LOWER": {"IN": ["is", "are"]}}]], "attrs": {"POS": "AUX"}, "index": 1},
    {"patterns": [[{"TAG": "RB", "LOWER": {"IN": ["not", "n't"]}}]], "attrs": {"POS": "PART", "MORPH": "Polarity=Neg"}},
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "go"}, "index": 0},
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": -1},
    {"patterns": [[{"LOWER": {"REGEX": "^y'?$"}}, {"LOWER": "all"}]], "attrs": {"LEMMA": "you"}},
    {"patterns": [[{"DEP": {"NOT_IN": ["det", ""]}, "TAG": {"IN": ["DT", "WDT"]}}]], "attrs": {"POS": "PRON"}},
    {"patterns": [[{"IS_SPACE": True, "DEP": {"NOT_IN": [""]}}]], "attrs": {"POS": "SPACE"}},
    {"patterns": [[{"TAG": "NN"}], [{"TAG": "VBG"}]], "attrs": {"POS": "NOUN"}},
    {"patterns": [[{"TAG": "VBZ", "LOWER": "is"}]], "attrs": {"POS": "AUX"}},  # later rule wins over the first
]


def test_every_supported_operator_and_later_rules_winning_match_the_stock_ruler() -> None:
    blank, ruler = _ruler(RULES)
    expected = _doc(blank)
    ruler(expected)
    fast = FastAttributeRuler("fast")
    fast.adopt(ruler, CompiledRules.compile(ruler))
    got = fast(_doc(blank))
    assert CompiledRules.compile(ruler).match(_doc(blank)) == ruler.match(_doc(blank))
    assert _attributes([got]) == _attributes([expected])
    assert [t.pos_ for t in got][:4] == ["", "AUX", "PART", "SPACE"]
    assert got[8].pos_ == "PRON"  # "that": WDT, and not a determiner
    assert [t.lemma_ for t in got][5:11] == ["go", "to", "", "", "you", ""]


@pytest.mark.parametrize(
    "pattern",
    [
        [{"TAG": "NN", "OP": "+"}],
        [{"POS": "NOUN"}],
        [{"LOWER": {"FUZZY": "gonna"}}],
        [{"LENGTH": {">=": 3}}],
        [{"_": {"actor": True}}],
        [{"IS_SPACE": {"IN": [True]}}],
        [{"TAG": True}],
    ],
)
def test_a_rule_it_cannot_reproduce_keeps_the_stock_ruler(pattern: list[dict[str, Any]]) -> None:
    blank, ruler = _ruler([{"patterns": [pattern], "attrs": {"LEMMA": "x"}}])
    with pytest.raises(UnsupportedRule):
        CompiledRules.compile(ruler)
    assert not speed_up_attribute_ruler(blank)
    assert blank.get_pipe("attribute_ruler") is ruler


def test_the_fast_ruler_refuses_to_run_without_rules() -> None:
    blank = spacy.blank("en")
    with pytest.raises(RuntimeError, match="adopt"):
        FastAttributeRuler("fast")(blank("text"))
