"""The Phoenix agent reader: plurals, substitution markers, codes, errors, and the real file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.nlp.dictionaries.agents import Agent, read_agents
from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.quirks import quirks_for
from app.nlp.dictionaries.upstream import AGENT_FILE, PETRARCH

SAMPLE = """\
# agents
!PERSON! = MAN, MEN, WOMAN, WOMEN, PERSON
AMBASSADOR [~GOV]
PARTY [~PTY]
ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOVATG]
POLICE {} [~COP]
HUMAN_RIGHTS_BODY  [NGO~] # a prefix code
CONGRESS!PERSON! [~LEG]
CHIEF EXECUTIVE[~GOV]
ISLAMIC_FRONT_ [~MUSREB]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "test.agents.txt"
    path.write_text(text, encoding="utf-8")
    return path


def forms(agents: tuple[Agent, ...], line: int) -> list[tuple[str, ...]]:
    return [agent.words for agent in agents if agent.line == line]


def test_plurals_markers_and_codes(tmp_path: Path) -> None:
    dictionary = read_agents(write(tmp_path, SAMPLE))
    agents = dictionary.agents
    assert forms(agents, 3) == [("ambassador",), ("ambassadors",)]  # regular plural generated
    assert forms(agents, 4) == [("party",), ("parties",)]
    assert forms(agents, 5) == [("attorney", "general"), ("attorneys", "general")]  # given plural
    assert forms(agents, 6) == [("police",)]  # {}: none
    assert forms(agents, 8) == [
        ("congressman",),
        ("congressmen",),
        ("congresswoman",),
        ("congresswomen",),
        ("congressperson",),
    ]
    assert forms(agents, 9) == [("chief", "executive"), ("chief", "executives")]
    assert forms(agents, 10) == [("islamic", "front")]  # a final '_': no plural
    ambassador, ambassadors = (a for a in agents if a.line == 3)
    assert (ambassador.code, ambassador.position, ambassador.plural, ambassadors.plural) == (
        "GOV",
        "suffix",
        False,
        True,
    )
    body = next(a for a in agents if a.line == 7)
    assert (body.code, body.position) == ("NGO", "prefix")
    assert dictionary.substitutions == {"PERSON": ("MAN", "MEN", "WOMAN", "WOMEN", "PERSON")}
    assert all(agent.source == "test.agents.txt" for agent in agents)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("MINISTER\n", 1, "not an agent entry"),
        ("MINISTER [~GOV}\n", 1, "not an agent entry"),
        ("MINISTER [GOV]\n", 1, r"\[~CODE\] or \[CODE~\]"),
        ("MINISTER [~GOVX]\n", 1, "three-letter parts"),
        ("!MINIST!_OF_X [~GOV]\n", 1, "is not defined above"),
        ("!A! = X, Y\n!A! = Z\n", 2, "defined twice"),
        ("!A! = X, , Y\n", 1, "empty item"),
        ("!A! = X\nAD!A!RATIVE_!A! [~GOV]\n", 2, "more than one substitution marker"),
        ("YAHOO! [~BUS]\n", 1, "stray '!'"),
    ],
)
def test_errors_name_file_line_and_reason(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DictionaryError, match=reason) as caught:
        read_agents(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_the_real_file_parses_completely() -> None:
    dictionary = read_agents(PETRARCH / AGENT_FILE, quirks_for(AGENT_FILE))
    assert len(dictionary.agents) == 5069  # surface forms, plurals and substitutions expanded
    assert len({agent.line for agent in dictionary.agents}) == 2244  # entry lines
    assert set(dictionary.substitutions) == {"PERSON", "MINIST"}
    by_words = {agent.words: agent for agent in dictionary.agents}
    assert by_words[("foreign", "minister")].code == "GOV"
    assert by_words[("rebels",)].code == "REB" and by_words[("rebels",)].plural
    assert by_words[("minister", "for", "public", "service", "and", "administrative", "reform")].code == "GOVDEV"
    assert sum(agent.position == "prefix" for agent in dictionary.agents) == 5
