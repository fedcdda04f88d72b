"""The actor stage: names, kinds, codes, heads, coreference, salience and the helpers the stance stage uses."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from app.nlp.actors import actors_for_token, update_salience
from app.nlp.types import CharSpan, DocStance
from tests.support import by_text, run_actors


def codes(doc: Doc) -> set[str | None]:
    """The countries of all actors."""
    return {actor.country for actor in doc._.actors}


@pytest.mark.parametrize(
    ("text", "mention", "country"),
    [
        ("The United States criticised Iran.", "The United States", "USA"),
        ("The U.S. criticised Iran.", "The U.S.", "USA"),
        ("America criticised Iran.", "America", "USA"),
        ("Britain protested.", "Britain", "GBR"),
        ("The UK protested.", "The UK", "GBR"),
        ("Ivory Coast protested.", "Ivory Coast", "CIV"),
        ("The DPRK protested.", "The DPRK", "PRK"),
        ("The PRC protested.", "The PRC", "CHN"),
        ("Burma protested.", "Burma", "MMR"),
        ("Chinese diplomacy helped.", "Chinese", "CHN"),
        ("The Palestinians protested.", "The Palestinians", "PSE"),
        ("Beijing rejected the offer.", "Beijing", "CHN"),
        ("Kyiv rejected the offer.", "Kyiv", "UKR"),
        ("The Kremlin rejected the offer.", "The Kremlin", "RUS"),
        ("The White House rejected the offer.", "The White House", "USA"),
        ("Downing Street rejected the offer.", "Downing Street", "GBR"),
    ],
)
def test_states_by_name_demonym_capital_and_seat(nlp: Language, text: str, mention: str, country: str) -> None:
    actor = by_text(run_actors(nlp, text), mention)
    assert (actor.kind, actor.country) == ("state", country)


def test_brussels_speaks_for_the_eu(nlp: Language) -> None:
    assert by_text(run_actors(nlp, "Brussels rejected the offer."), "Brussels").kind == "igo"


@pytest.mark.parametrize(
    ("text", "mention", "kind", "country"),
    [
        ("RSF condemned the jailing of two reporters in Turkey.", "RSF", "ngo", None),
        ("Sudan's army accused the RSF of killing civilians in Omdurman.", "the RSF", "armed_group", "SDN"),
        ("RSF fighters overran an army base near Khartoum.", "RSF fighters", "armed_group", "SDN"),
    ],
)
def test_a_shared_acronym_means_the_organisation_of_the_countries_named(
    nlp: Language, text: str, mention: str, kind: str, country: str | None
) -> None:
    # "RSF": Reporters Without Borders, unless the document names Sudan (the Rapid Support Forces).
    actor = by_text(run_actors(nlp, text), mention)
    assert (actor.kind, actor.country) == (kind, country)


@pytest.mark.parametrize(
    ("text", "mention", "country"),
    [
        ("Keir Starmer criticised the tariffs on Monday.", "Keir Starmer", "GBR"),
        ("Kenyan police deployed in Haiti, President William Ruto said.", "President William Ruto", "KEN"),
        ("Sheinbaum rejected the plan.", "Sheinbaum", "MEX"),
        ("Rafael Grossi visited the plant.", "Rafael Grossi", "IGO"),
    ],
)
def test_office_holders_after_the_phoenix_lists(nlp: Language, text: str, mention: str, country: str) -> None:
    actor = by_text(run_actors(nlp, text), mention)
    assert (actor.kind, actor.country) == ("person", country)


def test_a_place_is_not_an_actor(nlp: Language) -> None:
    doc = run_actors(nlp, "The envoy spoke at a policy event held at the Stimson Center in Washington.")
    assert "USA" not in codes(doc)
    assert all(doc.text[m.start : m.end] != "Washington" for m in doc._.actor_mentions)


@pytest.mark.parametrize(
    ("text", "mention", "kind", "country"),
    [
        ("The UN condemned it.", "The UN", "igo", None),
        ("The U.N. Security Council condemned it.", "The U.N. Security Council", "igo", None),
        ("The IAEA condemned it.", "The IAEA", "igo", None),
        ("NATO condemned it.", "NATO", "igo", None),
        ("The African Union condemned it.", "The African Union", "igo", None),
        ("Amnesty International condemned it.", "Amnesty International", "ngo", None),
        ("The Red Cross condemned it.", "The Red Cross", "igo", None),
        ("Human Rights Watch condemned it.", "Human Rights Watch", "ngo", None),
        ("Hamas condemned it.", "Hamas", "armed_group", "PSE"),
        ("Hezbollah condemned it.", "Hezbollah", "armed_group", "LBN"),
        ("The Taliban condemned it.", "The Taliban", "armed_group", "AFG"),
        ("Al-Qaeda condemned it.", "Al-Qaeda", "armed_group", None),
        ("The PKK condemned it.", "The PKK", "armed_group", "TUR"),
    ],
)
def test_organisations(nlp: Language, text: str, mention: str, kind: str, country: str | None) -> None:
    actor = by_text(run_actors(nlp, text), mention)
    assert (actor.kind, actor.country) == (kind, country)


@pytest.mark.parametrize(
    ("text", "mention", "expected"),
    [
        ("French President Jacques Chirac arrived.", "French President Jacques Chirac", ("FRA", "GOV", "President")),
        ("Palestinian leader Yasser Arafat arrived.", "Palestinian leader Yasser Arafat", ("PSE", "GOV", "Leader")),
        ("The president of Armenia arrived.", "The president of Armenia", ("ARM", "GOV", "President")),
        ("Taiwan's Vice Foreign Minister arrived.", "Taiwan's Vice Foreign Minister", ("TWN", "GOV", None)),
        ("President Bill Clinton arrived.", "President Bill Clinton", ("USA", "GOV", "President")),
        ("An Argentine judge ordered it.", "An Argentine judge", ("ARG", "JUD", "Judge")),
    ],
)
def test_people_with_titles(nlp: Language, text: str, mention: str, expected: tuple[str, str, str | None]) -> None:
    country, sector, title = expected
    actor = by_text(run_actors(nlp, text), mention)
    assert (actor.kind, actor.country, actor.sector) == ("person", country, sector)
    if title:
        assert actor.title == title


def test_an_ambassadors_post_is_not_his_country(nlp: Language) -> None:
    doc = run_actors(nlp, "The plan was set out by the U.S. Ambassador to China on Monday.")
    ambassador = by_text(doc, "the U.S. Ambassador to China")
    assert (ambassador.kind, ambassador.country, ambassador.sector, ambassador.title) == (
        "person",
        "USA",
        "GOV",
        "Ambassador",
    )
    head = next(m.head_i for m in ambassador.mentions)
    assert doc[head].text == "Ambassador"
    assert actors_for_token(doc, head) == [ambassador.id]


def test_a_person_of_an_international_organisation(nlp: Language) -> None:
    doc = run_actors(nlp, "Kenzo Oshima, the United Nations Emergency Relief Coordinator, said aid was needed.")
    actor = by_text(doc, "Kenzo Oshima")
    assert (actor.kind, actor.country) == ("person", "IGO")
    assert by_text(doc, "the United Nations Emergency Relief Coordinator") is actor


@pytest.mark.parametrize(
    ("text", "mention", "country", "sector"),
    [
        ("Rwandan rebels attacked.", "Rwandan rebels", "RWA", "REB"),
        ("Opposition groups in Zimbabwe protested.", "Opposition groups in Zimbabwe", "ZWE", "OPP"),
        ("Serbian forces attacked.", "Serbian forces", "SRB", "MIL"),
        ("Iranian authorities refused.", "Iranian authorities", "IRN", "GOV"),
        ("Iraqi Kurds fled.", "Iraqi Kurds", "IRQ", "CVL"),
        ("Police arrived.", "Police", None, "COP"),
        ("Refugees arrived.", "Refugees", None, "REF"),
        ("Afghan rebel leaders refused.", "Afghan rebel leaders", "AFG", "REB"),
        ("UN peacekeepers left.", "UN peacekeepers", "IGO", "MIL"),
    ],
)
def test_groups(nlp: Language, text: str, mention: str, country: str | None, sector: str) -> None:
    actor = by_text(run_actors(nlp, text), mention)
    assert (actor.kind, actor.country, actor.sector) == ("group", country, sector)


def test_a_saudi_businessman(nlp: Language) -> None:
    actor = by_text(run_actors(nlp, "A Saudi businessman is suing the firm."), "A Saudi businessman")
    assert (actor.country, actor.sector) == ("SAU", "BUS")


def test_unnamed_groups_have_no_country(nlp: Language) -> None:
    doc = run_actors(nlp, "Analysts and observers say officials disagree.")
    for word in ("Analysts", "observers", "officials"):
        actor = by_text(doc, word)
        assert (actor.kind, actor.country) == ("group", None)


def test_compound_mentions_give_one_actor_per_country(nlp: Language) -> None:
    doc = run_actors(nlp, "Senior Hungarian and Romanian officials agreed that their countries should cooperate.")
    hungarian, romanian = by_text(doc, "Hungarian"), by_text(doc, "Romanian")
    assert {hungarian.country, romanian.country} == {"HUN", "ROU"}
    assert hungarian.id != romanian.id
    officials = next(t.i for t in doc if t.text == "officials")
    assert sorted(actors_for_token(doc, officials)) == sorted([hungarian.id, romanian.id])
    their = next(t.i for t in doc if t.text == "their")
    assert sorted(actors_for_token(doc, their)) == sorted([hungarian.id, romanian.id])


def test_a_state_government_is_the_state(nlp: Language) -> None:
    doc = run_actors(nlp, "The Sudanese government refused, and Sudan said so again.")
    assert by_text(doc, "The Sudanese government") is by_text(doc, "Sudan")


def test_pronouns_and_nominals_fold_into_the_nearest_actor(nlp: Language) -> None:
    doc = run_actors(
        nlp,
        "The United States and Jordan have agreed upon a pact between the two countries. "
        "Russia said it would halt its attacks.",
    )
    usa, jordan, russia = by_text(doc, "The United States"), by_text(doc, "Jordan"), by_text(doc, "Russia")
    two = next(t.i for t in doc if t.text == "countries")
    assert sorted(actors_for_token(doc, two)) == sorted([usa.id, jordan.id])
    for pronoun in ("it", "its"):
        token = next(t.i for t in doc if t.text == pronoun)
        assert actors_for_token(doc, token) == [russia.id]
        assert any(m.via == "pronoun" and m.head_i == token for m in russia.mentions)


def test_the_ambassador_folds_into_the_earlier_ambassador(nlp: Language) -> None:
    doc = run_actors(nlp, "The U.S. Ambassador to China spoke. The ambassador outlined a clear expectation.")
    assert by_text(doc, "The ambassador") is by_text(doc, "The U.S. Ambassador to China")


def test_misspelt_names_are_recognised(nlp: Language) -> None:
    assert "ETH" in codes(run_actors(nlp, "Ethopia has agreed to re-open its borders."))
    assert "DZA" in codes(run_actors(nlp, "President Abdelaziz Bouteflicka threatened a curfew."))


def test_names_inside_hyphenated_words(nlp: Language) -> None:
    doc = run_actors(nlp, "A stable U.S.-China relationship is essential, Washington said.")
    usa = by_text(doc, "U.S.")
    assert usa.country == "USA"
    assert by_text(doc, "Washington") is usa
    assert by_text(doc, "China").country == "CHN"


def test_ids_order_and_salience(nlp: Language) -> None:
    doc = run_actors(nlp, "China urged Russia to talk. China and Russia met. China then left.")
    actors = doc._.actors
    assert [a.id for a in actors] == [f"a{n}" for n in range(1, len(actors) + 1)]
    assert [a.salience for a in actors] == sorted((a.salience for a in actors), reverse=True)
    assert all(0.0 <= a.salience <= 1.0 for a in actors)
    assert actors[0].name == "China"
    starts = [m.start for m in doc._.actor_mentions]
    assert starts == sorted(starts)


def test_update_salience_renumbers_stances_consistently(nlp: Language) -> None:
    doc = run_actors(nlp, "China urged Russia to talk. China and Russia met. China left. Ukraine waited.")
    ukraine = by_text(doc, "Ukraine")
    russia = by_text(doc, "Russia")
    span = CharSpan(0, 5)
    doc._.stances = [
        DocStance(holder=[ukraine.id], target=[russia.id], event="DEMAND", trigger=span, sentence=0, evidence=span)
        for _ in range(5)
    ]
    before = ukraine.salience
    update_salience(doc)
    assert ukraine.salience > before  # its role in stances lifts it
    assert [a.salience for a in doc._.actors] == sorted((a.salience for a in doc._.actors), reverse=True)
    assert [a.id for a in doc._.actors] == [f"a{n}" for n in range(1, len(doc._.actors) + 1)]
    for stance in doc._.stances:
        assert stance.holder == [ukraine.id]
        assert stance.target == [russia.id]
    assert all(m.actor_id == ukraine.id for m in ukraine.mentions)


def test_an_empty_text_has_no_actors(nlp: Language) -> None:
    doc = run_actors(nlp, "")
    assert doc._.actors == []
    assert doc._.actor_mentions == []
