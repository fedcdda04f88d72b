"""Parse one CAMEO verb pattern line: ``- pre-verb words * post-verb words (PREP words) [code]``.

Elements of a pattern, as Stancewire reads them (PETRARCH's ``dictionaries.rst`` and TABARI):

- ``*`` stands for the verb: elements before it are pre-verb (usually the subject), after it
  post-verb (the object and what follows). Exactly one ``*``.
- A term: a bare word (``AID``), a ``_``-joined run of consecutive words (``AIR_STRIKE``), a
  synset reference (``&FOOD``), or a braced phrase ``{FINANCIAL AID}`` of modifiers and the head,
  head last; braced phrases may hold synsets (``{&MILITARY EQUIPMENT}``). Words are kept lower
  case; a synset reference keeps its ``&`` and upper-case label (``&FOOD``), without a final
  ``_``.
- A preposition phrase ``(FOR {FINANCIAL AID})``, ``(TO)``, ``(INTO $)``: the preposition, then
  terms and slots. ``(TO/FOR PROTEST)`` lists alternative prepositions (five upstream lines).
- Slots: ``$`` the source actor, ``+`` the target actor, ``^`` a noun phrase that is neither
  (TABARI's "skip": ``(IN ^)`` is "in some place"), ``%`` a compound actor that is both source
  and target (TABARI; one upstream line). A slot's place is ``pre``, ``post``, or
  ``prep:<preposition>`` when it sits inside a preposition phrase.
- The code: ``[070]``; ``[042:043]`` primary and paired code (the paired code is the reciprocal
  event, target to source: visit 042, host 043); ``[:173]`` only the paired event; ``[---]``
  the null code (no event). Codes are two to four digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Slot = Literal["$", "+", "^", "%"]
SLOTS: tuple[Slot, ...] = ("$", "+", "^", "%")

_CODE = re.compile(r"(?P<primary>\d{2,4}|---)?(?::(?P<paired>\d{2,4}|---))?")
_PATTERN = re.compile(r"-\s+(?P<body>.*?)\s*\[(?P<code>[^\[\]]*)\]\s*")
_WORD = re.compile(r"[A-Za-z0-9'./-]+")
_LABEL = re.compile(r"&[A-Z0-9][A-Z0-9_]*")


@dataclass(frozen=True, slots=True)
class Term:
    """A noun term: ``words`` lower case, head last; ``&LABEL`` items are synset references."""

    words: tuple[str, ...]
    braced: bool  # {MODIFIER HEAD}: modifiers of the head; otherwise consecutive words

    @property
    def head(self) -> str:
        """The head word (or synset reference): the last item."""
        return self.words[-1]

    @property
    def synset(self) -> str | None:
        """The synset label when the term is a single synset reference (``&FOOD`` -> FOOD)."""
        return self.words[0][1:] if len(self.words) == 1 and is_synset_ref(self.words[0]) else None


@dataclass(frozen=True, slots=True)
class PrepPhrase:
    """A preposition phrase: its preposition(s), terms and slots."""

    preps: tuple[str, ...]  # alternatives, lower case: ("for",), ("to", "for")
    terms: tuple[Term, ...]
    slots: tuple[Slot, ...]
    before_verb: bool

    @property
    def prep(self) -> str:
        """The (first) preposition."""
        return self.preps[0]


Element = Term | PrepPhrase | Slot | Literal["*"]


@dataclass(frozen=True, slots=True)
class VerbPattern:
    """One pattern line of a verb block."""

    line: int
    text: str  # the pattern as written (blanks collapsed), without its comment
    code: str | None  # None: the null code (no event)
    paired_code: str | None
    pre: tuple[Term, ...]
    post: tuple[Term, ...]
    preps: tuple[PrepPhrase, ...]
    source_slot: str | None  # "pre", "post" or "prep:<preposition>"
    target_slot: str | None
    compound_slot: str | None
    skip_slots: tuple[str, ...]
    elements: tuple[Element, ...]  # everything in written order
    comment: str
    source: str  # the file's name


def is_synset_ref(item: str) -> bool:
    """True for a synset reference item (``&FOOD``)."""
    return item.startswith("&")


def parse_event_code(text: str) -> tuple[str | None, str | None]:
    """Parse ``070``, ``042:043``, ``:173`` or ``---`` into (code, paired); ValueError otherwise."""
    match = _CODE.fullmatch(text.strip())
    if match is None or not text.strip():
        raise ValueError(f"event code [{text}] is not NNN, NNN:NNN, :NNN or ---")

    def value(part: str | None) -> str | None:
        return None if part in (None, "---") else part

    return value(match["primary"]), value(match["paired"])


def _item(token: str) -> tuple[str, ...]:
    """Split a token into items: ``_``-joined lower-case words, then a synset reference.

    A synset reference runs to the end of its token, since labels may hold ``_``
    (``&FIGHT_OF_WORDS``); ``FIGHTER_&AIRCRAFT`` is the word "fighter" then ``&AIRCRAFT``.
    """
    words, amp, label = token.partition("&")
    items: list[str] = []
    for part in words.split("_"):
        if not part:
            continue
        if not _WORD.fullmatch(part):
            raise ValueError(f"unexpected {part!r} in a pattern")
        items.append(part.lower())
    if amp:
        reference = "&" + label.rstrip("_")
        if not _LABEL.fullmatch(reference):
            raise ValueError(f"malformed synset reference {token!r}")
        items.append(reference)
    if not items:
        raise ValueError(f"empty word {token!r}")
    return tuple(items)


def _tokens(body: str) -> list[str]:
    return re.sub(r"([{}()])", r" \1 ", body).split()


class _Parser:
    """Recursive-descent parser over the tokens of one pattern body."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def elements(self) -> list[Element]:
        elements: list[Element] = []
        before_verb = True
        while (token := self.peek()) is not None:
            if token == "*":
                self.take()
                if not before_verb:
                    raise ValueError("more than one '*'")
                before_verb = False
                elements.append("*")
            elif token == "(":
                self.take()
                elements.append(self.prep_phrase(before_verb))
            elif token in ("}", ")"):
                raise ValueError(f"unbalanced {token!r}")
            elif token == "{":
                self.take()
                elements.append(self.braced())
            elif token in SLOTS:
                elements.append(self.slot())
            else:
                elements.append(Term(_item(self.take()), braced=False))
        if before_verb:
            raise ValueError("no '*' (the verb) in the pattern")
        return elements

    def slot(self) -> Slot:
        token = self.take()
        for slot in SLOTS:
            if token == slot:
                return slot
        raise ValueError(f"not a slot: {token!r}")

    def braced(self) -> Term:
        items: list[str] = []
        while (token := self.peek()) != "}":
            if token is None or token in ("{", "(", ")", "*", *SLOTS):
                raise ValueError("unclosed '{' or a slot inside braces")
            items.extend(_item(self.take()))
        self.take()
        if not items:
            raise ValueError("empty braces")
        return Term(tuple(items), braced=True)

    def prep_phrase(self, before_verb: bool) -> PrepPhrase:
        head = self.peek()
        if head is None or not _WORD.fullmatch(head):
            raise ValueError("a preposition phrase must start with its preposition")
        preps = tuple(part.lower() for part in self.take().split("/"))
        if not all(preps):
            raise ValueError(f"malformed preposition {head!r}")
        terms: list[Term] = []
        slots: list[Slot] = []
        while (token := self.peek()) != ")":
            if token is None or token in ("(", "*", "}"):
                raise ValueError("unclosed '(' in the pattern")
            if token == "{":
                self.take()
                terms.append(self.braced())
            elif token in SLOTS:
                slots.append(self.slot())
            else:
                terms.append(Term(_item(self.take()), braced=False))
        self.take()
        return PrepPhrase(preps, tuple(terms), tuple(slots), before_verb)


def _slot_places(elements: list[Element]) -> dict[Slot, list[str]]:
    places: dict[Slot, list[str]] = {slot: [] for slot in SLOTS}
    side = "pre"
    for element in elements:
        if element == "*":
            side = "post"
        elif isinstance(element, PrepPhrase):
            for slot in element.slots:
                places[slot].append(f"prep:{element.prep}")
        elif isinstance(element, str):
            places[element].append(side)
    return places


def build_pattern(
    elements: list[Element],
    *,
    line: int,
    text: str,
    code: str | None,
    paired_code: str | None,
    comment: str,
    source: str,
) -> VerbPattern:
    """Assemble a pattern from its elements in written order (ValueError on repeated slots)."""
    places = _slot_places(elements)
    for slot in ("$", "+", "%"):
        if len(places[slot]) > 1:
            raise ValueError(f"more than one {slot!r} slot")
    verb_at = elements.index("*")
    return VerbPattern(
        line=line,
        text=text,
        code=code,
        paired_code=paired_code,
        pre=tuple(e for e in elements[:verb_at] if isinstance(e, Term)),
        post=tuple(e for e in elements[verb_at:] if isinstance(e, Term)),
        preps=tuple(e for e in elements if isinstance(e, PrepPhrase)),
        source_slot=next(iter(places["$"]), None),
        target_slot=next(iter(places["+"]), None),
        compound_slot=next(iter(places["%"]), None),
        skip_slots=tuple(places["^"]),
        elements=tuple(elements),
        comment=comment,
        source=source,
    )


def parse_pattern(text: str, line: int, source: str = "") -> VerbPattern:
    """Parse one pattern line (with its ``#`` comment); raise ValueError saying what is wrong."""
    body_text, _, comment = text.partition("#")
    match = _PATTERN.fullmatch(body_text)
    if match is None:
        raise ValueError("a pattern is '- words * words [code]' with nothing after the code but a comment")
    code, paired = parse_event_code(match["code"])
    elements = _Parser(_tokens(match["body"])).elements()
    return build_pattern(
        elements,
        line=line,
        text=" ".join(body_text.split()),
        code=code,
        paired_code=paired,
        comment=comment.strip(),
        source=source,
    )
