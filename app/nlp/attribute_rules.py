"""An exact, faster stand-in for the model's attribute ruler (tag to POS and morphology, exceptions).

spaCy's ``AttributeRuler`` runs each of its 179 rules through the ``Matcher`` at every token: 10 ms
of a 72 ms parse of the seed article. Every rule in the English models is a sequence of plain token
tests (equal, ``IN``, ``NOT_IN`` or ``REGEX`` on ``TAG``, ``LOWER``, ``DEP``, ``IS_SPACE``), so the
rules compile into lookups keyed by a token's tag, lower-case form or dependency. The matches are
set by the stock ruler's own code in its order (later rules win), so the tokens come out the same.
``CompiledAttributeRuler`` is that ruler with only its matching replaced; while any rule has another
shape, it matches with the stock ``Matcher``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.pipeline.attributeruler import attribute_ruler_score
from spacy.strings import StringStore, get_string_id
from spacy.tokens import Doc
from spacy.vocab import Vocab

from app.nlp.pipes import ATTRIBUTE_RULER, COMPILED_ATTRIBUTE_RULER

# The token attributes a rule may test, and their column in ``doc.to_array``.
_COLUMNS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
_ARRAY_ATTRS = [TAG, LOWER, DEP, IS_SPACE]
# Which test a rule is looked up by, best first: the most selective equalities.
_INDEX_PREFERENCE = (
    ("TAG", "eq"),
    ("LOWER", "eq"),
    ("LOWER", "in"),
    ("TAG", "in"),
    ("DEP", "eq"),
    ("DEP", "in"),
    ("IS_SPACE", "eq"),
)

Row = Sequence[int]
TokenTest = Callable[[Row, StringStore], bool]


class UnsupportedRule(ValueError):
    """A rule uses a key or operator this compiler does not reproduce exactly."""


@dataclass(frozen=True, slots=True)
class _Rule:
    attr_id: int  # the stock ruler's rule number: later numbers take precedence
    match_id: int  # the stock matcher's key for the rule
    first: tuple[TokenTest, ...]  # the tests on the token a match starts at
    rest: tuple[tuple[TokenTest, ...], ...]  # the tests on each following token

    @property
    def length(self) -> int:
        return 1 + len(self.rest)


def _array_value(value: str | bool) -> int:
    """The value ``doc.to_array`` holds for ``value``: a flag's 0 or 1, a string's hash ("" is 0)."""
    return int(value) if isinstance(value, bool) else get_string_id(value)


def _test(column: int, operator: str, value: Any) -> TokenTest:
    # The Matcher compares string attributes by their hash; so do these.
    if operator == "eq":
        wanted = _array_value(value)
        return lambda row, strings: row[column] == wanted
    if operator in ("in", "not_in"):
        members = frozenset(_array_value(item) for item in value)
        if operator == "in":
            return lambda row, strings: row[column] in members
        return lambda row, strings: row[column] not in members
    pattern = re.compile(value)
    return lambda row, strings: pattern.search(strings[row[column]]) is not None


def _parse_token(spec: object) -> list[tuple[str, str, Any]]:
    """Return ``(attribute, operator, value)`` for each test in one token's pattern."""
    if not isinstance(spec, dict):
        raise UnsupportedRule(f"token pattern {spec!r}")
    tests = []
    for attribute, value in spec.items():
        if attribute not in _COLUMNS:
            raise UnsupportedRule(f"token attribute {attribute!r}")
        if isinstance(value, dict):
            if attribute == "IS_SPACE" or len(value) != 1 or next(iter(value)) not in ("IN", "NOT_IN", "REGEX"):
                raise UnsupportedRule(f"operator {value!r}")
            operator, operand = next(iter(value.items()))
            tests.append((attribute, operator.lower(), operand))
        elif isinstance(value, bool if attribute == "IS_SPACE" else str):
            tests.append((attribute, "eq", value))
        else:
            raise UnsupportedRule(f"value {value!r} for {attribute}")
    return tests


@dataclass(slots=True)
class CompiledRules:
    """The stock ruler's rules, indexed by the value one of their first token's tests requires."""

    by_column: tuple[dict[int, list[_Rule]], ...]  # per column: required value -> rules
    unindexed: list[_Rule]

    @classmethod
    def compile(cls, ruler: AttributeRuler) -> CompiledRules:
        """Compile every rule of ``ruler``; raise ``UnsupportedRule`` if one cannot be reproduced."""
        by_column: tuple[dict[int, list[_Rule]], ...] = tuple({} for _ in _COLUMNS)
        unindexed: list[_Rule] = []
        for attr_id, entry in enumerate(ruler.patterns):
            match_id = ruler.vocab.strings[str(attr_id)]
            for pattern in cast(list[object], entry["patterns"]):
                if not isinstance(pattern, list) or not pattern:
                    raise UnsupportedRule(f"pattern {pattern!r}")
                parsed = [_parse_token(spec) for spec in pattern]
                key = next((t for pref in _INDEX_PREFERENCE for t in parsed[0] if (t[0], t[1]) == pref), None)
                # The lookup by ``key`` already did that test: the rule keeps only the others.
                first = tuple(_test(_COLUMNS[t[0]], t[1], t[2]) for t in parsed[0] if t is not key)
                rest = tuple(tuple(_test(_COLUMNS[a], op, v) for a, op, v in tests) for tests in parsed[1:])
                rule = _Rule(attr_id=attr_id, match_id=match_id, first=first, rest=rest)
                if key is None:
                    unindexed.append(rule)
                    continue
                attribute, operator, value = key
                index = by_column[_COLUMNS[attribute]]
                for item in [value] if operator == "eq" else value:
                    index.setdefault(_array_value(item), []).append(rule)
        return cls(by_column=by_column, unindexed=unindexed)

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """Return ``(rule number, match key, start, end)`` for every match, as the stock ruler sorts them."""
        rows = doc.to_array(_ARRAY_ATTRS).tolist()
        strings = doc.vocab.strings
        found: list[tuple[int, int, int, int]] = []
        for start, row in enumerate(rows):
            for column, index in enumerate(self.by_column):
                rules = index.get(row[column])
                if rules:
                    self._collect(rules, rows, start, strings, found)
            self._collect(self.unindexed, rows, start, strings, found)
        found.sort()
        return found

    @staticmethod
    def _collect(
        rules: list[_Rule],
        rows: list[list[int]],
        start: int,
        strings: StringStore,
        found: list[tuple[int, int, int, int]],
    ) -> None:
        row = rows[start]
        for rule in rules:
            if rule.first and not _passes(rule.first, row, strings):
                continue
            end = start + rule.length
            if rule.rest:
                if end > len(rows):
                    continue
                if not all(_passes(tests, rows[start + offset], strings) for offset, tests in enumerate(rule.rest, 1)):
                    continue
            found.append((rule.attr_id, rule.match_id, start, end))


def _passes(tests: tuple[TokenTest, ...], row: Row, strings: StringStore) -> bool:
    # A plain loop: all() over a generator costs twice as much, and this runs for most tokens.
    for test in tests:  # noqa: SIM110
        if not test(row, strings):
            return False
    return True


class CompiledAttributeRuler(AttributeRuler):
    """spaCy's ``AttributeRuler`` whose rules are matched through ``CompiledRules``: the same matches, sooner.

    Only the matching is its own; adding rules, setting the attributes, the config and serialisation
    (``to_disk``, ``from_disk``, bytes) are the stock ruler's. The rules are compiled on first use and
    again whenever they change; rules of a shape ``CompiledRules`` does not reproduce are matched by
    the stock ``Matcher``.
    """

    def __init__(
        self,
        vocab: Vocab,
        name: str = ATTRIBUTE_RULER,
        *,
        validate: bool = False,
        scorer: Callable[..., dict[str, Any]] | None = attribute_ruler_score,
    ) -> None:
        super().__init__(vocab, name, validate=validate, scorer=scorer)
        self._compiled: CompiledRules | None = None
        self._compiled_for: tuple[Matcher, int, int] | None = None  # the matcher and rule counts compiled

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """Return the stock ruler's matches, ``(rule number, match key, start, end)`` in its order."""
        rules = self.compiled_rules()
        if rules is None:
            return cast(list[tuple[int, int, int, int]], super().match(doc))
        return rules.match(doc)

    def compiled_rules(self) -> CompiledRules | None:
        """The rules as compiled now, or None when one of them cannot be (the ``Matcher`` matches them)."""
        # clear() and from_disk() put in a new Matcher, add() adds a rule: compile again after either.
        counts = (len(self.matcher), len(self.attrs))
        if self._compiled_for is None or self._compiled_for != (self.matcher, *counts):
            try:
                self._compiled = CompiledRules.compile(self)
            except UnsupportedRule:
                self._compiled = None
            self._compiled_for = (self.matcher, *counts)
        return self._compiled


@Language.factory(
    COMPILED_ATTRIBUTE_RULER,
    default_config={"validate": False, "scorer": {"@scorers": "spacy.attribute_ruler_scorer.v1"}},
)
def make_compiled_attribute_ruler(
    nlp: Language, name: str, validate: bool, scorer: Callable[..., dict[str, Any]] | None
) -> CompiledAttributeRuler:
    """Create an attribute ruler that matches its rules through compiled lookups (configured as spaCy's own)."""
    return CompiledAttributeRuler(nlp.vocab, name, validate=validate, scorer=scorer)


def compile_attribute_ruler(nlp: Language) -> CompiledAttributeRuler | None:
    """Put a ``CompiledAttributeRuler`` with the same rules in place of ``nlp``'s stock attribute ruler.

    Return it, or None (and change nothing) when ``nlp`` has no stock attribute ruler.
    """
    if ATTRIBUTE_RULER not in nlp.pipe_names or type(stock := nlp.get_pipe(ATTRIBUTE_RULER)) is not AttributeRuler:
        return None
    config = {"validate": stock.validate}
    compiled = cast(CompiledAttributeRuler, nlp.replace_pipe(ATTRIBUTE_RULER, COMPILED_ATTRIBUTE_RULER, config=config))
    compiled.add_patterns(stock.patterns)
    return compiled
