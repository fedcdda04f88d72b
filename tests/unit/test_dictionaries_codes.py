"""CAMEO actor codes: the CAMEO -> ISO 3166-1 table against pycountry, and code parsing."""

from __future__ import annotations

import re

import pycountry
import pytest

from app.nlp.dictionaries.codes import CodeTable, code_table
from app.nlp.dictionaries.quirks import quirks_for
from app.nlp.dictionaries.source import read_lines, strip_comment
from app.nlp.dictionaries.upstream import ACTOR_FILES, PETRARCH

_GROUP_CODE = re.compile(r"\[\s*([A-Z0-9-]+)")


@pytest.fixture(scope="module")
def table() -> CodeTable:
    return code_table()


def vendored_codes() -> set[str]:
    codes: set[str] = set()
    for name in ACTOR_FILES:
        for line in read_lines(PETRARCH / name, quirks_for(name)):
            codes.update(_GROUP_CODE.findall(strip_comment(line.text, "#;")))
    return codes


def test_iso_list_is_pycountry(table: CodeTable) -> None:
    assert table.iso == {country.alpha_3 for country in pycountry.countries}


def test_cameo_codes_that_differ_from_iso_map_to_iso(table: CodeTable) -> None:
    historic = {country.alpha_3 for country in pycountry.historic_countries}
    assert table.cameo_countries == {
        "ANG": "AGO", "BGH": "BGD", "FRN": "FRA", "FRY": "YUG", "KSV": "XKX", "PAL": "PSE", "ROM": "ROU",
        "TMP": "TLS", "USR": "SUN", "ZAR": "COD", "CSK": "CSK", "DDR": "DDR", "SCG": "SCG", "SUN": "SUN",
        "YUG": "YUG",
    }  # fmt: skip
    for cameo, iso in table.cameo_countries.items():
        assert cameo not in table.iso, f"{cameo} is an ISO code: it needs no mapping"
        assert iso in table.iso or iso in historic or iso == "XKX", f"{cameo} -> {iso} is not ISO 3166"
    assert table.country("ROM") == "ROU" and table.country("ZAR") == "COD" and table.country("DEU") == "DEU"


def test_every_head_in_the_vendored_files_is_known(table: CodeTable) -> None:
    codes = vendored_codes()
    assert len(codes) > 1500
    unknown = sorted({code[:3] for code in codes if code != "---" and table.head_type(code[:3]) is None})
    assert unknown == []
    # The country part of NGO/MNC codes is checked the same way: unknown parts there are sectors.
    homes = {code[3:6] for code in codes if code[:3] in ("NGO", "MNC") and len(code) >= 6}
    assert {"ROM", "PAL", "TMP", "BGH"} <= homes
    assert all(table.country(home) for home in ("ROM", "PAL", "TMP", "BGH"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ARGGOVDEV", ("country", "ARG", ("GOV", "DEV"), "state")),
        ("AFGREB", ("country", "AFG", ("REB",), "armed_group")),
        ("USABUS", ("country", "USA", ("BUS",), "organization")),
        ("DEUELI", ("country", "DEU", ("ELI",), "person")),
        ("ROMGOV", ("country", "ROU", ("GOV",), "state")),
        ("USRARM", ("country", "SUN", ("ARM",), "state")),
        ("IGOUNOLKAHRI", ("transnational", None, ("UNO", "LKA", "HRI"), "igo")),
        ("NGOHUNCHR", ("transnational", "HUN", ("HUN", "CHR"), "ngo")),
        ("NGOROMDEV", ("transnational", "ROU", ("ROM", "DEV"), "ngo")),
        ("MNCUSA", ("transnational", "USA", ("USA",), "organization")),
        ("MNCHLH", ("transnational", None, ("HLH",), "organization")),
        ("IMGMUSALQ", ("transnational", None, ("MUS", "ALQ"), "armed_group")),
        ("KKLREB", ("placeholder", None, ("REB",), "armed_group")),
        ("WEU", ("region", None, (), "other")),
        ("SRPUNR", ("entity", None, ("UNR",), "state")),
        ("BAH", ("religion", None, (), "organization")),
        ("ELI", ("sector", None, (), "person")),
        ("MUS", ("country", "MUS", (), "state")),  # as a head, MUS is Mauritius
    ],
)
def test_parse_codes(table: CodeTable, raw: str, expected: tuple[str, str | None, tuple[str, ...], str]) -> None:
    code = table.parse(raw)
    assert code is not None and (code.raw, code.head) == (raw, raw[:3])
    assert (code.head_type, code.country, code.parts, code.kind) == expected


def test_null_and_bad_codes(table: CodeTable) -> None:
    assert table.parse("---") is None
    with pytest.raises(ValueError, match="three-letter parts"):
        table.parse("USAGOVX")
    with pytest.raises(ValueError, match="three-letter parts"):
        table.parse("usa")
    with pytest.raises(ValueError, match="starts with 'QQQ'"):
        table.parse("QQQGOV")
