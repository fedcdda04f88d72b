"""Generalisation cases: sentences written for this test in the style of the PLOVER/CAMEO wire examples.

None of these sentences comes from the evaluation data. Each case gives the (holder, event, target) that
must be among the sentence's stances, coded as the evaluation codes them (an actor's country, ``IGO``
or ``NGO``); ``None`` for the holder or target means any (or none). A reciprocal stance ("X and Y
agreed") counts when the two codes are together among its holders. The quiet sentences (sport,
weather, prices, places) must give no stance at all.
"""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from tests.test_stances import stances

CASES: list[tuple[str, str | None, str, str | None]] = [
    (
        "Serbian troops shelled ethnic Albanian villages in Kosovo on Tuesday,"
        " killing at least 12 civilians, the Kosovo Liberation Army said.",
        "SRB",
        "ASSAULT",
        "ALB",
    ),
    ("Russian warplanes bombed the Chechen capital Grozny overnight, Chechen officials said.", "RUS", "ASSAULT", "RUS"),
    (
        "Tamil Tiger rebels ambushed a Sri Lankan army convoy in the northern Jaffna peninsula, killing 15 soldiers.",
        "LKA",
        "ASSAULT",
        "LKA",
    ),
    (
        "A Palestinian suicide bomber killed six Israelis on a bus in Jerusalem on Sunday, police said.",
        "PSE",
        "ASSAULT",
        "ISR",
    ),
    (
        "Indian troops killed five Muslim militants in a gunbattle in Kashmir, an army spokesman said.",
        "IND",
        "ASSAULT",
        "IND",
    ),
    ("Israeli helicopter gunships fired missiles at a Hamas office in Gaza City on Thursday.", "ISR", "ASSAULT", "PSE"),
    (
        "Two Iraqi policemen were shot dead by gunmen in Baghdad on Monday, the Interior Ministry said.",
        "IRQ",
        "ASSAULT",
        "IRQ",
    ),
    ("Turkish jets attacked Kurdish rebel bases in northern Iraq, the Turkish military said.", "TUR", "ASSAULT", "IRQ"),
    (
        "Israel pulled its troops out of the West Bank town of Jenin on Friday after a ten-day incursion.",
        "ISR",
        "RETREAT",
        "PSE",
    ),
    ("The Soviet Union completed the withdrawal of its troops from Afghanistan on Wednesday.", "RUS", "RETREAT", "AFG"),
    (
        "Syria began withdrawing its forces from Lebanon under international pressure, Lebanese officials said.",
        "SYR",
        "RETREAT",
        "LBN",
    ),
    (
        "The Irish Republican Army agreed to decommission its weapons, the British government said.",
        "GBR",
        "RETREAT",
        None,
    ),
    ("Ethiopia said it would withdraw its forces from the disputed border town of Badme.", "ETH", "RETREAT", None),
    (
        "Chinese police arrested dozens of Tibetan monks in Lhasa after a protest, a human rights group said.",
        "CHN",
        "COERCE",
        "CHN",
    ),
    ("Indonesian authorities detained three East Timorese activists on Monday.", "IDN", "COERCE", "TLS"),
    (
        "Israeli soldiers demolished the homes of two Palestinian militants in Hebron on Tuesday.",
        "ISR",
        "COERCE",
        "PSE",
    ),
    (
        "The Burmese military government placed opposition leader Aung San Suu Kyi under house arrest.",
        "MMR",
        "COERCE",
        "MMR",
    ),
    ("Malaysia deported hundreds of Indonesian illegal workers on Thursday.", "MYS", "COERCE", "IDN"),
    (
        "Chinese authorities banned the Falun Gong movement in July, the official Xinhua news agency said.",
        "CHN",
        "COERCE",
        "CHN",
    ),
    (
        "The European Union imposed an arms embargo on Indonesia over the violence in East Timor.",
        "IGO",
        "SANCTION",
        "IDN",
    ),
    ("Iran expelled a British diplomat on Tuesday, accusing him of spying.", "IRN", "SANCTION", "GBR"),
    ("Morocco severed diplomatic ties with Iran, the Moroccan foreign ministry said.", "MAR", "SANCTION", "IRN"),
    ("The United States suspended military aid to Pakistan after its nuclear tests.", "USA", "SANCTION", "PAK"),
    ("Japan froze economic assistance to North Korea after the missile launch.", "JPN", "SANCTION", "PRK"),
    ("Poland recalled its ambassador from Belarus on Monday in protest over the arrests.", "POL", "SANCTION", "BLR"),
    (
        "Thousands of Serbs demonstrated outside the U.S. embassy in Belgrade against the NATO air strikes.",
        "SRB",
        "PROTEST",
        "IGO",
    ),
    (
        "Hundreds of students marched through Jakarta on Friday demanding the resignation of President Suharto.",
        "IDN",
        "PROTEST",
        "IDN",
    ),
    (
        "South Korean workers went on strike on Monday to protest against the government's labour reforms.",
        "KOR",
        "PROTEST",
        None,
    ),
    (
        "Palestinians protested in the West Bank against the construction of the Israeli barrier.",
        "PSE",
        "PROTEST",
        "ISR",
    ),
    (
        "Tibetan exiles staged a hunger strike in New Delhi to protest against Chinese rule in Tibet.",
        "CHN",
        "PROTEST",
        "CHN",
    ),
    (
        "Protesters in Hong Kong rallied against the Chinese government's proposed security law.",
        "HKG",
        "PROTEST",
        "CHN",
    ),
    (
        "China accused Taiwan of trying to split the motherland, the official Xinhua news agency said.",
        "CHN",
        "ACCUSE",
        "TWN",
    ),
    ("Pakistan blamed India for the bombing of a train, a foreign ministry spokesman said.", "PAK", "ACCUSE", "IND"),
    ("Amnesty International criticised Russia for human rights abuses in Chechnya.", "NGO", "ACCUSE", "RUS"),
    (
        "The Indian government condemned the attack on its parliament and blamed Pakistan-based militants.",
        "IND",
        "ACCUSE",
        "PAK",
    ),
    ("Britain denounced the IRA bombing in Omagh as an act of barbarism.", "GBR", "ACCUSE", "GBR"),
    ("The U.N. Security Council urged Ethiopia and Eritrea to end their border war.", "IGO", "REQUEST", "ETH"),
    ("Washington said Belgrade must withdraw its forces from Kosovo.", "USA", "REQUEST", "SRB"),
    (
        "North Korea threatened to pull out of the nuclear non-proliferation treaty, the state news agency said.",
        "PRK",
        "THREATEN",
        None,
    ),
    ("China warned Taiwan against declaring independence.", "CHN", "THREATEN", "TWN"),
    ("Iraq rejected a U.N. demand to allow weapons inspectors back into the country.", "IRQ", "REJECT", "IGO"),
    ("Israel and the Palestinians agreed on Sunday to resume peace talks.", "ISR", "AGREE", "PSE"),
    (
        "Chinese President Jiang Zemin met Russian President Boris Yeltsin in Beijing on Monday.",
        "CHN",
        "CONSULT",
        "RUS",
    ),
    ("Japan praised South Korea for its handling of the financial crisis.", "JPN", "SUPPORT", "KOR"),
    (
        "Myanmar's military government released 200 political prisoners on Friday, state radio said.",
        "MMR",
        "CONCEDE",
        "MMR",
    ),
    ("Japan pledged 500 million dollars in aid to Indonesia.", "JPN", "AGREE", "IDN"),
    ("Germany sent food and medicine to refugees in Albania.", "DEU", "AID", "ALB"),
    ("Russia and Ukraine agreed to share intelligence on organised crime.", "RUS", "COOPERATE", "UKR"),
    (
        "India massed troops along its border with Pakistan, the Pakistani foreign ministry said.",
        "IND",
        "MOBILIZE",
        "PAK",
    ),
    ("Turkey deployed tanks along the Syrian border, Syrian officials said.", "TUR", "MOBILIZE", "SYR"),
    (
        "Rebels ambushed a government convoy in northern Uganda on Saturday, killing eight soldiers, the army said.",
        "UGA",
        "ASSAULT",
        "UGA",
    ),
    (
        "Pakistani and Indian troops exchanged fire across the Line of Control in Kashmir on Tuesday.",
        "PAK",
        "ASSAULT",
        "IND",
    ),
    ("Gunmen kidnapped two German aid workers in Chechnya, Russian officials said.", "RUS", "ASSAULT", "DEU"),
    ("Israeli forces raided the Palestinian town of Nablus before dawn, arresting 15 people.", "ISR", "ASSAULT", "PSE"),
    ("NATO aircraft bombed Serbian military targets for the third consecutive night.", "IGO", "ASSAULT", "SRB"),
    ("Ethiopian troops attacked Eritrean positions along the disputed border, Eritrea said.", "ETH", "ASSAULT", "ERI"),
    (
        "Vietnam freed 5,000 prisoners, including several political dissidents, under an amnesty.",
        "VNM",
        "CONCEDE",
        "VNM",
    ),
    ("Russian troops began pulling out of Chechnya on Thursday, the Defence Ministry said.", "RUS", "RETREAT", "RUS"),
    ("Indonesia withdrew its troops from East Timor in October.", "IDN", "RETREAT", "TLS"),
    ("The rebels laid down their arms under the peace deal, the government said.", None, "RETREAT", None),
    ("The Sudanese government expelled the British ambassador on Sunday.", "SDN", "SANCTION", "GBR"),
    ("The United Nations imposed sanctions on Libya over the Lockerbie bombing.", "IGO", "SANCTION", "LBY"),
    ("China suspended military contacts with the United States after the embassy bombing.", "CHN", "SANCTION", "USA"),
    ("Washington cut off aid to Nicaragua, a State Department spokesman said.", "USA", "SANCTION", "NIC"),
    ("Thousands of Albanians rallied in Pristina to demand independence from Serbia.", "ALB", "PROTEST", None),
    (
        "Chinese students protested outside the U.S. embassy in Beijing after NATO bombed China's embassy in Belgrade.",
        "CHN",
        "PROTEST",
        "USA",
    ),
    ("Greek Cypriots demonstrated against the Turkish occupation of northern Cyprus.", "CYP", "PROTEST", "TUR"),
    ("Iraq accused the United States of spying through U.N. weapons inspectors.", "IRQ", "ACCUSE", "USA"),
    ("The European Union criticised Israel for building new settlements in East Jerusalem.", "IGO", "ACCUSE", "ISR"),
    ("Human Rights Watch accused Indonesian troops of killing civilians in Aceh.", "NGO", "ACCUSE", "IDN"),
    ("Beijing condemned the visit of the Dalai Lama to the United States.", "CHN", "ACCUSE", "USA"),
    ("Turkish police detained 30 Kurdish activists in Istanbul on Friday.", "TUR", "COERCE", "TUR"),
    ("Serbian police expelled ethnic Albanians from their homes in Kosovo.", "SRB", "COERCE", "ALB"),
    ("The Iranian authorities closed down two reformist newspapers on Monday.", "IRN", "COERCE", None),
    ("Israel sealed off the West Bank and Gaza Strip after the bombing.", "ISR", "ASSAULT", "PSE"),
    ("The Chinese government sentenced a Tibetan monk to death for separatism.", "CHN", "COERCE", "CHN"),
    (
        "Taiwan rejected Beijing's offer of reunification under a one country, two systems formula.",
        "TWN",
        "REJECT",
        "CHN",
    ),
    ("Britain and Ireland signed a peace agreement on Northern Ireland on Friday.", "GBR", "AGREE", "IRL"),
    (
        "The U.S. envoy held talks with Yugoslav President Slobodan Milosevic in Belgrade on Kosovo.",
        "USA",
        "CONSULT",
        "SRB",
    ),
    ("Russia warned NATO against expanding eastward.", "RUS", "THREATEN", "IGO"),
    ("The Security Council demanded that Iraq allow U.N. inspectors immediate access.", "IGO", "REQUEST", "IRQ"),
    (
        "Japan will provide 100 million dollars in emergency aid to Indonesia, the Foreign Ministry said.",
        "JPN",
        "AID",
        "IDN",
    ),
    (
        "Thousands of Hong Kong residents marched against the government's plan to introduce an anti-subversion law.",
        "HKG",
        "PROTEST",
        None,
    ),
    (
        "Three Palestinians were killed by Israeli troops in the Gaza Strip on Friday,"
        " according to Palestinian hospital officials.",
        "ISR",
        "ASSAULT",
        "PSE",
    ),
    (
        "A Turkish army post was attacked by Kurdish guerrillas near the Iraqi border, the state news agency reported.",
        None,
        "ASSAULT",
        "TUR",
    ),
    ("Two Japanese journalists were abducted by Chechen rebels, Interfax said.", "RUS", "ASSAULT", "JPN"),
    ("Hundreds of opposition supporters were arrested by Kenyan police in Nairobi.", "KEN", "COERCE", "KEN"),
    (
        "The Russian ambassador was expelled by Estonia on Wednesday for activities incompatible with his status.",
        "EST",
        "SANCTION",
        "RUS",
    ),
    (
        "Sri Lankan government forces captured a key rebel stronghold in the north, the defence ministry said.",
        "LKA",
        "ASSAULT",
        None,
    ),
    (
        "Indian police opened fire on Muslim protesters in Srinagar, killing three, witnesses said.",
        "IND",
        "ASSAULT",
        "IND",
    ),
    (
        "The Burmese junta freed opposition leader Aung San Suu Kyi from house arrest on Monday.",
        "MMR",
        "CONCEDE",
        "MMR",
    ),
    ("Iraq released 60 Kuwaiti prisoners of war under a U.N.-brokered deal.", "IRQ", "CONCEDE", "KWT"),
    (
        "Israel lifted the closure of the West Bank and Gaza, allowing Palestinian workers to return to their jobs.",
        "ISR",
        "CONCEDE",
        "PSE",
    ),
    ("The United States lifted economic sanctions against India and Pakistan on Saturday.", "USA", "CONCEDE", "IND"),
    ("North Korea agreed to freeze its nuclear program in exchange for aid.", "PRK", "AGREE", None),
    (
        "Syrian President Hafez al-Assad received the visiting U.S. Secretary of State in Damascus.",
        "SYR",
        "CONSULT",
        "USA",
    ),
    ("The Pope appealed to Israel and the Palestinians to end the violence.", None, "REQUEST", "ISR"),
    ("Germany recognized the independence of Slovenia and Croatia.", "DEU", "SUPPORT", "SVN"),
    ("Greece and Turkey resumed diplomatic relations after a decade-long freeze.", "GRC", "SUPPORT", "TUR"),
    ("Iran denied that it was developing nuclear weapons.", "IRN", "REJECT", None),
    ("Pakistan turned down an Indian proposal for talks on Kashmir.", "PAK", "REJECT", "IND"),
    ("Chinese officials vowed to crush any attempt by Taiwan to declare independence.", "CHN", "THREATEN", "TWN"),
    (
        "The United States threatened to impose trade sanctions on China over copyright piracy.",
        "USA",
        "THREATEN",
        "CHN",
    ),
    ("Moscow deployed extra troops in Tajikistan along the Afghan border.", "RUS", "MOBILIZE", "TJK"),
    ("France sent 2,500 troops to the Ivory Coast, the defence ministry said.", "FRA", "MOBILIZE", "CIV"),
    ("Canada and the United States signed an agreement on acid rain.", "CAN", "AGREE", "USA"),
    ("The World Bank approved a 300 million dollar loan to Brazil.", "IGO", "AID", "BRA"),
    ("Turkey and Israel agreed to boost military cooperation.", "TUR", "COOPERATE", "ISR"),
    ("Mexico extradited a suspected drug lord to the United States.", "MEX", "COOPERATE", "USA"),
    (
        "The opposition called a general strike in Bangladesh to demand the resignation of the government.",
        "BGD",
        "PROTEST",
        None,
    ),
    (
        "Thousands of Kurds occupied Greek embassies across Europe to protest the capture of Abdullah Ocalan.",
        None,
        "PROTEST",
        "GRC",
    ),
    ("Britain and France condemned the nuclear test carried out by India.", "GBR", "ACCUSE", "IND"),
    ("Russia denounced the NATO bombing of Yugoslavia as an act of aggression.", "RUS", "ACCUSE", "IGO"),
    ("The U.N. launched an investigation into the massacre of civilians in Rwanda.", "IGO", "ACCUSE", None),
    (
        "Egypt recalled its ambassador to Israel in protest over the Israeli offensive in Lebanon.",
        "EGY",
        "SANCTION",
        "ISR",
    ),
    ("Washington imposed a trade embargo on Cuba in 1962.", "USA", "SANCTION", "CUB"),
    (
        "Yugoslav President Slobodan Milosevic, under pressure from NATO, agreed to withdraw his forces from Kosovo.",
        "SRB",
        "RETREAT",
        None,
    ),
    ("Rebels in Sierra Leone freed 50 U.N. peacekeepers they had held hostage for two weeks.", "SLE", "CONCEDE", "IGO"),
    (
        "Iraqi anti-aircraft batteries fired on U.S. and British warplanes patrolling the no-fly zone,"
        " the Pentagon said.",
        "IRQ",
        "ASSAULT",
        "USA",
    ),
    (
        "Russian forces pounded rebel positions in the Chechen capital with artillery and rockets.",
        "RUS",
        "ASSAULT",
        None,
    ),
    (
        "Kurdish rebels killed 11 Turkish soldiers in an ambush in southeastern Turkey, officials said.",
        None,
        "ASSAULT",
        "TUR",
    ),
    ("Algerian security forces killed 20 Islamic militants in a raid on their hideout.", "DZA", "ASSAULT", "DZA"),
    ("Eritrea accused Ethiopia of bombing a water reservoir near the port of Massawa.", "ERI", "ACCUSE", "ETH"),
    (
        "Iran's spiritual leader Ayatollah Ali Khamenei denounced the United States as the Great Satan.",
        "IRN",
        "ACCUSE",
        "USA",
    ),
    (
        "Zimbabwe's President Robert Mugabe lashed out at Britain,"
        " accusing it of meddling in Zimbabwe's internal affairs.",
        "ZWE",
        "ACCUSE",
        "GBR",
    ),
    ("South Africa imposed a ban on arms sales to Rwanda.", "ZAF", "SANCTION", "RWA"),
    ("The European Union suspended aid to Haiti after the disputed elections.", "IGO", "SANCTION", "HTI"),
    (
        "Belarus expelled the U.S. ambassador and other Western envoys from their residences near Minsk.",
        "BLR",
        "SANCTION",
        "USA",
    ),
    ("The Chinese authorities deported a U.S. journalist for reporting on Tibet.", "CHN", "COERCE", "USA"),
    ("Turkish authorities banned the pro-Kurdish People's Democracy Party.", "TUR", "COERCE", None),
    ("Nigerian police fired tear gas to disperse thousands of protesters in Lagos.", "NGA", "COERCE", "NGA"),
    ("Palestinian youths threw stones at Israeli soldiers in Hebron.", "PSE", "PROTEST", "ISR"),
    ("More than 10,000 people demonstrated in Belgrade against President Slobodan Milosevic.", "SRB", "PROTEST", "SRB"),
    ("Greek farmers blocked highways with tractors to protest against falling incomes.", "GRC", "PROTEST", None),
    ("Russia pulled its peacekeepers out of Kosovo.", "RUS", "RETREAT", "SRB"),
    ("Ethiopian troops withdrew from the Somali town of Baidoa, residents said.", "ETH", "RETREAT", "SOM"),
    ("The Israeli army evacuated its positions in southern Lebanon.", "ISR", "RETREAT", "LBN"),
    ("Cuba freed a jailed American citizen after a visit by a U.S. congressman.", "CUB", "CONCEDE", "USA"),
    ("Croatia handed over two suspects to the U.N. war crimes tribunal in The Hague.", "HRV", "COOPERATE", "IGO"),
    ("Libya agreed to hand over the two Lockerbie suspects for trial in the Netherlands.", "LBY", "AGREE", None),
    ("The IMF approved a 2.9 billion dollar loan for Russia.", "IGO", "AID", "RUS"),
    (
        "The United States urged Israel to halt the demolition of Palestinian homes in East Jerusalem.",
        "USA",
        "REQUEST",
        "ISR",
    ),
    ("Beijing said Washington must stop selling weapons to Taiwan.", "CHN", "REQUEST", "USA"),
    ("Albania called on NATO to send troops to Kosovo.", "ALB", "REQUEST", "IGO"),
    ("Pyongyang threatened to turn Seoul into a sea of fire.", "PRK", "THREATEN", "KOR"),
    ("Iraq refused to allow U.N. inspectors into presidential palaces.", "IRQ", "REJECT", "IGO"),
    (
        "Israeli Prime Minister Benjamin Netanyahu met Palestinian leader Yasser Arafat at the Erez checkpoint.",
        "ISR",
        "CONSULT",
        "PSE",
    ),
    ("The United States praised Jordan's role in the Middle East peace process.", "USA", "SUPPORT", "JOR"),
    ("India moved troops and tanks to its western border with Pakistan.", "IND", "MOBILIZE", "PAK"),
]
QUIET: list[str] = [
    "Brazil beat Argentina 2-1 in the World Cup qualifier in Sao Paulo on Sunday.",
    "Heavy rain flooded parts of Bangladesh on Monday, the weather office said.",
    "Oil prices rose to 30 dollars a barrel in London on Tuesday.",
    "Kosovo is a mountainous region with a population of about two million.",
    "The Nikkei index fell 2 percent in Tokyo on Friday.",
    "The dollar fell against the yen in Tokyo trading on Monday.",
    "Manchester United defeated Bayern Munich in the Champions League final in Barcelona.",
    "Snow and freezing temperatures closed roads across northern China.",
    "Kashmir is famous for its lakes and gardens.",
    "The conference will be held in Geneva next month.",
    "Gold prices rose sharply in London on Monday.",
    "Pakistan won the cricket World Cup after beating England in the final.",
    "A powerful typhoon hit the Philippines, forcing thousands from their homes.",
    "Wheat prices in Chicago fell to their lowest level in five years.",
    "Jerusalem is a holy city for Jews, Christians and Muslims.",
    "The new airport in Hong Kong opened to passengers on Monday.",
]


def _covers(stance: dict[str, Any], holder: str | None, event: str, target: str | None) -> bool:
    if stance["event"] != event or not stance["holder"]:
        return False
    if holder is not None and holder not in stance["holder"]:
        return False
    reciprocal = target in stance["holder"] and len(stance["holder"]) > 1
    return target is None or target in stance["target"] or reciprocal


@pytest.mark.parametrize(("text", "holder", "event", "target"), CASES, ids=[c[0][:40] for c in CASES])
def test_expected_stance_is_found(nlp: Language, text: str, holder: str | None, event: str, target: str | None) -> None:
    found = stances(nlp, text)
    got = [(s["holder"], s["event"], s["target"]) for s in found]
    assert any(_covers(s, holder, event, target) for s in found), f"no {holder} {event} {target} in {got}"


@pytest.mark.parametrize("text", QUIET, ids=[t[:40] for t in QUIET])
def test_no_political_event_gives_no_stance(nlp: Language, text: str) -> None:
    assert stances(nlp, text) == []
