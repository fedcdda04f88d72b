"""The actor stage reads the Phoenix dictionaries: places, dated office holders, organisations, agents.

Every sentence here is written for this test (none comes from the evaluation data). Stances are read
through ``tests.support.stances``, which codes an actor as the evaluation does (its country, or
IGO / NGO / IMG by kind).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from app.evaluation import actor_code
from app.nlp.actors.phoenix import CountryPhrases, load_rules, read_record, role_for
from app.nlp.dictionaries import load_dictionaries
from app.nlp.pipeline import ACTORS_PIPE, analyze_texts, load_pipeline
from app.nlp.types import DocActor
from tests.support import MODEL, stances

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def analyse(nlp: Language, text: str, day: date | None = None) -> Doc:
    """Run the whole pipeline on ``text`` written on ``day``."""
    doc = nlp.make_doc(text)
    doc._.article_date = day
    return nlp(doc)


def actor_named(doc: Doc, text: str) -> DocActor:
    """Return the actor one of whose mentions reads ``text``."""
    for actor in doc._.actors:
        if any(doc.text[m.start : m.end] == text for m in actor.mentions):
            return actor
    raise AssertionError(f"no actor mentioned as {text!r} in {[a.name for a in doc._.actors]}")


def mentioned(doc: Doc) -> set[str]:
    """Return the texts of every actor mention."""
    return {doc.text[m.start : m.end] for actor in doc._.actors for m in actor.mentions}


def codes(doc: Doc) -> set[str | None]:
    """Return the evaluation codes of the document's actors."""
    return {actor_code({"kind": a.kind, "country": a.country}) for a in doc._.actors}


# -- cities are places that lend their country -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "city", "country"),
    [
        ("Russian artillery shelled Kharkiv on Tuesday.", "Kharkiv", "UKR"),
        ("Rockets hit Donetsk overnight.", "Donetsk", "UKR"),
        ("Protesters marched in Mombasa.", "Mombasa", "KEN"),
        ("The envoy flew to Samarra.", "Samarra", "IRQ"),
    ],
)
def test_a_city_of_the_dictionaries_is_a_place_of_its_country(
    nlp: Language, text: str, city: str, country: str
) -> None:
    doc = analyse(nlp, text)
    places = {doc.text[p.start : p.end]: p.country for p in doc._.places}
    assert places.get(city) == country
    assert not any(a.name == city for a in doc._.actors)  # never an actor of its own


@pytest.mark.parametrize(
    ("text", "holder", "target"),
    [
        ("Russian artillery shelled Kharkiv on Tuesday.", ["RUS"], ["UKR"]),
        ("Odessa was shelled overnight.", [], ["UKR"]),
        ("Syrian rebels attacked an army base near Aleppo.", ["SYR"], ["SYR"]),
    ],
)
def test_an_attack_on_a_city_targets_its_state(nlp: Language, text: str, holder: list[str], target: list[str]) -> None:
    found = [(s["holder"], s["target"]) for s in stances(nlp, text) if s["event"] == "ASSAULT"]
    assert (holder, target) in found


def test_a_capital_that_acts_is_still_its_government(nlp: Language) -> None:
    doc = analyse(nlp, "Moscow said the talks had failed, and Kinshasa agreed.")
    assert (actor_named(doc, "Moscow").kind, actor_named(doc, "Moscow").country) == ("state", "RUS")
    assert actor_named(doc, "Kinshasa").country == "COD"


def test_names_adjectives_and_cities_of_a_country_record_are_told_apart(nlp: Language) -> None:
    phrases = CountryPhrases(nlp.get_pipe(ACTORS_PIPE).gazetteer)
    assert phrases.via("UKR", ("kharkiv",)) == "city"
    assert phrases.via("UKR", ("ukrane",)) == "name"  # a misspelling, one edit from the name
    assert phrases.via("UKR", ("charkiv",)) == "city"
    assert phrases.via("UKR", ("ukrainian",)) == "demonym"
    assert phrases.via("GEO", ("republic", "of", "georgia")) == "name"  # holds the name
    assert phrases.via("TCD", ("ndjamena",)) == "capital"  # N'Djamena without its apostrophe
    doc = analyse(nlp, "The Republic of Georgia protested.")
    assert (actor_named(doc, "The Republic of Georgia").kind, actor_named(doc, "The Republic of Georgia").country) == (
        "state",
        "GEO",
    )


def test_a_longer_dictionary_name_wins_over_the_country_inside_it(nlp: Language) -> None:
    doc = analyse(nlp, "Firefighters battled a blaze in New Mexico.")
    places = {doc.text[p.start : p.end]: p.country for p in doc._.places}
    assert places == {"New Mexico": "USA"}
    assert "MEX" not in codes(doc)


# -- persons by their role on the article's date ------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "sector", "title"),
    [
        (None, "GOV", "Chancellor"),
        (date(1995, 6, 1), "ELI", None),  # before her government role: an elite
        (date(2010, 6, 1), "GOV", "Chancellor"),
        (datetime(2010, 6, 1, 12, 30), "GOV", "Chancellor"),  # a datetime is read as its day
    ],
)
def test_a_curated_person_takes_the_role_of_the_articles_date(
    nlp: Language, day: date | None, sector: str, title: str | None
) -> None:
    merkel = actor_named(analyse(nlp, "Angela Merkel met the French president.", day), "Angela Merkel")
    assert (merkel.kind, merkel.country, merkel.sector, merkel.title) == ("person", "DEU", sector, title)


@pytest.mark.parametrize(
    ("day", "sector"),
    [
        (None, "GOV"),  # the most recent role
        (date(1975, 1, 1), "ELI"),
        (date(1979, 1, 1), "GOV"),
        (date(1990, 1, 1), "GOV"),  # after every role ended: the most recent one before that day
    ],
)
def test_an_office_holder_only_the_dictionaries_know(nlp: Language, day: date | None, sector: str) -> None:
    taraki = actor_named(analyse(nlp, "Nur Mohammad Taraki met the Soviet ambassador.", day), "Nur Mohammad Taraki")
    assert (taraki.kind, taraki.country, taraki.sector) == ("person", "AFG", sector)
    assert taraki.title == ("Government Official" if sector == "GOV" else None)


def test_the_role_rule_reads_dated_codes() -> None:
    (merkel,) = [r for r in load_dictionaries().actors.lookup(["angela", "merkel"]) if r.person]
    role = role_for(merkel, date(1995, 1, 1))
    assert role is not None and role.code == "DEUELI"
    reading = read_record(merkel, date(2010, 1, 1), load_rules())
    assert reading is not None and (reading.type, reading.country, reading.sector) == ("person", "DEU", "GOV")


def test_analyze_texts_gives_each_text_its_date(nlp: Language) -> None:
    texts = ["Angela Merkel criticised the plan."] * 2
    results = analyze_texts(nlp, texts, dates=[date(1995, 1, 1), date(2010, 1, 1)])
    sectors = [
        next(a["sector"] for a in r.analysis["actors"] if a["name"] == "Angela Merkel") for r in results if r.analysis
    ]
    assert sectors == ["ELI", "GOV"]
    with pytest.raises(ValueError, match="one date"):
        analyze_texts(nlp, texts, dates=[date(1995, 1, 1)])


def test_an_article_date_that_is_no_date_is_an_error(nlp: Language) -> None:
    doc = nlp.make_doc("Angela Merkel spoke.")
    doc._.article_date = "2010-01-01"
    with pytest.raises(TypeError, match="article_date"):
        nlp(doc)


def test_the_post_the_text_gives_a_known_person_wins(nlp: Language) -> None:
    doc = analyse(nlp, "Kenzo Oshima, the United Nations Emergency Relief Coordinator, appealed for aid.")
    oshima = actor_named(doc, "Kenzo Oshima")  # Japanese government in the dictionary, at the UN here
    assert (oshima.kind, oshima.country) == ("person", "IGO")
    assert actor_named(doc, "the United Nations Emergency Relief Coordinator") is oshima


# -- organisations and armed groups ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (
            "The Organisation for the Prohibition of Chemical Weapons criticised Syria.",
            "The Organisation for the Prohibition of Chemical Weapons",
            ("igo", None, None, "IGO"),
        ),
        (
            "The Norwegian Refugee Council appealed for aid.",
            "The Norwegian Refugee Council",
            ("ngo", "NOR", "REF", "NGO"),
        ),
        ("Exxon signed a deal with Angola.", "Exxon", ("organization", "USA", "BUS", "USA")),
        # The armed-group file writes the name with its acronym: the bare name is found too.
        (
            "The Aden Abyan Islamic Army attacked a convoy.",
            "The Aden Abyan Islamic Army",
            ("armed_group", "YEM", "REB", "YEM"),
        ),
        (
            "The Abu Nidal Organization claimed the attack.",
            "The Abu Nidal Organization",
            ("armed_group", None, "REB", "IMG"),
        ),
        ("The Free Syrian Army shelled the town.", "The Free Syrian Army", ("armed_group", "SYR", "REB", "SYR")),
    ],
)
def test_organisations_and_armed_groups_of_the_dictionaries(
    nlp: Language, text: str, name: str, expected: tuple[str | None, ...]
) -> None:
    """Kind, country, sector, and the code the evaluation scores it by."""
    actor = actor_named(analyse(nlp, text), name)
    coded = actor_code({"kind": actor.kind, "country": actor.country})
    assert (actor.kind, actor.country, actor.sector, coded) == expected


def test_a_company_the_dictionary_gives_no_country_is_of_the_place_it_names(nlp: Language) -> None:
    paper = actor_named(analyse(nlp, "The New York Times reported the talks."), "The New York Times")
    assert (paper.kind, paper.country, paper.sector) == ("organization", "USA", "MED")


# -- agents ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mention", "expected"),
    [
        (
            # The city places the group (as a capital would); it is not part of its name.
            "Dockworkers in Rotterdam went on strike.",
            "Dockworkers",
            ("group", "NLD", "LAB"),
        ),  # dock+workers
        ("Fishermen in Mombasa blocked the harbour.", "Fishermen", ("group", "KEN", "AGR")),
        ("Army reservists in Donetsk were called up.", "Army reservists", ("group", "UKR", "MIL")),
        ("A Kenyan lawyer appealed against the verdict.", "A Kenyan lawyer", ("person", "KEN", "JUD")),
        ("Islamic clerics in Kano condemned the attack.", "Islamic clerics", ("group", "NGA", "REL")),
    ],
)
def test_agent_nouns_bring_their_sector(nlp: Language, text: str, mention: str, expected: tuple[str, ...]) -> None:
    """Kind, country and sector."""
    actor = actor_named(analyse(nlp, text), mention)
    assert (actor.kind, actor.country, actor.sector) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Thousands of tourists visited the old town.",  # leisure is no politics
        "A powerful typhoon hit the coast.",  # "typhoon" is a fighter jet in the agents file
        "The missile landed in a field.",  # a weapon is no actor
    ],
)
def test_agents_that_name_no_political_actor_are_not_used(nlp: Language, text: str) -> None:
    assert analyse(nlp, text)._.actors == []


def test_curated_words_win_over_agents(nlp: Language) -> None:
    doc = analyse(nlp, "Prosecutors in Nairobi charged the mayor.")  # "prosecutors": curated JUD
    assert actor_named(doc, "Prosecutors").sector == "JUD"
    workers = actor_named(analyse(nlp, "Workers in Lagos protested."), "Workers")
    assert workers.sector == "CVL"  # the curated group head, not the agent's LAB


# -- case traps ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Let us hope the turkey is cooked in time.",
        "He bought sugared jordan almonds and a georgia peach.",
        "The chef served chad with mali rice.",
        "Us and them, the old song goes.",
    ],
)
def test_common_words_in_lower_case_are_no_countries(nlp: Language, text: str) -> None:
    assert not codes(analyse(nlp, text)) & {"USA", "TUR", "JOR", "GEO", "TCD", "MLI"}


def test_the_same_words_written_as_names_are_countries(nlp: Language) -> None:
    doc = analyse(nlp, "US officials said Turkey, Jordan, Georgia, Chad and Mali had agreed.")
    assert {"USA", "TUR", "JOR", "GEO", "TCD", "MLI"} <= codes(doc)


@pytest.mark.parametrize("text", ["Jordan Henderson scored twice.", "Chad Johnson met the coach."])
def test_a_name_inside_a_longer_persons_name_is_not_that_name(nlp: Language, text: str) -> None:
    doc = analyse(nlp, text)
    assert codes(doc) == {None} and not doc._.places


# -- sport and entertainment names are no political actors ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "not_actors"),
    [
        (
            "Manchester United defeated Bayern Munich in the Champions League final in Barcelona.",
            {"Manchester United", "the Champions League", "Champions League"},
        ),
        ("Serena Williams won the Australian Open in Melbourne.", {"Serena Williams", "Australian"}),
    ],
)
def test_sport_names_are_no_actors(nlp: Language, text: str, not_actors: set[str]) -> None:
    doc = analyse(nlp, text)
    assert not mentioned(doc) & not_actors
    assert stances(nlp, text) == []


def test_a_political_actor_beside_a_sport_name_is_still_one(nlp: Language) -> None:
    doc = analyse(nlp, "Kenya protested to FIFA after Nigeria seized a Kenyan ship.")
    assert {"KEN", "NGA"} <= codes(doc)
    assert "FIFA" not in mentioned(doc)


# -- the user's own dictionaries -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def user_nlp(tmp_path_factory: pytest.TempPathFactory) -> Language:
    """The pipeline with the example user dictionaries (a made-up minister, NGO and agent), and a user
    file that names a curated group head ("Supreme Court") as one country's court."""
    courts = tmp_path_factory.mktemp("dictionaries") / "courts.actors.txt"
    courts.write_text("SUPREME_COURT_  [USAJUD]\n", encoding="utf-8")
    return load_pipeline(MODEL, [EXAMPLES / "example.actors.txt", EXAMPLES / "example.agents.txt", courts])


@pytest.mark.parametrize(
    ("day", "sector"),
    [(None, "GOV"), (date(2021, 5, 1), "LEG"), (date(2024, 5, 1), "GOV")],
)
def test_a_made_up_politician_of_a_user_file_is_found_with_her_role(
    user_nlp: Language, day: date | None, sector: str
) -> None:
    doc = analyse(user_nlp, "Marta Kovalenko criticised the new budget, and Kovalenko later resigned.", day)
    kovalenko = actor_named(doc, "Marta Kovalenko")
    assert (kovalenko.kind, kovalenko.country, kovalenko.sector) == ("person", "UKR", sector)
    assert actor_named(doc, "Kovalenko") is kovalenko


def test_a_user_organisation_and_agent_are_found(user_nlp: Language) -> None:
    doc = analyse(user_nlp, "The Kyiv Open Courts Watch said drone operators in Kharkiv were detained.")
    watch = actor_named(doc, "The Kyiv Open Courts Watch")
    assert (watch.kind, watch.country, watch.sector) == ("ngo", "UKR", "HRI")
    operators = actor_named(doc, "drone operators")
    assert (operators.kind, operators.country, operators.sector) == ("group", "UKR", "MIL")


def test_a_curated_group_head_wins_over_a_user_name_for_the_same_words(nlp: Language, user_nlp: Language) -> None:
    """The user file's "Supreme Court" is the US court; the curated head noun keeps the text's country."""
    text = "The Kenyan Supreme Court annulled the election."
    with_file = actor_named(analyse(user_nlp, text), "The Kenyan Supreme Court")
    without = actor_named(analyse(nlp, text), "The Kenyan Supreme Court")
    assert (with_file.kind, with_file.country, with_file.sector) == (without.kind, "KEN", "JUD")


def test_without_the_user_file_the_politician_is_unknown(nlp: Language) -> None:
    doc = analyse(nlp, "Marta Kovalenko criticised the new budget.")
    assert all(a.country != "UKR" for a in doc._.actors)


# -- hashed look-ups ----------------------------------------------------------------------------------------


class _CountingDict(dict[str, object]):
    """A dict that counts the look-ups made through ``get``."""

    calls = 0

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        _CountingDict.calls += 1
        return super().get(key, default)


def test_look_ups_per_token_do_not_grow_with_the_dictionary(
    nlp: Language, user_nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same text costs the same hashed look-ups whether the dictionary holds more records or not."""
    text = "The envoy met officials in Kharkiv and Odessa before flying to Geneva."
    counts = []
    for pipeline in (nlp, user_nlp):
        index = pipeline.get_pipe(ACTORS_PIPE).dictionary.actors.phrases
        monkeypatch.setattr(index, "lengths", _CountingDict(index.lengths))
        monkeypatch.setattr(index, "phrases", _CountingDict(index.phrases))
        _CountingDict.calls = 0
        analyse(pipeline, text)
        counts.append(_CountingDict.calls)
    assert counts[0] == counts[1] > 0
    assert len(user_nlp.get_pipe(ACTORS_PIPE).dictionary.actors) > len(nlp.get_pipe(ACTORS_PIPE).dictionary.actors)
