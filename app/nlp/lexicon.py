"""Load and validate the stance lexicon and modality cues once per process."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any, Protocol

import jsonschema
import yaml
from spacy.tokens import Token

from app.nlp.taxonomy import categories
from app.nlp.types import Modality, Rule

LEXICON_FILE = "data/lexicon.yaml"
SCHEMA_FILE = "data/lexicon.schema.json"
MODALITY_FILE = "data/modality.yaml"
_MODALITIES: tuple[Modality, ...] = ("negated", "hypothetical", "intended", "requested", "alleged")


class LexiconError(ValueError):
    """The lexicon data is malformed or inconsistent with the taxonomy."""


@dataclass(frozen=True, slots=True)
class Frame:
    """Which syntactic roles supply a stance's holder, target and content, in order of preference."""

    name: str
    holder: tuple[str, ...]
    target: tuple[str, ...]
    content: tuple[str, ...]
    reciprocal: bool = False


@dataclass(frozen=True, slots=True)
class Entry:
    """One trigger lemma with its event, frame and optional constraints."""

    lemma: str
    pos: str  # "verb" | "noun"
    event: str
    frame: Frame
    with_words: frozenset[str] = frozenset()
    objects: frozenset[str] = frozenset()
    object_events: frozenset[str] = frozenset()  # the object is itself a noun trigger of one of these events
    holder_words: frozenset[str] = frozenset()  # lemmas one of which heads or modifies the doer's phrase
    purpose: frozenset[str] = frozenset()  # lemmas one of which heads the trigger's "to ..." purpose clause
    mode: str | None = None
    cameo: str | None = None
    embeds: Modality | None = None
    requires: frozenset[str] = frozenset()
    context: str | None = None  # PLOVER context, where the coding gives one
    rule: Rule | None = None  # where the entry is written, for the stances it codes

    @property
    def specificity(self) -> int:
        """Rank constrained entries above plain ones for the same lemma."""
        # An object names the act more surely than a particle does ("withdraw inspectors from").
        has_object = bool(self.objects or self.object_events)
        constraints = int(bool(self.with_words)) + int(bool(self.requires)) + int(bool(self.holder_words))
        # What a move is for decides what it is: troops sent "to help residents" bring relief.
        constraints += 3 * int(bool(self.purpose))
        return 2 * int(has_object) + constraints


@dataclass(frozen=True, slots=True)
class Cues:
    """Word lists for modality and attribution (``modality.yaml``)."""

    modals: dict[str, Modality]
    reported_intended: frozenset[str]
    embedders: dict[str, Modality]
    progressive_only: frozenset[str]
    refusals: frozenset[str]
    harm_words: frozenset[str]
    attack_means: frozenset[str]
    contact_words: frozenset[str]
    planted_devices: frozenset[str]
    conditional_marks: frozenset[str]
    ultimatum_marks: frozenset[str]
    deontic_modals: frozenset[str]
    deontic_verbs: frozenset[str]
    attribution_verbs: frozenset[str]
    attribution_preps: tuple[tuple[str, ...], ...]
    carrier_nouns: frozenset[str]
    relay_nouns: frozenset[str]
    causatives: frozenset[str]
    preparation: frozenset[str]
    territory_preps: frozenset[str]
    territory_nouns: frozenset[str]


@dataclass(frozen=True, slots=True)
class Coding:
    """A verb dictionary's coding of one verb token; ``entry`` None: the null code (no event in this use)."""

    entry: Entry | None
    specificity: int  # on the curated lexicon's scale (see Entry.specificity)
    words: int  # how many parts of the pattern matched; 0: the verb's own code, no pattern
    extra: tuple[Token, ...] = ()  # the tokens that made the pattern match


class VerbCodes(Protocol):
    """A verb dictionary compiled for matching (see ``app.nlp.stances.patterns.VerbCoder``)."""

    @property
    def lemmas(self) -> frozenset[str]:
        """Return the verb lemmas it lists."""
        ...

    def code(self, token: Token) -> Coding | None:
        """Return the best coding of a verb token, or None when it does not list the verb."""
        ...


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Trigger entries keyed by (part of speech, lemma), most specific first, plus the cues.

    ``verbs``: the verb dictionary, tried beside the curated entries (see ``app.nlp.stances.triggers``).
    """

    entries: dict[tuple[str, str], tuple[Entry, ...]]
    frames: dict[str, Frame]
    cues: Cues
    lemmas: dict[str, frozenset[str]]  # part of speech -> the lemmas with entries, to rule words out cheaply
    verbs: VerbCodes | None = None

    def with_verbs(self, verbs: VerbCodes) -> Lexicon:
        """Return this lexicon with a verb dictionary beside the curated entries."""
        lemmas = {**self.lemmas, "verb": self.lemmas["verb"] | verbs.lemmas}
        return replace(self, verbs=verbs, lemmas=lemmas)

    def lookup(self, pos: str, lemma: str) -> tuple[Entry, ...]:
        """Return the entries for a lemma used as ``pos`` ("verb" or "noun")."""
        return self.entries.get((pos, lemma), ())


def _read(name: str) -> Any:
    return resources.files("app.nlp").joinpath(name).read_text("utf-8")


def validate_lexicon(raw: Any) -> None:
    """Raise LexiconError unless ``raw`` matches the schema and names known frames, events and modes."""
    schema = json.loads(_read(SCHEMA_FILE))
    try:
        jsonschema.validate(raw, schema)
    except jsonschema.ValidationError as exc:
        path = "/".join(str(p) for p in exc.absolute_path)
        raise LexiconError(f"lexicon.yaml invalid at {path or '<root>'}: {exc.message}") from exc
    known = categories()
    for index, entry in enumerate(raw["entries"]):
        unknown = [e for e in (entry["event"], *entry.get("object_event", ())) if e not in known]
        if unknown:
            raise LexiconError(f"entry {index} ({entry['lemmas'][0]}) names events plover.yaml does not: {unknown}")
        if entry["frame"] not in raw["frames"]:
            raise LexiconError(f"entry {index} ({entry['lemmas'][0]}) names unknown frame {entry['frame']!r}")
        mode = entry.get("mode")
        if mode is not None and mode not in known[entry["event"]].modes:
            raise LexiconError(f"entry {index}: mode {mode!r} is not a {entry['event']} mode")


def _frames(raw: dict[str, Any]) -> dict[str, Frame]:
    return {
        name: Frame(
            name=name,
            holder=tuple(spec["holder"]),
            target=tuple(spec["target"]),
            content=tuple(spec["content"]),
            reciprocal=bool(spec.get("reciprocal", False)),
        )
        for name, spec in raw.items()
    }


def _entries(
    raw: list[dict[str, Any]], frames: dict[str, Frame], lines: list[int]
) -> dict[tuple[str, str], tuple[Entry, ...]]:
    grouped: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for spec, line in zip(raw, lines, strict=True):
        for lemma in spec["lemmas"]:
            grouped[(spec["pos"], lemma)].append(
                Entry(
                    lemma=lemma,
                    pos=spec["pos"],
                    event=spec["event"],
                    frame=frames[spec["frame"]],
                    with_words=frozenset(spec.get("with", ())),
                    objects=frozenset(spec.get("object", ())),
                    object_events=frozenset(spec.get("object_event", ())),
                    holder_words=frozenset(spec.get("holder_words", ())),
                    purpose=frozenset(spec.get("purpose", ())),
                    mode=spec.get("mode"),
                    cameo=spec.get("cameo"),
                    embeds=spec.get("embeds"),
                    requires=frozenset(spec.get("requires", ())),
                    rule=Rule(
                        "lexicon",
                        f"{LEXICON_FILE.rsplit('/', 1)[-1]}:{line}",
                        _describe(spec, lemma),
                        spec.get("cameo"),
                    ),
                )
            )
    # A stable sort keeps file order among equally specific entries.
    return {key: tuple(sorted(found, key=lambda e: -e.specificity)) for key, found in grouped.items()}


def _describe(spec: dict[str, Any], lemma: str) -> str:
    """Summarise an entry for one lemma the way an analyst reads it ("SANCTION: verb halt + object ...")."""
    parts = [f"{spec['event']}: {spec['pos']} {lemma}"]
    if "with" in spec:
        parts.append(f"with {'/'.join(spec['with'])}")
    if "object" in spec:
        words = spec["object"]
        parts.append(f"object {'/'.join(words[:6])}" + ("/…" if len(words) > 6 else ""))
    if "object_event" in spec:
        parts.append(f"object naming a {'/'.join(spec['object_event'])} act")
    if "holder_words" in spec:
        parts.append(f"by {'/'.join(spec['holder_words'][:4])}" + ("/…" if len(spec["holder_words"]) > 4 else ""))
    if "purpose" in spec:
        parts.append(f"to {'/'.join(spec['purpose'][:4])}" + ("/…" if len(spec["purpose"]) > 4 else ""))
    if "requires" in spec:
        parts.append(f"requires {'/'.join(spec['requires'])}")
    return " + ".join(parts) + f" (frame {spec['frame']})"


def _entry_lines(text: str) -> list[int]:
    """Return the line (from 1) on which each item of the file's ``entries`` list starts."""
    root = yaml.compose(text)
    assert isinstance(root, yaml.MappingNode)
    entries = next(value for key, value in root.value if key.value == "entries")
    return [item.start_mark.line + 1 for item in entries.value]


def _cues(raw: dict[str, Any]) -> Cues:
    modals: dict[str, Modality] = {}
    for modality in ("hypothetical", "intended"):
        modals.update(dict.fromkeys(raw["modals"][modality], modality))
    embedders: dict[str, Modality] = {}
    for modality in _MODALITIES:
        embedders.update(dict.fromkeys(raw["embedders"].get(modality, ()), modality))
    return Cues(
        modals=modals,
        reported_intended=frozenset(raw["modals"]["reported_intended"]),
        embedders=embedders,
        progressive_only=frozenset(raw.get("progressive_only", ())),
        refusals=frozenset(raw["refusals"]),
        harm_words=frozenset(raw["harm_words"]),
        attack_means=frozenset(raw["attack_means"]),
        contact_words=frozenset(raw["contact_words"]),
        planted_devices=frozenset(raw["planted_devices"]),
        conditional_marks=frozenset(raw["conditional_marks"]),
        ultimatum_marks=frozenset(raw["ultimatum_marks"]),
        deontic_modals=frozenset(raw["deontic"]["modals"]),
        deontic_verbs=frozenset(raw["deontic"]["verbs"]),
        attribution_verbs=frozenset(raw["attribution_verbs"]),
        attribution_preps=tuple(tuple(words) for words in raw["attribution_preps"]),
        carrier_nouns=frozenset(raw["carrier_nouns"]),
        relay_nouns=frozenset(raw["relay_nouns"]),
        causatives=frozenset(raw["causatives"]),
        preparation=frozenset(raw["preparation"]),
        territory_preps=frozenset(raw["territory_preps"]),
        territory_nouns=frozenset(raw["territory_nouns"]),
    )


@cache
def load_lexicon() -> Lexicon:
    """Load, validate and index the lexicon and cue files (cached for the process)."""
    text = _read(LEXICON_FILE)
    raw = yaml.safe_load(text)
    validate_lexicon(raw)
    frames = _frames(raw["frames"])
    cues = _cues(yaml.safe_load(_read(MODALITY_FILE)))
    entries = _entries(raw["entries"], frames, _entry_lines(text))
    lemmas = {pos: frozenset(lemma for key, lemma in entries if key == pos) for pos in ("verb", "noun")}
    return Lexicon(entries=entries, frames=frames, cues=cues, lemmas=lemmas)
