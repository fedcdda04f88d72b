"""Compact JSON forms of the verb dictionary and the crosswalk, for the compiled files.

The encoders and decoders are exact inverses (tests check the round trip); the compiled file
holds the parsed structures, so workers never re-read the upstream text.
"""

from __future__ import annotations

from typing import Any

from app.nlp.dictionaries.crosswalk import Crosswalk, CrosswalkRow, Override
from app.nlp.dictionaries.verb_patterns import SLOTS, Element, PrepPhrase, Term, VerbPattern, build_pattern
from app.nlp.dictionaries.verbs import Transformation, Verb, VerbBlock, VerbDictionary


def _term(term: Term) -> list[Any]:
    return [list(term.words), int(term.braced)]


def _element(element: Element) -> Any:
    if isinstance(element, Term):
        return ["T", *_term(element)]
    if isinstance(element, PrepPhrase):
        return [
            "P",
            list(element.preps),
            [_term(t) for t in element.terms],
            list(element.slots),
            int(element.before_verb),
        ]
    return element


def _decode_term(raw: list[Any]) -> Term:
    return Term(tuple(raw[0]), bool(raw[1]))


def _decode_element(raw: Any) -> Element:
    if isinstance(raw, str):
        if raw == "*":
            return "*"
        for slot in SLOTS:
            if raw == slot:
                return slot
        raise ValueError(f"unknown pattern element {raw!r}")
    if raw[0] == "T":
        return _decode_term(raw[1:])
    return PrepPhrase(tuple(raw[1]), tuple(_decode_term(t) for t in raw[2]), tuple(raw[3]), bool(raw[4]))


def _pattern(pattern: VerbPattern) -> list[Any]:
    elements = [_element(e) for e in pattern.elements]
    return [pattern.line, pattern.text, pattern.code, pattern.paired_code, pattern.comment, pattern.source, elements]


def _decode_pattern(raw: list[Any]) -> VerbPattern:
    line, text, code, paired, comment, source, elements = raw
    decoded = [_decode_element(e) for e in elements]
    return build_pattern(decoded, line=line, text=text, code=code, paired_code=paired, comment=comment, source=source)


def _verb(verb: Verb) -> list[Any]:
    return [
        verb.lemma,
        list(verb.words),
        verb.verb_index,
        list(verb.forms),
        verb.code,
        verb.paired_code,
        verb.source,
        verb.line,
    ]


def _decode_verb(raw: list[Any], block: str) -> Verb:
    lemma, words, index, forms, code, paired, source, line = raw
    return Verb(lemma, tuple(words), index, tuple(forms), code, paired, block, source, line)


def verbs_to_json(verbs: VerbDictionary) -> dict[str, Any]:
    """Encode a verb dictionary."""
    return {
        "synsets": {name: sorted(" ".join(m) for m in members) for name, members in sorted(verbs.synsets.items())},
        "blocks": [
            [
                b.name,
                b.code,
                b.paired_code,
                b.source,
                b.line,
                [_verb(v) for v in b.verbs],
                [_pattern(p) for p in b.patterns],
            ]
            for b in verbs.blocks
        ],
        "transformations": [
            [
                t.actor,
                t.inner_actor,
                t.inner_target,
                t.inner_verb,
                t.verb,
                t.result_actor,
                t.result_target,
                t.code,
                t.source,
                t.line,
            ]
            for t in verbs.transformations
        ],
    }


def verbs_from_json(raw: dict[str, Any]) -> VerbDictionary:
    """Decode :func:`verbs_to_json` output."""
    blocks = tuple(
        VerbBlock(
            name,
            code,
            paired,
            source,
            line,
            tuple(_decode_verb(v, name) for v in verbs),
            tuple(_decode_pattern(p) for p in patterns),
        )
        for name, code, paired, source, line, verbs, patterns in raw["blocks"]
    )
    return VerbDictionary(
        synsets={name: frozenset(tuple(m.split(" ")) for m in members) for name, members in raw["synsets"].items()},
        blocks=blocks,
        transformations=tuple(Transformation(*t) for t in raw["transformations"]),
    )


def crosswalk_to_json(crosswalk: Crosswalk) -> dict[str, Any]:
    """Encode the crosswalk rows and overrides."""
    return {
        "rows": [
            [r.code, r.category, r.mode, list(r.contexts), r.description, r.line] for r in crosswalk.rows.values()
        ],
        "overrides": [
            [
                o.code,
                o.category,
                o.mode,
                None if o.contexts is None else list(o.contexts),
                o.inherit_mode,
                o.same_as,
                o.drop,
                o.reason,
            ]
            for o in crosswalk.overrides.values()
        ],
    }


def crosswalk_from_json(raw: dict[str, Any]) -> Crosswalk:
    """Decode :func:`crosswalk_to_json` output."""
    rows = {r[0]: CrosswalkRow(r[0], r[1], r[2], tuple(r[3]), r[4], r[5]) for r in raw["rows"]}
    overrides = {
        o[0]: Override(o[0], o[1], o[2], None if o[3] is None else tuple(o[3]), o[4], o[5], o[6], o[7])
        for o in raw["overrides"]
    }
    return Crosswalk(rows, overrides)
