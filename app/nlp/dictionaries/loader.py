"""Load the compiled dictionaries, plus a user's own files, into one typed object.

``load_dictionaries()`` reads ``app/nlp/data/dictionaries/*.json`` (built by ``make
dictionaries``) in well under half a second; ``load_dictionaries(extra=paths)`` then reads each
user file (``STANCEWIRE_DICTIONARIES``) with the same strict readers and merges it on top, in
the order given: a user's entries win over built-in ones (an actor, agent or discard phrase
the user names replaces the built-in entries for that phrase; verbs and blocks: see
:meth:`app.nlp.dictionaries.verbs.VerbDictionary.merged`). The kind of a user file comes from
its name: ``*.verbs.txt``, ``*.actors.txt``, ``*.agents.txt`` or ``*.discards.txt``. A missing
file, another name, or a malformed line raises :class:`DictionaryError` (file, line, reason):
the worker turns that into a start-up failure. Results are cached per list of paths.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import orjson

from app.nlp.dictionaries.actors import read_actors
from app.nlp.dictionaries.agents import read_agents
from app.nlp.dictionaries.codec import crosswalk_from_json, verbs_from_json
from app.nlp.dictionaries.compile import FORMAT_VERSION, OUTPUT_DIR, phrase_tokenizer, sha256
from app.nlp.dictionaries.crosswalk import Crosswalk
from app.nlp.dictionaries.discards import read_discards
from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.indexes import ActorIndex, AgentIndex, DiscardIndex, Tokenize
from app.nlp.dictionaries.verbs import VerbDictionary, read_verbs

UserKind = Literal["verbs", "actors", "agents", "discards"]
USER_SUFFIXES: dict[str, UserKind] = {
    ".verbs.txt": "verbs",
    ".actors.txt": "actors",
    ".agents.txt": "agents",
    ".discards.txt": "discards",
}


@dataclass(frozen=True)
class Dictionaries:
    """Everything the stance and actor stages need from the dictionaries."""

    verbs: VerbDictionary
    crosswalk: Crosswalk
    actors: ActorIndex
    agents: AgentIndex
    discards: DiscardIndex
    inputs: dict[str, str]  # file name -> sha256, for every upstream, curated and user file used
    user_files: tuple[str, ...]  # the user files merged in, in order


def user_file_kind(path: Path) -> UserKind:
    """Return the kind a user file's name gives it; DictionaryError for any other name."""
    for suffix, kind in USER_SUFFIXES.items():
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            return kind
    names = ", ".join(f"*{suffix}" for suffix in USER_SUFFIXES)
    raise DictionaryError(path, 0, f"unknown dictionary kind: the file name must end in one of {names}")


def _compiled(name: str, directory: Path) -> dict[str, Any]:
    path = directory / name
    try:
        document: dict[str, Any] = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise DictionaryError(path, 0, "compiled dictionary missing: run `make dictionaries`") from None
    except orjson.JSONDecodeError as error:
        raise DictionaryError(path, 0, f"compiled dictionary is not valid JSON: {error}") from None
    if document.get("inputs", {}).get("format") != FORMAT_VERSION:
        raise DictionaryError(path, 0, f"compiled with another format than {FORMAT_VERSION}: run `make dictionaries`")
    return document


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: loading allocates ~1M objects, none of them garbage,
    and with a model in memory each collection it triggers rescans the whole heap (3 x slower)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_builtin(directory: Path = OUTPUT_DIR) -> Dictionaries:
    """Load the compiled built-in dictionaries (no user files)."""
    with _no_gc():
        return _load_builtin(directory)


def _load_builtin(directory: Path) -> Dictionaries:
    verbs = _compiled("verbs.json", directory)
    crosswalk = _compiled("crosswalk.json", directory)
    actors = _compiled("actors.json", directory)
    agents = _compiled("agents.json", directory)
    discards = _compiled("discards.json", directory)
    inputs: dict[str, str] = {}
    for document in (verbs, crosswalk, actors, agents, discards):
        inputs.update(document["inputs"]["sha256"])
    return Dictionaries(
        verbs=verbs_from_json(verbs["verbs"]),
        crosswalk=crosswalk_from_json(crosswalk["crosswalk"]),
        actors=ActorIndex.from_json(actors["actors"]),
        agents=AgentIndex.from_json(agents["agents"]),
        discards=DiscardIndex.from_json(discards["discards"]),
        inputs=inputs,
        user_files=(),
    )


def merge_user_file(base: Dictionaries, path: Path, tokenize: Tokenize) -> Dictionaries:
    """Read one user file with the strict reader of its kind and merge it on top of ``base``."""
    kind = user_file_kind(path)
    verbs, actors, agents, discards = base.verbs, base.actors, base.agents, base.discards
    if kind == "verbs":
        verbs = verbs.merged(read_verbs(path, known_synsets=verbs.synsets))
    elif kind == "actors":
        actors = actors.merged(ActorIndex.build(read_actors(path).records, tokenize))
    elif kind == "agents":
        agents = agents.merged(AgentIndex.build(read_agents(path).agents, tokenize))
    else:
        discards = discards.merged(DiscardIndex.build(read_discards(path).discards, tokenize))
    return Dictionaries(
        verbs=verbs,
        crosswalk=base.crosswalk,
        actors=actors,
        agents=agents,
        discards=discards,
        inputs={**base.inputs, str(path): sha256(path)},
        user_files=(*base.user_files, str(path)),
    )


def check_user_file(path: Path) -> None:
    """Read a user file with the strict reader of its kind, without merging it: DictionaryError if malformed.

    For a start-up check in a process that will not code text itself (the API process): a verb file's
    synset references are checked against the built-in synsets, read from the compiled verbs alone.
    """
    kind = user_file_kind(path)
    if not path.is_file():
        raise DictionaryError(path, 0, "no such file")
    if kind == "verbs":
        synsets = _compiled("verbs.json", OUTPUT_DIR)["verbs"]["synsets"]
        read_verbs(path, known_synsets=synsets)
    elif kind == "actors":
        read_actors(path)
    elif kind == "agents":
        read_agents(path)
    else:
        read_discards(path)


@cache
def _load(extra: tuple[Path, ...]) -> Dictionaries:
    dictionaries = load_builtin()
    if extra:
        for path in extra:
            user_file_kind(path)  # name errors first, before loading the tokenizer
            if not path.is_file():
                raise DictionaryError(path, 0, "no such file")
        tokenize = phrase_tokenizer()
        for path in extra:
            dictionaries = merge_user_file(dictionaries, path, tokenize)
    return dictionaries


def load_dictionaries(extra: Sequence[Path | str] = ()) -> Dictionaries:
    """Return the built-in dictionaries with the user files ``extra`` merged on top (cached)."""
    return _load(tuple(Path(path) for path in extra))
