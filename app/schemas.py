"""The v1 API contract: request and response bodies (fields may be added, never renamed)."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictFloat, model_validator

from app.nlp.taxonomy import ActorKind, EventName, Quad
from app.nlp.types import Modality

# The largest integer every JSON reader keeps exactly (2^53 - 1). Offsets and counts are bounded by it,
# so an analysis sent back in (POST /v1/network) cannot carry integers the JSON encoder refuses.
MAX_JSON_INT = 2**53 - 1


def _date_text(value: object) -> object:
    # JSON has no date type: only the ISO text is one (pydantic would read a number as a Unix time).
    if value is not None and not isinstance(value, str | datetime.date):
        raise ValueError("must be an ISO 8601 date, YYYY-MM-DD")
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_date_text)]


def _not_bool(value: object) -> object:
    # JSON's true is no number; pydantic would read it as 1 (an integral 1.0 is still an integer).
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean")
    return value


# The numbers of an analysis sent back in (POST /v1/network): `true` for an offset, a sentence index or
# a score is refused, not read as 1. Numbers are StrictFloat (an integer is still a number).
Integer = Annotated[int, BeforeValidator(_not_bool)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnalyzeOptions(_Strict):
    """What to include in the response besides actors and stances."""

    include_sentences: StrictBool = Field(False, description="Return the sentence spans the text was split into.")


class AnalyzeRequest(_Strict):
    """One article to analyse."""

    text: str = Field(description="The article text (not blank; at most STANCEWIRE_MAX_TEXT_CHARS characters).")
    id: str | None = Field(None, max_length=256, description="Your identifier for the document, echoed back.")
    language: str = Field("en", description="ISO 639-1 language of the text; only `en` is supported.")
    date: IsoDate | None = Field(
        None,
        description="The article's publication date (ISO 8601, `YYYY-MM-DD`): a named person is coded by the "
        "office they held on that day (without it, the most recent one), and the stances' relative dates "
        "(`on Tuesday`, `last week`) are read against it (without it, they are left unresolved).",
    )
    options: AnalyzeOptions = Field(default_factory=AnalyzeOptions, description="Response options.")


class BatchRequest(_Strict):
    """Several articles analysed in one request."""

    documents: list[AnalyzeRequest] = Field(
        min_length=1, description="The documents, 1 to STANCEWIRE_MAX_BATCH of them."
    )


class TextSpan(BaseModel):
    """A span of the submitted text: `text == submitted[start:end]`."""

    text: str = Field(description="The covered text.")
    start: Integer = Field(ge=0, le=MAX_JSON_INT, description="Character offset of the first character.")
    end: Integer = Field(ge=0, le=MAX_JSON_INT, description="Character offset just past the last character.")


class Mention(TextSpan):
    """One place where an actor is named or referred to."""

    sentence: Integer = Field(ge=0, le=MAX_JSON_INT, description="Index of the sentence the mention is in, from 0.")


class Actor(BaseModel):
    """One real-world actor with every mention of it folded in."""

    id: str = Field(description="Identifier within this response, e.g. `a1`.", examples=["a1"])
    name: str = Field(description="Canonical name, e.g. `United States`.")
    kind: ActorKind = Field(description="What sort of actor this is.")
    country: str | None = Field(
        description="ISO 3166-1 alpha-3 code: a state's own, or the country a person, organisation or group belongs to."
    )
    sector: str | None = Field(description="CAMEO-style sector code (GOV, MIL, REB, OPP, CVL, BUS, MED, JUD, …).")
    title: str | None = Field(description="Title or office of a person, e.g. `Ambassador`.")
    mentions: list[Mention] = Field(description="Every mention of the actor, in text order.")
    salience: StrictFloat = Field(ge=0, le=1, description="How central the actor is to the article, 0..1.")


class Rule(BaseModel):
    """Where a stance's coding came from, so that it can be audited without reading code."""

    source: Literal["lexicon", "dictionary", "derived"] = Field(
        description="`lexicon`: Stancewire's curated trigger lexicon; `dictionary`: the CAMEO verb pattern "
        "dictionary (or a user dictionary); `derived`: implied by another coding (an intended act is an "
        "AGREE or THREATEN, a refused one a REJECT, an obligation a REQUEST)."
    )
    ref: str = Field(description="`file:line` of the entry or pattern, or `derived:<reason>`.")
    text: str = Field(description="The entry or pattern that matched, as written or summarised.")
    cameo: str | None = Field(description="The full CAMEO code the rule gives (e.g. `0233`), where it gives one.")


class Location(BaseModel):
    """Where the event happened: the place the event's own clause names, resolved offline (GeoNames)."""

    mention: TextSpan = Field(description="The place as the text names it.")
    name: str = Field(description="The place's name (GeoNames' for a city or division, the English one for a country).")
    country: str = Field(description="ISO 3166-1 alpha-3 code of the country the place lies in.")
    level: Literal["country", "admin1", "city"] | None = Field(
        description="What the place is: a country, a first-order division (state, province, region) or a city or "
        "town; null for a place known only as lying in `country` (no coordinates then)."
    )
    admin1: str | None = Field(None, description="The first-order division a city lies in.")
    # The bounds before the validator: after it, pydantic writes them as `ge`/`le`, not JSON Schema's keywords.
    geonames_id: Annotated[int, Field(ge=0, le=MAX_JSON_INT), BeforeValidator(_not_bool)] | None = Field(
        None, description="GeoNames id of the place."
    )
    latitude: StrictFloat | None = Field(None, ge=-90, le=90, description="WGS84 latitude of the place (GeoNames).")
    longitude: StrictFloat | None = Field(None, ge=-180, le=180, description="WGS84 longitude of the place (GeoNames).")
    confidence: StrictFloat = Field(ge=0, le=1, description="How sure the reading of the name is, 0..1.")
    ambiguous: StrictBool = Field(
        description="Other countries have a place of this name too; the article's other places and actors chose."
    )


class StanceDate(BaseModel):
    """When the event happened: the date expression of the event's own clause, read against the article's date."""

    mention: TextSpan = Field(description="The date expression, e.g. `on Tuesday`, `overnight`, `10 July 2023`.")
    value: str | None = Field(
        description="ISO 8601: a day (`2024-03-12`), a month (`2024-03`), a year (`2024`) or an interval of days "
        "(`2024-03-04/2024-03-10` for a week; `overnight` spans two days); null when the expression is relative "
        "and the request gave no `date`."
    )
    first: datetime.date | None = Field(description="First day `value` covers.")
    last: datetime.date | None = Field(description="Last day `value` covers.")
    precision: Literal["day", "week", "month", "year"] | None = Field(
        description="How precise the text is: `on Tuesday` a day, `last week` a week, `in March` a month."
    )
    resolved: StrictBool = Field(description="False for a relative date left unresolved (no article `date`).")
    relative: StrictBool = Field(
        description="Read against the article's date (`on Tuesday`) or a date given before (`two days later`)."
    )


class Stance(BaseModel):
    """Who takes what stance or action toward whom, with its evidence."""

    id: str = Field(description="Identifier within this response, e.g. `s1`.")
    holder: list[str] = Field(description="Actor ids of who takes the stance.")
    target: list[str] = Field(description="Actor ids of whom it is directed at; may be empty.")
    event: EventName = Field(description="PLOVER 2021 event category.")
    mode: str | None = Field(description="PLOVER mode where the text makes it evident (e.g. `visit`, `aerial`).")
    cameo: str = Field(description="CAMEO root code.")
    quad: Quad = Field(description="PLOVER quad class.")
    score: StrictFloat = Field(ge=-10, le=10, description="PLOVER conflict-cooperation score, -10..10.")
    modality: Modality = Field(description="Whether the event happened, is negated, hypothetical, intended, …")
    trigger: TextSpan = Field(description="The words that express the event.")
    content: TextSpan | None = Field(description="What is asked, agreed, rejected, … where the text says.")
    attributed_to: str | None = Field(description="Actor id of whoever reports the stance, if not the holder.")
    sentence: Integer = Field(ge=0, le=MAX_JSON_INT, description="Index of the sentence, from 0.")
    evidence: TextSpan = Field(description="The sentence the stance was found in.")
    confidence: StrictFloat = Field(ge=0, le=1, description="0..1; ranks a sentence's main event first.")
    context: str | None = Field(
        None, description="PLOVER context (e.g. `economic`, `military`) where the coding gives one."
    )
    rule: Rule | None = Field(None, description="Where the coding came from.")
    location: Location | None = Field(
        None,
        description="Where the event happened, when its own clause names a place (`in Kyiv`, `the city of Herat`, "
        "an attacked town); a place that only names an actor (`Moscow said`) is none. Null when the text gives none.",
    )
    date: StanceDate | None = Field(
        None,
        description="When the event happened, when its own clause gives a date (`on Tuesday`, `overnight`, "
        "`last week`, `in March`). Null when the text gives none: never the article's date by default.",
    )


class Meta(BaseModel):
    """How the analysis was made."""

    model: str = Field(description="spaCy model the workers use.")
    version: str = Field(description="Stancewire version.")
    tokens: Integer = Field(ge=0, le=MAX_JSON_INT, description="Tokens in the text.")
    elapsed_ms: StrictFloat = Field(ge=0, description="Time from admission to result, in milliseconds.")


class AnalyzeResponse(BaseModel):
    """The actors and stances found in one article."""

    id: str | None = Field(description="The request's `id`, echoed.")
    language: Literal["en"] = Field(description="Language the text was analysed as.")
    actors: list[Actor] = Field(description="Actors, most salient first.")
    stances: list[Stance] = Field(description="Stances, in text order.")
    sentences: list[TextSpan] | None = Field(None, description="Sentence spans; only with `include_sentences`.")
    meta: Meta = Field(description="Model, version, size and timing.")


class FieldError(BaseModel):
    """One offending field of an invalid request."""

    loc: list[str] = Field(description='Where the field is, e.g. `["body", "text"]`.')
    msg: str = Field(description="What is wrong with it.")
    type: str | None = Field(None, description="Machine-readable kind of error.")


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(description="URI reference identifying the problem type.")
    title: str = Field(description="Short summary of the problem type.")
    status: Integer = Field(ge=100, le=599, description="HTTP status code.")
    detail: str = Field(description="What went wrong with this request.")
    instance: str | None = Field(None, description="The request path.")
    errors: list[FieldError] | None = Field(
        None, description="For validation problems: each offending field (`loc`) and why (`msg`)."
    )
    request_id: str | None = Field(
        None,
        description="The request's id (its `X-Request-ID`); the service's log lines about the failure carry it.",
    )


class BatchError(BaseModel):
    """A document of a batch that could not be analysed."""

    id: str | None = Field(description="The document's `id`.")
    error: Problem = Field(description="Why it was not analysed.")


class BatchResponse(BaseModel):
    """One result per submitted document, in order."""

    results: list[AnalyzeResponse | BatchError] = Field(description="An analysis or an error per document.")


class EventCategory(BaseModel):
    """One PLOVER category."""

    name: EventName
    definition: str
    cameo: list[str] = Field(description="CAMEO root codes the category covers; the first is the default.")
    quad: Quad
    score: float = Field(description="PLOVER conflict-cooperation score.")
    modes: list[str] = Field(description="Modes a stance of this category may carry.")


class Taxonomy(BaseModel):
    """Event categories, actor kinds and sectors the service reports."""

    events: list[EventCategory]
    actor_kinds: dict[str, str] = Field(description="Kind -> meaning.")
    sectors: dict[str, str] = Field(description="Sector code -> meaning.")
    modalities: list[Modality]


class Health(BaseModel):
    """Liveness or readiness."""

    status: Literal["ok", "ready", "not_ready"]
    workers: int | None = Field(None, description="Workers alive (readiness only).")
    restarts: int | None = Field(None, description="Workers replaced since start (readiness only).")


# -- Stance networks (POST /v1/network) -------------------------------------------------------

NetworkLevel = Literal["country", "actor"]


class NetworkRequest(_Strict):
    """Documents to analyse, or earlier analyses, to aggregate into a stance network.

    Send exactly one of `documents` and `analyses`.
    """

    documents: list[AnalyzeRequest] | None = Field(
        None,
        min_length=1,
        description="Articles to analyse first, as in /v1/analyze/batch: 1 to STANCEWIRE_MAX_BATCH of them.",
    )
    analyses: list[AnalyzeResponse | BatchError] | None = Field(
        None,
        min_length=1,
        description="Earlier /v1/analyze responses (or /v1/analyze/batch results); error entries are skipped.",
    )
    by: NetworkLevel = Field(
        "country",
        description="Node level: `country` groups actors by their ISO alpha-3 code (igo/ngo actors as IGO/NGO; "
        "actors without a country are left out); `actor` keeps named actors apart.",
    )
    max_evidence: Integer = Field(5, ge=0, le=100, description="Most evidence sentences to return per dyad.")

    @model_validator(mode="after")
    def _one_source(self) -> NetworkRequest:
        if (self.documents is None) == (self.analyses is None):
            raise ValueError("send exactly one of `documents` and `analyses`")
        return self


class NetworkNode(BaseModel):
    """A country or a named actor that holds or receives stances."""

    id: str = Field(description="Node key: an ISO alpha-3 code (or IGO/NGO) by country, the actor's name by actor.")
    label: str = Field(description="Display name, e.g. `United States`.")
    kind: str | None = Field(description="Actor kind (by actor; by country only when every actor agrees).")
    country: str | None = Field(description="ISO 3166-1 alpha-3 code of the node, if any.")
    sector: str | None = Field(description="Most frequent sector code of the node's actors (by actor), or null.")
    documents: int = Field(ge=0, description="Documents in which the node is an actor.")
    salience: float = Field(ge=0, le=1, description="Mean over those documents of the node's highest salience.")
    stances_out: int = Field(ge=0, description="Stances the node holds toward a target node.")
    stances_in: int = Field(ge=0, description="Stances directed at the node.")


class DyadEvidence(BaseModel):
    """One stance behind a dyad and the sentence it was found in."""

    document: str | None = Field(description="The document's id (`#<n>` for a document sent without one).")
    stance: str = Field(description="The stance's id within its document.")
    event: EventName = Field(description="PLOVER category of the stance.")
    modality: Modality = Field(description="Modality of the stance.")
    score: float = Field(ge=-10, le=10, description="PLOVER score of the stance.")
    trigger: str = Field(description="The words that express the event.")
    text: str = Field(description="The evidence sentence.")
    start: int = Field(ge=0, description="Offset of the evidence in its document's text.")
    end: int = Field(ge=0, description="Offset just past the evidence.")


class Dyad(BaseModel):
    """All stances one node holds toward another, aggregated."""

    source: str = Field(description="Node id of the holder side.")
    target: str = Field(description="Node id of the target side.")
    source_label: str = Field(description="Display name of the holder side.")
    target_label: str = Field(description="Display name of the target side.")
    stances: int = Field(ge=1, description="Stances from source to target (any modality).")
    events: dict[str, int] = Field(description="Stances per PLOVER category (categories with none are left out).")
    quads: dict[str, int] = Field(description="Stances per quad class (classes with none are left out).")
    modalities: dict[str, int] = Field(description="Stances per modality.")
    mean_score: float | None = Field(
        description="Mean PLOVER score of the stances that are not negated; null when all are negated."
    )
    documents: list[str | None] = Field(description="Ids of the documents the stances come from, first-seen order.")
    first_date: datetime.date | None = Field(
        None, description="First day covered by the dates of the dyad's stances (`Stance.date.first`); null if none."
    )
    last_date: datetime.date | None = Field(
        None, description="Last day covered by the dates of the dyad's stances (`Stance.date.last`); null if none."
    )
    dated: int = Field(0, ge=0, description="Stances of the dyad with a resolved date.")
    evidence: list[DyadEvidence] = Field(description="Up to `max_evidence` stances behind the dyad, highest first.")


class NetworkResponse(BaseModel):
    """A stance network: nodes, and the dyads between them, most stances first."""

    by: NetworkLevel = Field(description="Node level the network was built at.")
    documents: int = Field(ge=0, description="Analyses aggregated.")
    stances: int = Field(ge=0, description="Stances in those analyses.")
    stances_in_dyads: int = Field(
        ge=0, description="Stances counted in at least one dyad (the rest lack a target or a placeable actor)."
    )
    failed: list[BatchError] = Field(description="Documents that could not be analysed, with their problem.")
    nodes: list[NetworkNode] = Field(description="Nodes that take part in a dyad, most stances first.")
    dyads: list[Dyad] = Field(description="Directed dyads, most stances first.")
