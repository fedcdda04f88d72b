"""Relevance: sport, celebrity, business, weather, science and culture news gives no confident stance.

Every sentence here was written for this test (none comes from the evaluation records). The
non-political ones are full of words the lexicon reads as political acts; none may give a stance of
confidence >= 0.5. The political ones name a business, a team, a match, a storm or a place and must
keep their main stance, coded as the evaluation codes it (an actor's country, ``IGO``); ``None`` for
a target means any (or none).
"""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from app.nlp.dictionaries import load_dictionaries
from app.nlp.stances.topic import Vocabulary, load_relevance
from tests.support import stances

CONFIDENT = 0.5
SPORT = [
    "The Lakers waived their backup centre on Thursday to make room for a rookie guard.",
    "Liverpool's striker fired a shot past the keeper to seal a 3-0 win over Everton.",
    "The All Blacks crushed Wales 45-10 in Cardiff on Saturday.",
    "The Yankees traded their star pitcher to the Dodgers for two prospects.",
    "Arsenal agreed a fee with Benfica for the Portuguese winger.",
    "The referee sent off two defenders after a brawl broke out in the second half.",
    "India's spinners destroyed the Australian middle order on the fourth day.",
    "The Olympic champion withdrew from the race in Zurich with a hamstring injury.",
    "The heavyweight champion knocked out his challenger in the third round in Las Vegas.",
    "Ferrari appealed against the stewards' ruling that cost its driver a podium finish.",
    "The home fans booed the visiting team throughout the second half.",
    "Chelsea sacked their manager after a run of six defeats.",
    "The Spanish midfielder signed a five-year contract with Bayern Munich.",
    "The visiting side besieged the Italian goal in the final ten minutes but could not score.",
    "The New Zealand crew defeated the Italian challenger to keep the America's Cup.",
    "Kenyan runners dominated the 10,000 metres final in Tokyo.",
    "Argentina's hockey team beat Germany on penalties to reach the final.",
    "The goalkeeper blocked a penalty from the French captain in stoppage time.",
    # A body named like an NGO ("league", "federation") is the sport's own in a sport sentence.
    "The sprinter set a national record at the Golden League meeting in Oslo.",
    # Judges in a sport sentence are the sport's; winter sports and gymnastics are sports.
    "Norway's ski federation protested against the judges' decision to disqualify its jumpers.",
    # A cue says what a sentence is about even where it only says whence ("exit from the tournament").
    "The England captain apologised to fans after the team's exit from the tournament.",
    "The gymnast's coach accused the judges of favouring the home team at the world championships.",
    "The cyclist attacked on the final climb and dropped his rivals.",
    "Ireland's forwards pounded the French line for twenty minutes.",
    "The Patriots' defence sacked the quarterback four times in the first half.",
    "The Polish tennis star fired 20 aces to beat her Czech opponent.",
    "Japan's swimmers captured three gold medals on the opening day.",
    "The boxer threatened to retire after losing his title to a Mexican challenger.",
    "The chess champion surrendered his crown to a 19-year-old challenger from India.",
    "Juventus signed the Serbian striker Dusan Vlahovic from Fiorentina in January.",
    "Novak Djokovic defeated Rafael Nadal in four sets to win the French Open.",
    "Lewis Hamilton accused Max Verstappen of dangerous driving after the crash at Silverstone.",
    "The Dallas Cowboys cut their veteran kicker after he missed three field goals.",
    "Brazil's national team arrived in Qatar on Sunday ahead of the tournament.",
    "England captain Harry Kane criticised the pitch at Wembley after the draw.",
    "Manchester City demanded an apology from the league over a disallowed goal.",
    "Spain thrashed Costa Rica 7-0 in their opening game.",
    "Australian bowlers tore through the Pakistani batting order before lunch.",
    "Pakistan's batsmen surrendered meekly to the English spinners.",
    "The Chinese table tennis team crushed South Korea to win the title.",
    "Messi threatened to leave Barcelona after a row with the club's president.",
    "The Italian club fired its coach after a humiliating defeat in Naples.",
    "Japan's rugby team stunned South Africa in Brighton.",
    "Kenya's Eliud Kipchoge led the field from the start and won the Berlin Marathon.",
    "The Springboks overpowered the French pack in the second half in Paris.",
    "Naomi Osaka withdrew from the tournament in Melbourne citing a back injury.",
    "The New York Knicks traded two first-round picks to Utah for a veteran guard.",
    "Manchester United signed the Dutch goalkeeper from Ajax on a three-year deal.",
    "The Brazilian striker threatened to quit the club unless his wages were raised.",
]
CELEBRITY = [
    # An agency in an entertainment sentence is a talent agency, not the press.
    "The K-pop agency sued three members of the band for breach of contract.",
    "The rapper accused his former manager of stealing royalties from his albums.",
    "The pop singer thanked her fans in Brazil after heat forced her to postpone a concert.",
    "The Oscar-winning director criticised streaming services for ignoring cinemas.",
    "The band cancelled its European tour after the lead singer fell ill.",
    "A celebrity chef threatened to close his London restaurant over rising rents.",
    "The novelist attacked reviewers who had mocked her latest book.",
    "The talk show host apologised to viewers for a joke about his guest.",
    "The pop singer sued a magazine for publishing photographs of her wedding.",
    "The comedian mocked the awards ceremony in his opening monologue.",
    "Beyonce cancelled her concert in Dublin because of a storm warning.",
    "Kanye West attacked Taylor Swift on social media after the awards show.",
    "The Rolling Stones announced a tour of South America next spring.",
    "Leonardo DiCaprio met fans in Tokyo at the premiere of his new film.",
    "Madonna sued her former assistant over an unauthorised biography.",
    "Adele postponed her Las Vegas residency after members of her crew fell ill.",
    "Ed Sheeran thanked fans in Ghana after a sold-out concert in Accra.",
]
BUSINESS = [
    "Toyota recalled two million cars over faulty brakes in the United States.",
    "Shareholders of the mining group rejected the board's pay proposal.",
    "Airbus won an order for 50 jets from an Indian airline.",
    "The brewer sued its former distributor over unpaid invoices.",
    "The carmaker announced it would cut 3,000 jobs at its plants in Germany.",
    "The airline suspended flights to Bangkok because of weak demand.",
    "The retailer warned investors that profits would fall this year.",
    "The two chipmakers formed a joint venture to build a plant in Arizona.",
    "The software maker blocked access to its cloud service for customers who had not paid.",
    "The German carmaker will withdraw its electric model from the Chinese market.",
    "The private equity firm launched a hostile takeover of the British supermarket chain.",
    "Two Hollywood studios agreed to merge their animation divisions.",
    "Netflix acquired the rights to the French thriller for 20 million dollars.",
    "Apple agreed to buy a British start-up that makes music software.",
    "Microsoft will stop selling its tablet in China next year.",
    "Tesla cut prices of its cars in China and Europe.",
    "Boeing delivered the first of 30 new planes to Emirates in Dubai.",
    "Volkswagen admitted cheating on emissions tests in the United States.",
    "Amazon threatened to pull its products from a French retailer over unpaid bills.",
    "Shell sold its stake in a Nigerian oil field to a local company.",
    "Unilever agreed to pay 2 billion euros for an American toothpaste brand.",
    "Goldman Sachs fired three traders in London over a bonus scandal.",
    "Ryanair cancelled hundreds of flights to Italy after a pilots' dispute.",
    "Google launched a new phone in India aimed at first-time buyers.",
    "Samsung accused Apple of copying the design of its folding phone.",
    "Nissan agreed to sell its Russian plant to a state-owned firm for one euro.",
    "The Swiss drugmaker won approval in Europe for its new cancer drug.",
    "Ford recalled 500,000 pickup trucks in Canada over a wiring fault.",
    # A country named only where a project lies ("a project in Hungary") is a place, not a party.
    "The carmaker withdrew from a battery plant project in Hungary because of weak demand.",
    # Aircraft delivered are machines, not a force: no military participant.
    "Airbus halted deliveries of A350 jets to inspect a fault in the fuel pumps.",
    "Meta fined its contractors for breaching a confidentiality agreement.",
]
WEATHER = [
    # A natural force doing what a noun names ("forced the evacuation") is no agent either.
    "The hurricane forced the evacuation of 100,000 residents in Florida.",
    "Floods forced the evacuation of thousands of villagers in Bangladesh.",
    "Torrential rain battered southern India, cutting power to thousands of homes.",
    "A magnitude 6.8 earthquake struck off the coast of Japan on Friday.",
    "Wildfires destroyed hundreds of homes in California over the weekend.",
    "Floodwaters cut off dozens of villages in northern Pakistan.",
    "A heatwave killed dozens of elderly people in Spain last month.",
    "The volcano erupted again, forcing airlines to cancel flights to Bali.",
    "Avalanches buried several ski lodges in the Swiss Alps.",
    "A tornado tore through a small town in Oklahoma, killing three people.",
    "Hurricane Ian slammed into Florida on Wednesday with winds of 150 mph.",
    "Typhoon Haishen battered Okinawa before heading towards South Korea.",
    "A powerful earthquake shook eastern Turkey, killing at least 20 people.",
    "Floods swept through Germany's Ahr valley, destroying bridges and roads.",
    "Cyclone Freddy struck Mozambique for the second time in a month.",
    "Heavy snow paralysed Moscow, forcing the closure of two airports.",
    "An earthquake of magnitude 7.1 shook southern Mexico, damaging buildings in Acapulco.",
    "Bushfires forced thousands of residents to flee towns in Victoria.",
]
SCIENCE = [
    "Astronomers discovered a new moon orbiting Saturn.",
    "The telescope captured images of a dying star in a distant galaxy.",
    "Researchers in Oxford launched a trial of a new malaria vaccine.",
    "The European rover drilled into the Martian soil for the first time.",
    "Doctors in Boston transplanted a pig kidney into a patient.",
    "Marine biologists warned that coral reefs could vanish within decades.",
    "NASA launched a satellite to monitor rising sea levels.",
    "NASA's Perseverance rover collected its first sample of Martian rock.",
    "India launched a rocket carrying 36 satellites from its space port in Sriharikota.",
    "Japanese scientists revealed that the asteroid samples contain amino acids.",
    "European researchers unveiled a vaccine that protects mice against malaria.",
    "The Russian Soyuz capsule docked with the International Space Station on Friday.",
    "Spanish scientists discovered a new species of dinosaur in the Pyrenees.",
    "The Indian lunar lander touched down near the Moon's south pole.",
    "Chinese astronauts docked with the Tiangong space station on Thursday.",
    "A team of French archaeologists uncovered a Roman villa near Lyon.",
]
CULTURE = [
    "The orchestra performed Beethoven's Ninth in Vienna to a packed hall.",
    "The festival jury awarded its top prize to a Korean film.",
    "A rare Picasso painting sold for 90 million dollars at auction in New York.",
    "The ballet company opened its season with a new production of Swan Lake.",
    "The gallery refused to lend the painting to a museum in Paris.",
    "The British Museum opened an exhibition of Egyptian mummies.",
    "The Vienna Philharmonic played to a full house in Tokyo.",
    "A Chinese film won the Golden Lion at the Venice festival.",
    "Picasso's portrait of his lover sold for 100 million dollars in New York.",
    "Nigerian author Chimamanda Ngozi Adichie criticised the publisher for changing her novel's title.",
    "The Metropolitan Museum returned a stolen statue to a private collector.",
    "The Berlin Philharmonic cancelled its Asian tour because of the conductor's illness.",
]
NON_POLITICAL = SPORT + CELEBRITY + BUSINESS + WEATHER + SCIENCE + CULTURE
# Known misses, each for a reason outside this stage; strict, so a fix shows up as a failure to update.
MISSES = {
    "Rihanna donated five million dollars to a charity helping victims of the earthquake in Turkey.": (
        "the singer inherits the country of the place named in the phrase and reads as a national"
    ),
    "Johnny Depp accused his former wife of lying to the court in London.": (
        "the accusation's target is read as the court in the complement clause, a political actor"
    ),
}

POLITICAL: list[tuple[str, str, str, str | None]] = [
    ("Egyptian riot police fired tear gas at football fans outside the stadium in Cairo.", "EGY", "ASSAULT", None),
    ("The European Union froze the assets of a Belarusian potash company.", "IGO", "SANCTION", "BLR"),
    (
        "Despite heavy rain, thousands of Venezuelans marched in Caracas against President Maduro.",
        "VEN",
        "PROTEST",
        "VEN",
    ),
    ("Chinese authorities detained the founder of a Shanghai technology company.", "CHN", "COERCE", "CHN"),
    ("Iran seized a British oil tanker in the Strait of Hormuz.", "IRN", "COERCE", "GBR"),
    ("Ukrainian drones struck an oil refinery in southern Russia.", "UKR", "ASSAULT", "RUS"),
    ("Qatar's emir met the French president before the World Cup final in Doha.", "QAT", "CONSULT", "FRA"),
    ("Russia expelled two Norwegian diplomats accused of spying.", "RUS", "SANCTION", "NOR"),
    ("Israeli forces killed three Palestinians in a raid on Jenin.", "ISR", "ASSAULT", "PSE"),
    ("Greek police clashed with football fans in Athens after the match.", "GRC", "ASSAULT", None),
    ("Syrian rebels shelled a stadium used by government troops in Aleppo.", "SYR", "ASSAULT", "SYR"),
    ("Mexico's president accused a Canadian mining company of polluting a river.", "MEX", "ACCUSE", "CAN"),
    ("The Pakistani army evacuated thousands of villagers from flooded areas in Sindh.", "PAK", "AID", "PAK"),
    ("Japan sent aid to Turkey after the earthquake.", "JPN", "AID", "TUR"),
    ("Cuba accused the United States of blocking fuel shipments after the hurricane.", "CUB", "ACCUSE", "USA"),
    ("Iranian protesters demonstrated against the government during a football match in Doha.", "IRN", "PROTEST", None),
    ("The Kenyan government deported a British businessman accused of fraud.", "KEN", "COERCE", "GBR"),
    ("Russia suspended flights to Georgia after protests in Tbilisi.", "RUS", "SANCTION", "GEO"),
    ("The Indian government banned a Chinese video app.", "IND", "COERCE", "CHN"),
    ("Protesters clashed with police outside a Nike factory in Jakarta.", "IDN", "ASSAULT", "IDN"),
    ("Storm damage forced the Philippine president to cancel his visit to Japan.", "PHL", "REJECT", "JPN"),
    (
        "Argentina accused Britain of militarising the Falkland Islands during a football tournament.",
        "ARG",
        "ACCUSE",
        "GBR",
    ),
    ("The Nigerian army rescued 30 schoolgirls kidnapped by Boko Haram.", "NGA", "ASSAULT", "NGA"),
    ("Russian troops shelled a football stadium in Kharkiv.", "RUS", "ASSAULT", None),
    ("Thai police arrested a British businessman wanted for fraud in Bangkok.", "THA", "COERCE", "GBR"),
    ("Kenyan riot police dispersed farmers protesting against low tea prices in Nairobi.", "KEN", "COERCE", "KEN"),
    ("Chinese police detained Tibetan protesters near the Olympic stadium in Beijing.", "CHN", "COERCE", "CHN"),
    ("Israeli warplanes bombed a power plant in Gaza during a heatwave.", "ISR", "ASSAULT", "PSE"),
    ("Venezuela seized the assets of an American oil company.", "VEN", "COERCE", "USA"),
    ("The German chancellor met the chief executives of Volkswagen and BMW in Berlin.", "DEU", "CONSULT", None),
    (
        "The Zimbabwean government expelled a South African mining firm accused of smuggling diamonds.",
        "ZWE",
        "COERCE",
        "ZAF",
    ),
    ("Nicaraguan police raided the offices of an opposition newspaper after the hurricane.", "NIC", "COERCE", "NIC"),
    (
        "The Iranian foreign minister condemned the British tabloid for insulting the supreme leader.",
        "IRN",
        "ACCUSE",
        "GBR",
    ),
    # A listed organisation named "League" keeps its standing in a sport sentence.
    (
        "The Arab League condemned the shelling of a stadium in Gaza during the football tournament.",
        "IGO",
        "ACCUSE",
        "PSE",
    ),
    # History and dates never silence a sentence's act (the discards' years and "years ago" are not topics).
    ("Israel killed hundreds of Palestinians in 1948, the historian said.", "ISR", "ASSAULT", "PSE"),
    ("Fifty years ago, Indian troops captured the town from Pakistani forces.", "IND", "ASSAULT", "PAK"),
]


def _confident(found: list[dict[str, Any]]) -> list[tuple[list[str], str, list[str], float]]:
    return [(s["holder"], s["event"], s["target"], s["confidence"]) for s in found if s["confidence"] >= CONFIDENT]


@pytest.mark.parametrize("text", NON_POLITICAL, ids=[t[:40] for t in NON_POLITICAL])
def test_non_political_sentence_gives_no_confident_stance(nlp: Language, text: str) -> None:
    assert _confident(stances(nlp, text)) == []


@pytest.mark.parametrize("text", sorted(MISSES), ids=[t[:40] for t in sorted(MISSES)])
def test_known_misses_still_give_a_confident_stance(nlp: Language, text: str) -> None:
    """The misses stay listed only while they miss: once one passes, move it to its category."""
    assert _confident(stances(nlp, text)), f"now passes ({MISSES[text]}): move it to the non-political lists"


def test_non_political_set_is_large_and_varied() -> None:
    assert len(NON_POLITICAL) >= 60
    assert min(len(s) for s in (SPORT, CELEBRITY, BUSINESS, WEATHER, SCIENCE, CULTURE)) >= 10
    assert len(set(NON_POLITICAL)) == len(NON_POLITICAL)


@pytest.mark.parametrize(("text", "holder", "event", "target"), POLITICAL, ids=[p[0][:40] for p in POLITICAL])
def test_political_act_in_a_non_political_setting_keeps_its_stance(
    nlp: Language, text: str, holder: str, event: str, target: str | None
) -> None:
    found = stances(nlp, text)
    kept = [
        s for s in found if s["event"] == event and holder in s["holder"] and (target is None or target in s["target"])
    ]
    assert kept, f"no {holder} {event} {target} in {[(s['holder'], s['event'], s['target']) for s in found]}"
    assert max(s["confidence"] for s in kept) >= CONFIDENT


def test_the_decision_is_per_stance(nlp: Language) -> None:
    """The arrest is coded; the match result in the same sentence is not read as an assault."""
    found = stances(
        nlp, "Argentine police arrested dozens of fans after Brazil beat Argentina in the World Cup qualifier."
    )
    assert ("COERCE", "ARG") in {(s["event"], h) for s in found for h in s["holder"]}
    assert not [s for s in found if s["event"] == "ASSAULT" and "BRA" in s["holder"]]


def test_natural_force_is_no_agent(nlp: Language) -> None:
    """A storm that destroys barracks attacks no one: the stance is removed, not only weakened."""
    assert stances(nlp, "A cyclone destroyed hundreds of army barracks in Myanmar.") == []


def test_participants_the_coder_cannot_place_halve_the_confidence(nlp: Language) -> None:
    """Two unknown people with no political sign: the stance stays, below the confident threshold."""
    found = stances(nlp, "Lewis Hamilton accused Max Verstappen of dangerous driving.")
    accuse = [s for s in found if s["event"] == "ACCUSE"]
    assert accuse
    assert all(s["confidence"] < CONFIDENT for s in accuse)


def test_a_club_named_after_a_capital_is_no_government(nlp: Language) -> None:
    found = stances(nlp, "Atletico Madrid rejected an offer from a Saudi club for their Argentine winger.")
    assert _confident(found) == []


def test_years_history_and_diseases_are_not_topics() -> None:
    topic = load_relevance(load_dictionaries().discards).topic
    for phrase in ("1948", "years ago", "world war ii", "ebola", "champion", "landslide"):
        parts = phrase.split()
        kinds = topic.phrases.get(parts[0], ()) if len(parts) > 1 else ()
        assert phrase not in topic.words
        assert not [k for words, k in kinds if words == tuple(parts)]
    assert topic.words["football"] == "sport"
    assert topic.words["wimbledon"] == "discard"


def test_vocabulary_splits_hyphenated_entries_like_the_tokenizer() -> None:
    vocabulary = Vocabulary.build({"business": ["start-up", "chief executive"]})
    assert vocabulary.words["start-up"] == "business"
    assert (("start", "-", "up"), "business") in vocabulary.phrases["start"]
    assert (("chief", "executive"), "business") in vocabulary.phrases["chief"]
