"""Plain records the extraction stages exchange through ``Doc`` extensions.

The actor stage fills ``doc._.actors`` and ``doc._.actor_mentions``; the stance stage reads
them and fills ``doc._.stances``. ``app.nlp.serialize`` turns all three into the v1 JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from app.nlp.taxonomy import ActorKind

MentionVia = Literal["name", "demonym", "capital", "seat", "acronym", "title", "nominal", "pronoun"]
Modality = Literal["asserted", "negated", "hypothetical", "intended", "requested", "alleged"]
PlaceLevel = Literal["country", "admin1", "city"]
DatePrecision = Literal["day", "week", "month", "year"]


@dataclass(slots=True)
class ActorMention:
    """One place in the text where an actor is named or referred to."""

    actor_id: str
    start: int  # character offsets into doc.text
    end: int
    token_start: int  # token offsets into the doc, end exclusive
    token_end: int
    head_i: int  # the token through which the mention takes part in syntax
    sentence: int
    via: MentionVia = "name"


@dataclass(slots=True)
class PlaceMention:
    """A name the text uses for a place where something happens ("in Kharkiv"), not for an actor."""

    start: int  # character offsets into doc.text
    end: int
    token_start: int  # token offsets into the doc, end exclusive
    token_end: int
    head_i: int
    sentence: int
    country: str  # ISO alpha-3 of the country the place lies in
    via: str  # how the gazetteer knows it: capital, seat, province, city


@dataclass(slots=True)
class DocActor:
    """One real-world actor with every mention folded into it."""

    id: str
    name: str
    kind: ActorKind
    country: str | None = None
    sector: str | None = None
    title: str | None = None
    mentions: list[ActorMention] = field(default_factory=list)
    salience: float = 0.0


@dataclass(slots=True)
class CharSpan:
    """A character span of the submitted text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Location:
    """Where an event happened: the place the text names in the event's clause, resolved."""

    mention: CharSpan
    name: str
    country: str  # ISO 3166-1 alpha-3
    level: PlaceLevel | None  # None: known to the gazetteer only, not to the place index
    admin1: str | None = None  # the first-order division a city lies in
    geonames_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    confidence: float = 0.5
    ambiguous: bool = False


@dataclass(frozen=True, slots=True)
class EventDate:
    """When an event happened: the date expression of the event's clause, read against the article's date."""

    mention: CharSpan
    value: str | None  # ISO 8601: "2024-03-12", "2024-03", "2024", or "2024-03-04/2024-03-10"; None: unresolved
    first: str | None  # first and last day the value covers (ISO dates)
    last: str | None
    precision: DatePrecision | None
    relative: bool  # read against the article's date (or a date the text gave before)


@dataclass(frozen=True, slots=True)
class Rule:
    """Where a stance's coding came from, so that an analyst can audit it without reading code."""

    source: str  # "lexicon" (the curated lexicon), "dictionary" (CAMEO verb patterns), "derived"
    ref: str  # file:line of the entry or pattern, or the name of the derivation
    text: str  # the entry or pattern that matched, as written or summarised
    cameo: str | None = None  # the full CAMEO code it gives, where it gives one


@dataclass(slots=True)
class DocStance:
    """Holder -> event -> target, with the evidence for it."""

    holder: list[str]
    target: list[str]
    event: str
    trigger: CharSpan
    sentence: int
    evidence: CharSpan
    mode: str | None = None
    cameo: str | None = None  # None: the category's first CAMEO root
    modality: Modality = "asserted"
    content: CharSpan | None = None
    attributed_to: str | None = None
    confidence: float = 0.5
    context: str | None = None  # PLOVER context (economic, military, ...) where the coding gives one
    rule: Rule | None = None
    location: Location | None = None  # set by the place stage
    date: EventDate | None = None  # set by the date stage
