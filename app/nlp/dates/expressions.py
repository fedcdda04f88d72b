"""Find the date expressions of a parsed text and tell what kind of date each gives.

spaCy's DATE and TIME entities, and the words it leaves out ("overnight", "yesterday"), are
read into a :class:`Form`: which day, week, month or year the words name, and against what
(nothing: "10 July 2023"; the article's date: "on Tuesday", "last week"; a date the text gave
before: "two days earlier"). What names no point in time is left out: durations ("for two weeks",
"16 years"), spans ("since 2014", "by Friday"), vague times ("in recent days").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
from spacy.attrs import LOWER
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from app.nlp.arrays import is_one_of, positions
from app.nlp.attach import phrase_anchor
from app.nlp.types import DatePrecision

Anchor = Literal["absolute", "article", "previous"]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_ABBREVIATIONS = {m[:3]: m for m in MONTHS} | {"sept": "september"}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
# Words spaCy seldom tags DATE that give a day on their own (phrases: DateFinder's patterns).
EXTRA_WORDS = frozenset({"overnight", "yesterday", "today", "tonight"})
# A date under one of these prepositions bounds a span or a deadline, not the event's day.
SPAN_PREPOSITIONS = frozenset(
    {"since", "until", "till", "by", "for", "within", "before", "after", "from", "to", "through", "between", "ahead"}
)
# Dependencies by which a date expression modifies an event: a prepositional object, a bare noun
# phrase ("Tuesday", "last week"), an adverb ("overnight"), a noun modifier ("Sunday's vote").
_MODIFIER_DEPS = frozenset({"pobj", "npadvmod", "tmod", "advmod", "nmod", "compound", "poss", "amod", "appos"})

_MONTH = "|".join(MONTHS)
_DAY = "|".join(WEEKDAYS)
_NUMBER = r"\d+|" + "|".join(_NUMBERS)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("iso", r"^(?P<iso>\d{4}-\d{2}-\d{2})$"),
        (
            "day",
            rf"^(?:(?:{_DAY}),? )?(?:(?P<m1>{_MONTH}) (?P<d1>\d{{1,2}})|(?P<d2>\d{{1,2}}) (?:of )?(?P<m2>{_MONTH}))"
            rf"(?:,? (?P<year>\d{{4}}))?$",
        ),
        (
            "month",
            rf"^(?:(?P<part>early|mid|late) )?(?:(?P<rel>last|this|next) )?(?P<month>{_MONTH})(?: (?P<year>\d{{4}}))?$",
        ),
        ("year", r"^(?:(?P<part>early|mid|late) )?(?P<year>(?:19|20)\d{2})$"),
        (
            "weekday",
            rf"^(?:(?:early|late|earlier|later) )?(?:on )?(?:(?P<rel>last|this|next|past) )?(?P<weekday>{_DAY})"
            r"(?: (?:morning|afternoon|evening|night|overnight))?$",
        ),
        ("word", r"^(?P<word>yesterday|today|tonight|overnight|last night|this (?:morning|afternoon|evening))$"),
        ("earlier", r"^(?:earlier|later) (?P<word>today|this (?:morning|afternoon|evening|week|month|year))$"),
        ("period", r"^(?P<rel>last|this|next) (?P<unit>week|month|year|weekend)$"),
        ("weekend", r"^(?:the |this )?weekend$"),
        ("ago", rf"^(?P<n>{_NUMBER}) (?P<unit>day|week|month|year)s? ago$"),
        ("shift", rf"^(?P<n>{_NUMBER}) (?P<unit>day|week|month|year)s? (?P<dir>earlier|later|before|after)$"),
        ("next", r"^(?:the )?(?P<dir>previous|next|following) (?P<unit>day|week|month)$"),
        ("same", r"^(?:the )?day (?P<dir>before|after)$"),
    )
)


@dataclass(frozen=True, slots=True)
class Form:
    """What a date expression names, before it is read against a date."""

    kind: str  # the pattern that matched: iso, day, month, year, weekday, word, period, ago, shift, ...
    text: str  # the normalised words, for the parser
    groups: dict[str, str]
    anchor: Anchor
    precision: DatePrecision


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A date expression of the text, what it attaches to, and what it names."""

    start: int  # token offsets, end exclusive
    end: int
    start_char: int
    end_char: int
    text: str
    anchor: int  # the token the expression modifies ("struck" in "struck ... overnight")
    root: int  # the expression's own head token ("day" in "the following day")
    form: Form


def normalise(text: str) -> str:
    """Lower-case, spell months and numbers out, drop ordinal suffixes and punctuation but hyphens."""
    words = re.sub(r"[^\w\s-]", " ", text.lower().replace("mid-", "mid ")).split()
    out = []
    for word in words:
        plain = re.sub(r"^(\d{1,2})(?:st|nd|rd|th)$", r"\1", word)
        out.append(_MONTH_ABBREVIATIONS.get(plain, plain))
    while out and out[0] in ("on", "in", "at", "during", "over", "the", "of", "early", "late") and len(out) > 1:
        if out[0] in ("early", "late") and out[1] in (*MONTHS, "last", "this", "next"):
            break  # "early March" keeps its part of the month (the precision stays a month)
        out.pop(0)
    return " ".join(out)


def read_form(text: str) -> Form | None:
    """Return what a date expression names, or None when it names no point in time."""
    words = normalise(text)
    for kind, pattern in _PATTERNS:
        match = pattern.match(words)
        if match is None:
            continue
        groups = {k: v for k, v in match.groupdict().items() if v}
        return Form(kind, words, groups, _anchor(kind, groups), _precision(kind, groups))
    return None


def number(word: str) -> int:
    """Return the value of a number written in digits or in words ("two", "a")."""
    return int(word) if word.isdigit() else _NUMBERS[word]


def _anchor(kind: str, groups: dict[str, str]) -> Anchor:
    if kind in ("iso", "year") or (kind in ("day", "month") and "year" in groups):
        return "absolute"
    if kind in ("shift", "next", "same"):
        return "previous"
    return "article"


def _precision(kind: str, groups: dict[str, str]) -> DatePrecision:
    if kind in ("month", "year"):
        return kind  # type: ignore[return-value]
    if kind in ("period", "ago", "shift", "next"):
        unit = groups["unit"]
        return "week" if unit == "weekend" else unit  # type: ignore[return-value]
    if kind == "earlier" and groups["word"].split()[-1] in ("week", "month", "year"):
        return groups["word"].split()[-1]  # type: ignore[return-value]
    if kind == "weekend":
        return "week"
    return "day"


_UNITS = frozenset({"day", "days", "week", "weeks", "month", "months", "year", "years"})
_COUNTS = frozenset({*_NUMBERS, *map(str, range(1, 32))})
_ORDER_WORDS = frozenset({"following", "next", "previous"})
_SHIFT_WORDS = frozenset({"earlier", "later", "before", "after", "ago"})


class DateFinder:
    """Find date expressions: spaCy's DATE and TIME entities, and the phrases it leaves untagged.

    Those phrases ("overnight", "the following day", "the day before", "two days later") are found
    from the few words they need ("day", "week", ...), on the doc's arrays: no matcher walks every token.
    """

    def __init__(self, vocab: Vocab) -> None:
        self.strings = vocab.strings

    def find(self, doc: Doc) -> list[DateSpan]:
        """Return the date expressions of ``doc`` that can date an event, in text order."""
        spans: list[Span] = [ent for ent in doc.ents if ent.label_ in ("DATE", "TIME")]
        taken = {i for span in spans for i in range(span.start, span.end)}
        for start, end in self._phrases(doc):
            if taken.isdisjoint(range(start, end)):
                spans.append(doc[start:end])
                taken.update(range(start, end))
        found: list[DateSpan] = []
        for span in sorted(spans, key=lambda s: s.start):
            date = _date_span(span)
            if date is not None:
                found.append(date)
        return found

    def _phrases(self, doc: Doc) -> list[tuple[int, int]]:
        lower = doc.to_array(LOWER).astype(np.uint64, copy=False)
        found = [(i, i + 1) for i in positions(is_one_of(lower, EXTRA_WORDS, self.strings))]

        def word(j: int) -> str:  # read only around the few unit words
            return doc[j].lower_ if 0 <= j < len(doc) else ""

        for i in positions(is_one_of(lower, _UNITS, self.strings)):
            before, after = word(i - 1), word(i + 1)
            if before in _ORDER_WORDS and word(i - 2) == "the":
                found.append((i - 2, i + 1))  # "the following day"
            elif word(i) == "day" and before == "the" and after in ("before", "after"):
                found.append((i - 1, i + 2))  # "the day before"
            elif before in _COUNTS and after in _SHIFT_WORDS:
                found.append((i - 1, i + 2))  # "two days later"
        return found


def _date_span(span: Span) -> DateSpan | None:
    root = span.root
    if root.dep_ not in _MODIFIER_DEPS:
        return None
    anchor, preposition = phrase_anchor(root)
    if preposition in SPAN_PREPOSITIONS:
        return None
    form = read_form(span.text)
    if form is None:
        return None
    return DateSpan(
        start=span.start,
        end=span.end,
        start_char=span.start_char,
        end_char=span.end_char,
        text=span.text,
        anchor=anchor,
        root=root.i,
        form=form,
    )
