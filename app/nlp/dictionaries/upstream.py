"""Where the vendored upstream files are, and reading each with its documented quirks."""

from __future__ import annotations

from pathlib import Path

from app.nlp.dictionaries.actors import ActorRecord, read_actors
from app.nlp.dictionaries.agents import Agent, read_agents
from app.nlp.dictionaries.crosswalk import Crosswalk, override_table, read_crosswalk
from app.nlp.dictionaries.discards import Discard, read_discards
from app.nlp.dictionaries.quirks import quirks_for
from app.nlp.dictionaries.verbs import VerbDictionary, read_verbs
from app.nlp.taxonomy import categories

REPO_ROOT = Path(__file__).resolve().parents[3]
THIRD_PARTY = REPO_ROOT / "third_party"
PETRARCH = THIRD_PARTY / "petrarch2"
PLOVER = THIRD_PARTY / "plover"
DATA_DIR = Path(__file__).resolve().parents[1] / "data"

ACTOR_FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt")
AGENT_FILE = "Phoenix.agents.txt"
DISCARD_FILE = "Phoenix.discards.txt"
VERB_FILE = "CAMEO.2.0.txt"
CROSSWALK_FILE = "CAMEO2PLOVER-2021.txt"


def upstream_path(name: str) -> Path:
    """Return the vendored file ``name`` (the crosswalk is PLOVER's, the rest PETRARCH2's)."""
    return (PLOVER if name == CROSSWALK_FILE else PETRARCH) / name


def builtin_actors() -> list[ActorRecord]:
    """Read the three Phoenix actor files, in order."""
    return [record for name in ACTOR_FILES for record in read_actors(PETRARCH / name, quirks_for(name)).records]


def builtin_agents() -> tuple[Agent, ...]:
    """Read the Phoenix agents file."""
    return read_agents(PETRARCH / AGENT_FILE, quirks_for(AGENT_FILE)).agents


def builtin_discards() -> tuple[Discard, ...]:
    """Read the Phoenix discard list."""
    return read_discards(PETRARCH / DISCARD_FILE, quirks_for(DISCARD_FILE)).discards


def builtin_verbs() -> VerbDictionary:
    """Read the CAMEO verb dictionary."""
    return read_verbs(PETRARCH / VERB_FILE, quirks_for(VERB_FILE))


def builtin_crosswalk() -> Crosswalk:
    """Read the crosswalk with the overrides; every category and mode must be in plover.yaml.

    Raises ValueError if a code maps to a category or mode that ``plover.yaml`` lacks.
    """
    crosswalk = Crosswalk(read_crosswalk(PLOVER / CROSSWALK_FILE, quirks_for(CROSSWALK_FILE)), override_table())
    problems = crosswalk.unknown_codings({name: category.modes for name, category in categories().items()})
    if problems:
        raise ValueError("crosswalk and plover.yaml disagree: " + "; ".join(problems))
    return crosswalk
