"""An exact, faster stand-in for the model's attribute ruler (tag to POS and morphology, exceptions).

spaCy's ``AttributeRuler`` runs each of its 179 rules through the ``Matcher`` at every token: 10 ms
of a 72 ms parse of the seed article. Every rule in the English models is a sequence of plain token
tests (equal, ``IN``, ``NOT_IN`` or ``REGEX`` on ``TAG``, ``LOWER``, ``DEP``, ``IS_SPACE``), so the
rules compile into lookups keyed by a token's tag, lower-case form or dependency. The matches are
handed to the stock ruler's own ``set_annotations`` in its order (later rules win), so the tokens
come out the same; a rule of any other shape leaves the stock ruler in place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.strings import StringStore, get_string_id
from spacy.tokens import Doc

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


class FastAttributeRuler:
    """Apply a stock ``AttributeRuler``'s rules through ``CompiledRules``; the same output, sooner."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._stock: AttributeRuler | None = None
        self._rules: CompiledRules | None = None

    def adopt(self, stock: AttributeRuler, rules: CompiledRules) -> None:
        """Apply ``rules`` (compiled from ``stock``) and ``stock``'s own way of setting attributes."""
        self._stock, self._rules = stock, rules

    def __call__(self, doc: Doc) -> Doc:
        if self._stock is None or self._rules is None:
            raise RuntimeError(f"{self.name} has no rules: adopt() the model's attribute ruler first")
        self._stock.set_annotations(doc, self._rules.match(doc))  # type: ignore[no-untyped-call]
        return doc


@Language.factory(COMPILED_ATTRIBUTE_RULER)
def make_fast_attribute_ruler(nlp: Language, name: str) -> FastAttributeRuler:
    return FastAttributeRuler(name)


def speed_up_attribute_ruler(nlp: Language, pipe: str = ATTRIBUTE_RULER) -> bool:
    """Replace ``nlp``'s attribute ruler by ``FastAttributeRuler``; False (and no change) if it can't."""
    if pipe not in nlp.pipe_names:
        return False
    stock = nlp.get_pipe(pipe)
    if not isinstance(stock, AttributeRuler):
        return False
    try:
        rules = CompiledRules.compile(stock)
    except UnsupportedRule:
        return False
    replacement = cast(FastAttributeRuler, nlp.replace_pipe(pipe, COMPILED_ATTRIBUTE_RULER))
    replacement.adopt(stock, rules)
    return True
