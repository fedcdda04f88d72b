"""Find the place names of a parsed text, and the part each plays in its sentence.

A name is a place mention when the place index knows it and the text uses it as a name: a spaCy
GPE, LOC or FAC entity, or a capitalised name (spaCy tags "Kyiv" PERSON and "Herat" ORG often
enough) that a place preposition or a place noun governs ("in Herat", "the city of Herat",
"Kaduna state"). Each mention says how it attaches (:class:`Role`): ``locative`` through a
place preposition ("protested in Tel Aviv", "a court in Moscow"), ``target`` as what is acted on
("shelled Kharkiv", "Kharkiv was shelled", "strikes on Rafah"), ``argument`` as a subject or
complement ("Moscow said"), ``modifier`` inside a noun phrase ("Gaza health officials", "Moscow's
decision").
Only a locative mention says where something happened; the seat of an actor ("Moscow said",
"Washington imposed") is an argument, never a location. Nothing here knows about actors or
events: the actor and place stages decide what each mention means to them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from spacy.attrs import POS
from spacy.parts_of_speech import PROPN
from spacy.tokens import Doc, Span, Token

from app.nlp.arrays import positions
from app.nlp.attach import phrase_anchor
from app.nlp.gazetteer import load_data
from app.nlp.places.index import Level, PlaceIndex, ResolvedPlace

Role = Literal["locative", "target", "argument", "modifier", "other"]

# Entity labels under which spaCy's English model puts place names of its own accord.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Labels that are never places, whatever the index says ("Russian", "Tuesday", "three").
# (spaCy's NORP is no such label: it tags "Punjab" and "Kidal" NORP now and then.)
_NOT_PLACES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "LANGUAGE"})
MAX_NAME_TOKENS = 5
# Nouns that say what kind of place a name is, when the name modifies them or is their "of" object.
_ADMIN1_NOUNS = frozenset({"province", "state", "region", "governorate", "oblast", "prefecture", "territory"})
_CITY_NOUNS = frozenset({"city", "town", "village", "capital", "port", "municipality", "suburb", "suburbs"})
# Nouns whose "of" object is where they are ("the outskirts of Kyiv", "the centre of Kharkiv").
_PART_NOUNS = frozenset(
    {"outskirts", "centre", "center", "heart", "streets", "part", "parts", "area", "areas", "coast", "waters", "shores"}
)
# Compass words: "20 km north of Mariupol" is near Mariupol.
_COMPASS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"})
# Words a multi-word place name may hold between capitalised ones ("Mocimboa da Praia", "Deir ez-Zor").
_NAME_JOINERS = frozenset({"da", "de", "del", "do", "dos", "el", "al", "ez", "es", "and", "-", "of", "la", "le"})
_TARGET_PREPS = frozenset({"on", "against", "upon"})
_TARGET_DEPS = frozenset({"dobj", "nsubjpass"})
_ARGUMENT_DEPS = frozenset({"nsubj", "iobj", "dative", "attr", "agent", "ROOT", "oprd", "appos"})
_MODIFIER_DEPS = frozenset({"compound", "amod", "poss", "nmod", "npadvmod"})
MAX_CLIMB = 6


@dataclass(frozen=True, slots=True)
class PlaceSpan:
    """A place name in the text, how it attaches to its sentence, and (once resolved) the place."""

    start: int  # token offsets, end exclusive
    end: int
    start_char: int
    end_char: int
    text: str
    head: int  # the name's own head token
    role: Role
    anchor: int | None  # the token its phrase attaches to: "protested" in "protested in X", "court" in "a court in X"
    preposition: str | None  # lower-cased, for locative and target mentions
    level: Level | None  # what the text says it is: "Kaduna state" -> admin1, "the city of Herat" -> city
    within: str | None  # the place written as containing it: "Paris, Texas" -> "Texas"
    entity: str | None  # spaCy's entity label, if spaCy tagged it
    place: ResolvedPlace | None = None

    @property
    def locative(self) -> bool:
        """True for a mention that says where something is or happens ("in Kyiv", "near Kherson")."""
        return self.role == "locative"


class PlaceFinder:
    """Find place mentions with one index and the gazetteer's place prepositions and nouns."""

    def __init__(self, index: PlaceIndex) -> None:
        self.index = index
        gazetteer = load_data()
        self.locative_preps = frozenset(p for p in gazetteer["locative_preps"] if " " not in p)
        self.place_nouns = frozenset(gazetteer["place_nouns"]) | _ADMIN1_NOUNS | _CITY_NOUNS

    def find(self, doc: Doc, known: Collection[int] = ()) -> list[PlaceSpan]:
        """Return the place mentions of ``doc`` in text order (unresolved: see :meth:`resolve`).

        ``known``: tokens the caller knows to be place names (the actor stage's capitals and places),
        taken whatever spaCy tagged them ("struck Kyiv", with Kyiv tagged PERSON).
        """
        ents = list(doc.ents)
        covered: set[int] = set()
        found: list[PlaceSpan] = []
        for ent in ents:
            covered.update(range(ent.start, ent.end))
            if ent.label_ in _NOT_PLACES:
                continue
            for start, end in self._names(doc, ent.start, ent.end):
                mention = self.mention(doc, start, end, ent.label_)
                if mention is not None and (
                    ent.label_ in PLACE_LABELS or start in known or self._named_as_place(mention)
                ):
                    found.append(mention)
        for start, end in _proper_runs(doc, covered):
            for s, e in self._names(doc, start, end):
                mention = self.mention(doc, s, e, None)
                if mention is not None and (self._named_as_place(mention) or s in known):
                    found.append(mention)
        found.sort(key=lambda m: m.start)
        return _fold_containers(found)

    def resolve(
        self,
        mentions: Sequence[PlaceSpan],
        context_countries: Collection[str] = (),
        context_of: Callable[[PlaceSpan], Collection[str]] | None = None,
    ) -> list[PlaceSpan]:
        """Return the mentions with ``place`` set where the index can tell which place each is.

        ``context_countries``: the countries of the article's actors; or ``context_of``, those for
        one mention (the actor stage reads "Georgia" itself as an actor: it must not vote for itself).
        The article's other places are the strong context: the names that only one country has
        are read first, and their countries then help with the rest ("Tripoli" beside "Beirut").
        """
        contexts = [context_countries if context_of is None else context_of(m) for m in mentions]
        first = [
            self.index.resolve(m.text, context, level=m.level, within=m.within)
            for m, context in zip(mentions, contexts, strict=True)
        ]
        # Only where things happen counts: "The United States and China agreed in Geneva" names two actors.
        sure = [
            p.country
            for m, p in zip(mentions, first, strict=True)
            if p is not None and not p.ambiguous and (m.locative or m.level is not None)
        ]
        resolved = []
        for mention, place, context in zip(mentions, first, contexts, strict=True):
            final = place
            if place is not None and place.ambiguous:
                final = self.index.resolve(
                    mention.text, context, place_countries=sure, level=mention.level, within=mention.within
                )
            resolved.append(replace(mention, place=final))
        return resolved

    # -- finding names -------------------------------------------------------------------------

    def _names(self, doc: Doc, start: int, end: int) -> Iterable[tuple[int, int]]:
        """Yield the longest known place names within tokens [start, end), left to right."""
        i = start
        while i < end:
            for j in range(min(end, i + MAX_NAME_TOKENS), i, -1):
                if doc[j - 1].lower_ in _NAME_JOINERS:
                    continue
                if self.index.knows(doc[i:j].text):
                    yield i, j
                    i = j
                    break
            else:
                i += 1  # a word that starts no name: "northern" in "northern Gaza", "the"

    def mention(self, doc: Doc, start: int, end: int, label: str | None = None) -> PlaceSpan | None:
        """Return the mention of the name over tokens [start, end), or None if it is not written as a name."""
        span = doc[start:end]
        if not span[0].text[:1].isupper():
            return None  # "the state of emergency": only a name written as one is a place
        role, anchor, preposition, level = self._attachment(span.root)
        return PlaceSpan(
            start=start,
            end=end,
            start_char=span.start_char,
            end_char=span.end_char,
            text=span.text,
            head=span.root.i,
            role=role,
            anchor=anchor,
            preposition=preposition,
            level=level or _level_after(doc, end, self.place_nouns),
            within=None,
            entity=label,
        )

    def _named_as_place(self, mention: PlaceSpan) -> bool:
        """True when the sentence may treat a name spaCy did not tag as a place as one: "the city of Herat",
        or "in Herat" and "bombed Khan Younis" (the caller decides whether the verb takes places) when it
        is a place's own name (GeoNames' alternates hold "Hamas" for Hamm)."""
        if mention.level is not None:
            return True  # "the town of Shire": the text says it is a place (GeoNames knows Shire by an old name)
        return mention.role in ("locative", "target") and self.index.has_main_name(mention.text)

    def _attachment(self, root: Token) -> tuple[Role, int | None, str | None, Level | None]:
        """Climb from a name to what its phrase attaches to, through place nouns and coordination."""
        token = root
        level: Level | None = None
        for _ in range(MAX_CLIMB):
            head = token.head
            if token.dep_ == "conj" and head.i != token.i:
                token = head  # "in Kyiv and Kharkiv": the first conjunct's attachment
            elif token.dep_ in ("compound", "amod") and head.lower_ in self.place_nouns:
                level = level or _noun_level(head.lower_)
                token = head  # "Kaduna state", "the Idlib countryside"
            elif (
                token.dep_ == "pobj"
                and head.lower_ == "of"
                and (head.head.lower_ in self.place_nouns or head.head.lower_ in _PART_NOUNS)
            ):
                level = level or _noun_level(head.head.lower_)
                token = head.head  # "the western city of Herat", "the outskirts of Kyiv"
            elif token.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in _COMPASS:
                return "locative", head.head.head.i, f"{head.head.lower_} of", level  # "20 km north of Mariupol"
            else:
                break
        if token.dep_ == "compound" and token.head.pos_ == "NOUN" and token.head.dep_ in ("pobj", *_TARGET_DEPS):
            token = token.head  # "at a Kyiv hospital", "raided the Jenin camp": where the noun is
            if token.dep_ in _TARGET_DEPS:
                return "target", token.head.i, None, level
        if token.dep_ == "pobj" and token.head.dep_ in ("prep", "agent", "dative", "conj"):
            attached, preposition = phrase_anchor(token)
            if preposition in self.locative_preps:
                return "locative", attached, preposition, level
            if preposition in _TARGET_PREPS:
                return "target", attached, preposition, level
            return "other", attached, preposition, level
        head = token.head
        if token.dep_ in _TARGET_DEPS:
            return "target", head.i, None, level
        if token.dep_ in _ARGUMENT_DEPS:
            return "argument", head.i, None, level
        if token.dep_ in _MODIFIER_DEPS:
            return "modifier", head.i, None, level
        return "other", head.i, None, level


def _noun_level(noun: str) -> Level | None:
    if noun in _ADMIN1_NOUNS:
        return "admin1"
    if noun in _CITY_NOUNS:
        return "city"
    return None


def _level_after(doc: Doc, end: int, place_nouns: frozenset[str]) -> Level | None:
    """The kind of place a lower-case noun right after a name gives ("Kaduna state", "Herat city")."""
    if end < len(doc) and doc[end].text.islower():
        return _noun_level(doc[end].lower_)
    return None


def _proper_runs(doc: Doc, covered: set[int]) -> list[tuple[int, int]]:
    """Return the runs of proper nouns outside the entities (with the joiners inside names)."""
    proper = positions(doc.to_array(POS) == PROPN) if len(doc) else []
    runs: list[tuple[int, int]] = []
    for i in proper:
        if i in covered:
            continue
        if runs and (runs[-1][1] == i or (runs[-1][1] == i - 1 and doc[i - 1].lower_ in _NAME_JOINERS)):
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def _fold_containers(mentions: list[PlaceSpan]) -> list[PlaceSpan]:
    """Fold "Paris, Texas" and "Kyiv, Ukraine" into one mention whose ``within`` is the container."""
    folded: list[PlaceSpan] = []
    for mention in mentions:
        if folded and _contains(folded[-1], mention):
            folded[-1] = replace(folded[-1], within=mention.text)
            continue
        folded.append(mention)
    return folded


def _contains(first: PlaceSpan, second: PlaceSpan) -> bool:
    """True when ``second`` follows ``first`` after a comma and hangs from it, as its container."""
    return (
        first.within is None
        and second.start == first.end + 1
        and second.role in ("other", "argument")
        and second.anchor is not None
        and first.start <= second.anchor < first.end
    )


def place_spans(doc: Doc, index: PlaceIndex, context_countries: Collection[str] = ()) -> list[PlaceSpan]:
    """Find and resolve the place mentions of ``doc`` (a convenience over :class:`PlaceFinder`)."""
    finder = PlaceFinder(index)
    return finder.resolve(finder.find(doc), context_countries)


def span_of(doc: Doc, mention: PlaceSpan) -> Span:
    """Return the spaCy span of a mention."""
    return doc[mention.start : mention.end]
