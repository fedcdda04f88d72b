"""The compiled attribute ruler: the stock ruler's matches and attributes, saved and loaded as spaCy's own."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from app.api.examples import SEED_SENTENCE
from app.evaluation import DEFAULT_GOLD, SEED_ARTICLE_PATH, load_gold
from app.nlp.attribute_rules import CompiledAttributeRuler, CompiledRules, UnsupportedRule, compile_attribute_ruler
from app.nlp.pipeline import OWN_PIPES, analyze_texts, load_pipeline
from app.nlp.pipes import ATTRIBUTE_RULER, COMPILED_ATTRIBUTE_RULER
from tests.support import MODEL

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
    ruler = stock.get_pipe(ATTRIBUTE_RULER)
    rules = CompiledRules.compile(ruler)
    total = 0
    for doc in stock.pipe(_corpus(), disable=[ATTRIBUTE_RULER, "lemmatizer", "ner"]):
        expected = ruler.match(doc)
        assert rules.match(doc) == expected, doc.text[:80]
        total += len(expected)
    assert total > 5_000  # about one per token: the comparison is not vacuous


def test_the_stancewire_pipeline_tags_tokens_exactly_as_the_stock_model(stock: Language, nlp: Language) -> None:
    ruler = nlp.get_pipe(ATTRIBUTE_RULER)
    assert isinstance(ruler, CompiledAttributeRuler) and ruler.compiled_rules() is not None
    assert nlp.pipe_names[: len(stock.pipe_names)] == stock.pipe_names
    texts = _corpus()
    ours = nlp.pipe(texts, disable=list(OWN_PIPES.values()))
    assert _attributes(ours) == _attributes(stock.pipe(texts))


@pytest.fixture(scope="module")
def saved(nlp: Language, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Stancewire pipeline written with ``nlp.to_disk()``."""
    path = tmp_path_factory.mktemp("saved") / "pipeline"
    nlp.to_disk(path)
    return path


def test_a_saved_pipeline_loads_back_with_its_rules_and_analyses_the_same(nlp: Language, saved: Path) -> None:
    loaded = spacy.load(saved)
    assert loaded.pipe_names == nlp.pipe_names
    ruler = loaded.get_pipe(ATTRIBUTE_RULER)
    assert isinstance(ruler, CompiledAttributeRuler) and ruler.compiled_rules() is not None
    assert ruler.patterns == nlp.get_pipe(ATTRIBUTE_RULER).patterns
    texts = [SEED_ARTICLE, *EXCEPTIONS]
    assert [r.analysis for r in analyze_texts(loaded, texts)] == [r.analysis for r in analyze_texts(nlp, texts)]


def test_spacy_loads_a_saved_pipeline_in_a_fresh_process_by_its_registered_factories(
    nlp: Language, saved: Path
) -> None:
    # Nothing of app is imported before spacy.load: the package's spacy_factories entry points find the components.
    script = (
        "import spacy, sys, orjson\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "doc = nlp(sys.argv[2])\n"
        "from app.nlp.serialize import serialize_doc\n"
        "ruler = type(nlp.get_pipe('attribute_ruler')).__name__\n"
        "sys.stdout.buffer.write(orjson.dumps({'ruler': ruler, 'analysis': serialize_doc(doc)}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(saved), SEED_SENTENCE], capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    loaded = orjson.loads(done.stdout)
    assert loaded["ruler"] == CompiledAttributeRuler.__name__
    (expected,) = analyze_texts(nlp, [SEED_SENTENCE])
    assert loaded["analysis"] == expected.analysis
    assert {stance["event"] for stance in loaded["analysis"]["stances"]} >= {"REQUEST"}


def test_the_stock_ruler_stays_when_the_compiled_one_is_turned_off(stock: Language) -> None:
    plain = load_pipeline(MODEL, compiled_attribute_ruler=False)
    assert type(plain.get_pipe(ATTRIBUTE_RULER)) is AttributeRuler
    texts = [SEED_ARTICLE, *EXCEPTIONS]
    assert _attributes(plain.pipe(texts, disable=list(OWN_PIPES.values()))) == _attributes(stock.pipe(texts))


def _ruler(patterns: list[dict[str, Any]], factory: str = ATTRIBUTE_RULER) -> tuple[Language, AttributeRuler]:
    blank = spacy.blank("en")
    ruler = blank.add_pipe(factory, name=ATTRIBUTE_RULER)
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
    compiled = compile_attribute_ruler(blank)
    assert compiled is not None and compiled.compiled_rules() is not None
    got = compiled(_doc(blank))
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
        [{"ENT_TYPE": "GPE"}],
        [{"IS_SPACE": {"IN": [True]}}],
        [{"TAG": True}],
    ],
)
def test_a_rule_it_cannot_reproduce_is_matched_by_the_stock_matcher(pattern: list[dict[str, Any]]) -> None:
    blank, ruler = _ruler([*RULES, {"patterns": [pattern], "attrs": {"LEMMA": "x"}}], COMPILED_ATTRIBUTE_RULER)
    with pytest.raises(UnsupportedRule):
        CompiledRules.compile(ruler)
    assert isinstance(ruler, CompiledAttributeRuler) and ruler.compiled_rules() is None
    assert ruler.match(_doc(blank)) == AttributeRuler.match(ruler, _doc(blank))


def test_rules_added_or_cleared_after_the_first_match_are_compiled_again() -> None:
    blank, ruler = _ruler(RULES[:1], COMPILED_ATTRIBUTE_RULER)
    assert isinstance(ruler, CompiledAttributeRuler)
    first = ruler.match(_doc(blank))
    ruler.add_patterns(RULES[1:])
    assert ruler.match(_doc(blank)) == AttributeRuler.match(ruler, _doc(blank)) != first
    ruler.clear()
    assert ruler.match(_doc(blank)) == []
