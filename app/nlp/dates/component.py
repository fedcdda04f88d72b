"""The date stage: give each stance the date its own clause gives (``DocStance.date``).

Runs after the stance stage. The document's date expressions are found once
(:mod:`app.nlp.dates.expressions`); each stance takes the best one its event owns
(:mod:`app.nlp.attach`: "struck Kyiv overnight", "met on July 10", not the "on Tuesday" of
"officials said on Tuesday"), read (:mod:`app.nlp.dates.reading`) against the article's date
(``doc._.article_date``), or, for "two days earlier", against the last day the text gave
before. Without an article date only absolute dates ("10 July 2023") are resolved; the others are
reported with ``value`` None. A clause that gives no date: no date, never the article's.
"""

from __future__ import annotations

from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Token

from app.nlp.attach import OWN, EventScope, sentence_of, stance_scopes
from app.nlp.dates.expressions import DateFinder, DateSpan
from app.nlp.dates.reading import Direction, Reading, read, warm_up
from app.nlp.extensions import register_extensions
from app.nlp.lexicon import load_lexicon
from app.nlp.pipes import DATES_PIPE
from app.nlp.types import CharSpan, DocStance, EventDate

_PRECISION_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3}
_ANCHOR_ORDER = {"absolute": 0, "article": 0, "previous": 1}
_FUTURE_AUXILIARIES = frozenset({"will", "'ll", "shall"})
# Verbs whose infinitive is yet to happen: "is scheduled to meet on Friday".
_FUTURE_VERBS = frozenset({"plan", "schedule", "expect", "intend", "due", "set", "prepare"})
MAX_CLIMB = 4


class DateStage:
    """spaCy component: sets ``stance.date`` for the stances of ``doc._.stances``."""

    def __init__(self, nlp: Language) -> None:
        register_extensions()
        self.finder = DateFinder(nlp.vocab)
        self.event_nouns = load_lexicon().lemmas.get("noun", frozenset())
        warm_up()

    def __call__(self, doc: Doc) -> Doc:
        """Date the stances of one document."""
        stances: list[DocStance] = doc._.stances or []
        if not stances:
            return doc
        dates = self.finder.find(doc)
        if not dates:
            return doc
        reader = _Reader(doc, dates, doc._.article_date)
        sentences = sentence_of(doc)
        by_sentence: dict[int, list[int]] = {}
        for position, found in enumerate(dates):
            by_sentence.setdefault(int(sentences[found.start]), []).append(position)
        for stance, scope in zip(stances, stance_scopes(doc, stances, self.event_nouns), strict=True):
            stance.date = self.date_of(doc, scope, by_sentence.get(stance.sentence, []), reader)
        return doc

    @staticmethod
    def date_of(doc: Doc, scope: EventScope, positions: list[int], reader: _Reader) -> EventDate | None:
        """Return the date the event owns among the expressions at ``positions`` (its sentence's), or None."""
        ranked = sorted(
            (rank, _PRECISION_ORDER[d.form.precision], _ANCHOR_ORDER[d.form.anchor], d.start, position)
            for position in positions
            if (rank := OWN if (d := reader.dates[position]).root in scope.heads else scope.rank(doc, d.anchor))
            is not None
        )
        for *_, position in ranked:
            found = reader.event_date(position)
            if found is not None:
                return found
        return None


class _Reader:
    """Read a document's date expressions on demand, each once."""

    def __init__(self, doc: Doc, dates: list[DateSpan], article_date: date | None) -> None:
        self.doc = doc
        self.dates = dates
        self.article_date = article_date
        self.readings: dict[int, Reading | None] = {}

    def event_date(self, position: int) -> EventDate | None:
        """Return the stance date of one expression; None when it names no date the parser knows."""
        span = self.dates[position]
        reading = self.reading(position)
        mention = CharSpan(span.start_char, span.end_char)
        relative = span.form.anchor != "absolute"
        if reading is None:
            if span.form.anchor == "absolute" or self._base(position) is not None:
                return None  # a base to read it from, yet unreadable: not a date after all
            return EventDate(mention, None, None, None, span.form.precision, relative)
        return EventDate(
            mention,
            reading.value,
            reading.first.isoformat(),
            reading.last.isoformat(),
            reading.precision,
            relative,
        )

    def reading(self, position: int) -> Reading | None:
        """Return what one expression resolves to (cached)."""
        if position not in self.readings:
            self.readings[position] = None  # a chain of "two days earlier" never loops
            span = self.dates[position]
            base = self._base(position)
            if span.form.anchor == "absolute":
                base = base or date(2000, 1, 1)  # unused by absolute forms
            self.readings[position] = None if base is None else read(span.form, base, self._direction(span))
        return self.readings[position]

    def _base(self, position: int) -> date | None:
        """The date an expression is read from: the article's, or the last day the text gave before."""
        form = self.dates[position].form
        if form.anchor == "article":
            return self.article_date
        if form.anchor == "absolute":
            return self.article_date
        for earlier in range(position - 1, -1, -1):
            if self.dates[earlier].form.precision != "day":
                continue
            reading = self.reading(earlier)
            if reading is not None and reading.precision == "day":
                return reading.first
        return None

    def _direction(self, span: DateSpan) -> Direction:
        return "future" if _future(self.doc[span.anchor]) else "past"


def _future(anchor: Token) -> bool:
    """True when the clause an expression modifies is yet to happen ("will meet on Friday")."""
    token = anchor
    for _ in range(MAX_CLIMB):
        if any(child.dep_ == "aux" and child.lower_ in _FUTURE_AUXILIARIES for child in token.children):
            return True
        if token.lemma_.lower() in _FUTURE_VERBS and token is not anchor:
            return True
        if token.dep_ not in ("xcomp", "prep", "pobj") or token.head.i == token.i:
            return False
        token = token.head
    return False


@Language.factory(DATES_PIPE)
def make_date_stage(nlp: Language, name: str) -> DateStage:
    """Create the date stage (dateparser's English data is loaded here, once per process)."""
    return DateStage(nlp)
