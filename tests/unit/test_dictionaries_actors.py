"""The Phoenix actor reader: syntax, dates, date-role resolution, errors, and the real files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.nlp.dictionaries.actors import ActorDictionary, ActorRecord, parse_date, read_actors
from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.quirks import quirks_for
from app.nlp.dictionaries.upstream import ACTOR_FILES, PETRARCH

SAMPLE = """\
# Countries
GERMANY_  [DEU]  ; a TABARI-style comment
+GERMAN_
+FEDERAL_REPUBLIC_OF_GERMANY +BRD

ANGELA_MERKEL_  # CountryInfo.txt
+CHANCELLOR_MERKEL_
\t[DEUELI 720101-000101]
\t[DEUGOV >051122]
\t[DEUELI]
JOHN_J MCCLOY_\t[IGOUNODEVWBK 470301-490630] [USAELI]
B+H_OCEAN_CARRIERS_\t[MNCBMU]
+ARMY_OF_ADEN+_ADEN_ARMY_
LEONID_BREZHNEV_
LEONID_ILYICH_BREZHNEV
  \t[RUSGOV 19641014-19821110]
OLD_LEADER_
\t[AFGGOV < 331108]
\t[AFGELI 19331108-20070723]
NOBODY_  [---]
"""


@pytest.fixture(scope="module")
def real() -> dict[str, ActorDictionary]:
    return {name: read_actors(PETRARCH / name, quirks_for(name)) for name in ACTOR_FILES}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "test.actors.txt"
    path.write_text(text, encoding="utf-8")
    return path


def by_name(dictionary: ActorDictionary, *words: str) -> ActorRecord:
    return next(record for record in dictionary.records if words in record.phrases)


def test_phrases_synonyms_and_codes(tmp_path: Path) -> None:
    actors = read_actors(write(tmp_path, SAMPLE))
    germany = actors.records[0]
    assert germany.phrases == (("germany",), ("german",), ("federal", "republic", "of", "germany"), ("brd",))
    assert germany.default is not None and germany.default.code == "DEU" and germany.roles == ()
    assert (germany.line, germany.source) == (2, "test.actors.txt")
    mccloy = by_name(actors, "john", "j", "mccloy")  # blanks and '_' both separate words
    assert [(r.code, r.start, r.end) for r in mccloy.roles] == [("IGOUNODEVWBK", date(1947, 3, 1), date(1949, 6, 30))]
    assert mccloy.default is not None and mccloy.default.code == "USAELI"
    carriers = by_name(actors, "b+h", "ocean", "carriers")  # '+' between letters is part of the name
    assert carriers.phrases[1:] == (("army", "of", "aden"), ("aden", "army"))  # '+' elsewhere: another synonym
    brezhnev = by_name(actors, "leonid", "brezhnev")  # codeless names on consecutive lines: one record
    assert brezhnev.phrases == (("leonid", "brezhnev"), ("leonid", "ilyich", "brezhnev"))
    assert brezhnev.code_on(date(1970, 1, 1)) == "RUSGOV"
    nobody = by_name(actors, "nobody")
    assert nobody.code_on(None) is None  # the null code


def test_date_role_resolution(tmp_path: Path) -> None:
    actors = read_actors(write(tmp_path, SAMPLE))
    merkel = by_name(actors, "angela", "merkel")
    assert merkel.code_on(date(1995, 6, 1)) == "DEUELI"  # the restriction covering the date
    assert merkel.code_on(date(2003, 6, 1)) == "DEUELI"  # no restriction: the default
    assert merkel.code_on(date(2005, 11, 22)) == "DEUGOV"  # limits are inclusive; the later start wins
    assert merkel.code_on(date(2010, 1, 1)) == "DEUGOV"
    assert merkel.code_on(None) == "DEUGOV"  # no date: the open-ended role
    old = by_name(actors, "old", "leader")
    assert old.code_on(date(1920, 1, 1)) == "AFGGOV"
    assert old.code_on(date(2010, 1, 1)) is None  # no restriction, no default: nothing
    assert old.code_on(None) == "AFGELI"  # no date, nothing open-ended: the role that ended last
    assert merkel.person and old.person and not by_name(actors, "germany").person
    assert merkel.kind_on(None) == "person" and by_name(actors, "germany").kind_on(None) == "state"
    actor = merkel.actor_on(date(2010, 1, 1))
    assert actor is not None and (actor.country, actor.parts, actor.kind) == ("DEU", ("GOV",), "state")


def test_six_and_eight_digit_dates() -> None:
    assert parse_date("000101") == date(2000, 1, 1)
    assert parse_date("300101") == date(2030, 1, 1)
    assert parse_date("310101") == date(1931, 1, 1)
    assert parse_date("991231") == date(1999, 12, 31)
    assert parse_date("18970101") == date(1897, 1, 1)
    for bad in ("9008223", "201005011", "991332", "000230"):
        with pytest.raises(ValueError, match="date"):
            parse_date(bad)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("+SYNONYM_\n", 1, "synonym before any actor phrase"),
        ("\t[USA]\n", 1, "codes before any actor phrase"),
        ("X_ [USA]\n\tY_ [USA]\n", 2, "an indented line holds only codes"),
        ("X_ [USA] trailing\n", 1, "unexpected text 'trailing' after the codes"),
        ("X_\tnote\t[USA]\n", 1, "unexpected text 'note' after the phrase"),
        ("X]_ [USA]\n", 1, "stray bracket"),
        ("X_ [USA 9008223-911221]\n", 1, "neither YYMMDD nor YYYYMMDD"),
        ("X_ [USA 911221-900101]\n", 1, "ends before it starts"),
        ("X_ [USA 900101]\n", 1, "malformed code group"),
        ("X_ [USAGOVX]\n", 1, "not a run of three-letter parts"),
        ("X_ [ZZZGOV]\n", 1, "starts with 'ZZZ'"),
        ("X_ [USA] [USAGOV]\n", 1, "second default code"),
        ("X_\n\nY_ [USA]\n", 1, "no code for this actor"),
        ("X_ +  [USA]\n", 1, "empty phrase"),
    ],
)
def test_errors_name_file_line_and_reason(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DictionaryError, match=reason) as caught:
        read_actors(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_the_real_files_parse_completely(real: dict[str, ActorDictionary]) -> None:
    counts = {name: len(d.records) for name, d in real.items()}
    assert counts == {
        "Phoenix.Countries.actors.txt": 18355,
        "Phoenix.International.actors.txt": 7839,
        "Phoenix.MilNonState.actors.txt": 1021,
    }
    countries = real["Phoenix.Countries.actors.txt"].records
    assert sum(len(r.phrases) for r in countries) == 25918
    assert sum(len(r.roles) for r in countries) == 26110  # dated roles
    assert sum(r.person for r in countries) == 18040  # the named office holders
    armed = real["Phoenix.MilNonState.actors.txt"].records
    assert sum(r.kind_on(None) == "armed_group" for r in armed) == 1019


def test_real_date_roles(real: dict[str, ActorDictionary]) -> None:
    countries = real["Phoenix.Countries.actors.txt"]
    merkel = by_name(countries, "angela", "merkel")
    assert merkel.code_on(date(1995, 1, 1)) == "DEUELI"
    assert merkel.code_on(date(2005, 11, 21)) == "DEUELI"
    assert merkel.code_on(date(2005, 11, 23)) == "DEUGOV"
    assert merkel.code_on(None) == "DEUGOV"
    cameron = by_name(countries, "david", "cameron")  # a quirk-fixed date: >201005011 read as >20100511
    assert cameron.code_on(date(2010, 5, 10)) != "GBRGOV" and cameron.code_on(date(2012, 1, 1)) == "GBRGOV"
    international = real["Phoenix.International.actors.txt"]
    annan = by_name(international, "kofi", "annan")
    assert annan.code_on(date(2000, 1, 1)) == "IGOUNO" and annan.person
    boko = by_name(real["Phoenix.MilNonState.actors.txt"], "boko", "haram")
    actor = boko.actor_on(None)
    assert actor is not None and (actor.country, actor.kind) == ("NGA", "armed_group")
