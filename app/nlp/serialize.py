"""Turn a processed Doc into the plain dicts of the v1 contract."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from app.nlp.taxonomy import categories
from app.nlp.types import CharSpan, DocActor, DocStance, EventDate, Location, Rule


def serialize_doc(doc: Doc, text: str | None = None) -> dict[str, Any]:
    """Return actors, stances and sentences of ``doc`` as JSON-ready data.

    ``text`` is the string the doc was made from, if the caller has it.
    """
    actors: list[DocActor] = doc._.actors or []
    stances: list[DocStance] = doc._.stances or []
    text = _doc_text(doc, text)
    return {
        "actors": [_actor(actor, text) for actor in actors],
        "stances": [_stance(index, stance, text) for index, stance in enumerate(stances, start=1)],
        "sentences": [
            {"text": text[s.start_char : s.end_char], "start": s.start_char, "end": s.end_char} for s in doc.sents
        ],
    }


def _doc_text(doc: Doc, text: str | None) -> str:
    # spaCy rebuilds doc.text from every token on each access (a tenth of a second on a long
    # article); its tokenizer never changes the text, so the input string serves when it fits.
    if text is not None and len(text) == (doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0):
        return text
    return doc.text


def _span(span: CharSpan, text: str) -> dict[str, Any]:
    return {"text": text[span.start : span.end], "start": span.start, "end": span.end}


def _actor(actor: DocActor, text: str) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "kind": actor.kind,
        "country": actor.country,
        "sector": actor.sector,
        "title": actor.title,
        "mentions": [
            {"text": text[m.start : m.end], "start": m.start, "end": m.end, "sentence": m.sentence}
            for m in actor.mentions
        ],
        "salience": round(actor.salience, 4),
    }


def _stance(index: int, stance: DocStance, text: str) -> dict[str, Any]:
    category = categories()[stance.event]
    return {
        "id": f"s{index}",
        "holder": stance.holder,
        "target": stance.target,
        "event": stance.event,
        "mode": stance.mode,
        "cameo": stance.cameo or category.cameo[0],
        "quad": category.quad,
        "score": category.score,
        "modality": stance.modality,
        "trigger": _span(stance.trigger, text),
        "content": _span(stance.content, text) if stance.content else None,
        "attributed_to": stance.attributed_to,
        "sentence": stance.sentence,
        "evidence": _span(stance.evidence, text),
        "confidence": round(stance.confidence, 4),
        "context": stance.context,
        "rule": _rule(stance.rule),
        "location": _location(stance.location, text),
        "date": _date(stance.date, text),
    }


def _location(location: Location | None, text: str) -> dict[str, Any] | None:
    if location is None:
        return None
    return {
        "mention": _span(location.mention, text),
        "name": location.name,
        "country": location.country,
        "level": location.level,
        "admin1": location.admin1,
        "geonames_id": location.geonames_id,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "confidence": round(location.confidence, 4),
        "ambiguous": location.ambiguous,
    }


def _date(found: EventDate | None, text: str) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "mention": _span(found.mention, text),
        "value": found.value,
        "first": found.first,
        "last": found.last,
        "precision": found.precision,
        "resolved": found.value is not None,
        "relative": found.relative,
    }


def _rule(rule: Rule | None) -> dict[str, Any] | None:
    if rule is None:
        return None
    return {"source": rule.source, "ref": rule.ref, "text": rule.text, "cameo": rule.cameo}
