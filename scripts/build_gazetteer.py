"""Generate app/nlp/data/gazetteer.json from pycountry, countryinfo, country_converter and the curated YAML.

Usage: ``python scripts/build_gazetteer.py [--check]``. The output is deterministic (sorted keys and
lists), so ``--check`` (and tests/test_gazetteer.py) can compare it with the committed file.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections import defaultdict
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import jsonschema
import pycountry
import yaml

from app.compiled_data import write_or_check
from app.nlp.country_sources import countryinfo_records

DATA_DIR = Path(__file__).resolve().parent.parent / "app" / "nlp" / "data"
CURATED = DATA_DIR / "gazetteer_curated.yaml"
OUTPUT = DATA_DIR / "gazetteer.json"
# Latin letters (with diacritics), digits and the punctuation names use; other scripts are native names.
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F0-9 .,'’()&-]+$")
# Demonyms that take no plural "-s": Chinese, British, French, Swiss, Dutch.
_NO_PLURAL = re.compile(r"(ese|ish|ch|ss|sh|i)$")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that rejects a key given twice (plain YAML keeps the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping, failing on a duplicate key."""
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"duplicate keys in curated YAML: {duplicates}")
        return super().construct_mapping(node, deep=deep)


def load_curated(path: Path = CURATED) -> dict[str, Any]:
    """Read the curated YAML (no duplicate keys) and validate it against its schema."""
    # A SafeLoader subclass: no arbitrary objects are constructed.
    data: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    schema = json.loads((DATA_DIR / "gazetteer_curated.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    return data


def _coco_records() -> dict[str, dict[str, str]]:
    """Return country_converter's name and regex columns keyed by ISO alpha-3."""
    table = resources.files("country_converter") / "country_data.tsv"
    rows = csv.DictReader(table.read_text(encoding="utf-8").splitlines(), delimiter="\t")
    return {row["ISO3"]: row for row in rows if row.get("ISO3")}


def _clean(name: str) -> str | None:
    """Normalise one candidate name; None if it is not a usable English surface form."""
    name = " ".join(name.replace("’", "'").split())
    if not name or "," in name or not _LATIN.match(name) or "(" in name:
        return None
    return name


def _plural(demonym: str) -> str | None:
    """Return the plural noun of a demonym ("Israeli" -> "Israelis"), or None where it has none."""
    if _NO_PLURAL.search(demonym.lower()) and not demonym.lower().endswith(("ani", "eli", "aqi", "udi")):
        return None
    return demonym + "s"


def _library_names(alpha3: str, info: dict[str, Any], coco: dict[str, str]) -> set[str]:
    """Collect the names the libraries give one country."""
    country = pycountry.countries.get(alpha_3=alpha3)
    candidates = [info.get("name", ""), coco.get("name_short", ""), coco.get("name_official", "")]
    if country is not None:
        candidates += [getattr(country, attr, "") for attr in ("name", "common_name", "official_name")]
    for spelling in info.get("altSpellings", []):
        # Two- and three-letter codes are too often ordinary words ("IN", "NO", "AM"); curated data adds the
        # few the press uses.
        if len(spelling) > 3:
            candidates.append(spelling)
    names = {cleaned for c in candidates if c and (cleaned := _clean(c))}
    return {n[0].upper() + n[1:] for n in names}


def _resolve(claims: dict[str, set[str]], population: dict[str, int], curated: dict[str, str]) -> dict[str, str]:
    """Give each surface form one country: the curated one, else the most populous claimant."""
    resolved: dict[str, str] = {}
    for name, codes in claims.items():
        if name in curated:
            resolved[name] = curated[name]
        else:
            resolved[name] = max(sorted(codes), key=lambda code: population.get(code, 0))
    return resolved


def _provinces(infos: dict[str, dict[str, Any]], codes: list[str], taken: set[str]) -> dict[str, str]:
    """Return first-level divisions ("Sindh" -> PAK) that name one country only and no state or capital."""
    claims: dict[str, set[str]] = defaultdict(set)
    for code in codes:
        for province in infos.get(code, {}).get("provinces") or []:
            name = _clean(province.split(" (")[0].split(" [")[0])
            if name and len(name) > 3:
                claims[name].add(code)
    return {name: owners.pop() for name, owners in claims.items() if len(owners) == 1 and name.lower() not in taken}


def build_countries(curated: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Merge the libraries and curated aliases into one entry per ISO alpha-3 code."""
    infos = countryinfo_records()
    cocos = _coco_records()
    ambiguous = {a.lower() for a in curated.get("ambiguous_names", [])}
    codes = sorted(c.alpha_3 for c in pycountry.countries)
    population = {code: int(infos.get(code, {}).get("population") or 0) for code in codes}
    claims: dict[str, dict[str, set[str]]] = {"names": defaultdict(set), "demonyms": defaultdict(set)}
    claims["capitals"] = defaultdict(set)
    curated_claims: dict[str, dict[str, str]] = {"names": {}, "demonyms": {}, "capitals": {}}
    for code in codes:
        info, coco = infos.get(code, {}), cocos.get(code, {})
        for name in _library_names(code, info, coco):
            if name.lower() not in ambiguous or name == info.get("name"):
                claims["names"][name].add(code)
        demonym = _clean(info.get("demonym") or "")
        if demonym:
            claims["demonyms"][demonym].add(code)
            if plural := _plural(demonym):
                claims["demonyms"][plural].add(code)
        capital = _clean((info.get("capital") or "").replace(" D.C.", ""))
        if capital and capital.lower() not in ambiguous:
            claims["capitals"][capital].add(code)
    for section, key in (("country_aliases", "names"), ("demonym_extra", "demonyms"), ("capital_extra", "capitals")):
        for code, names in (curated.get(section) or {}).items():
            for name in names:
                claims[key][name].add(code)
                curated_claims[key][name] = code
    resolved = {key: _resolve(claims[key], population, curated_claims[key]) for key in claims}
    provinces = _provinces(infos, codes, {n.lower() for key in resolved for n in resolved[key]} | ambiguous)
    countries: dict[str, dict[str, Any]] = {}
    for code in codes:
        info, coco = infos.get(code, {}), cocos.get(code, {})
        country = pycountry.countries.get(alpha_3=code)
        display = getattr(country, "common_name", None) or coco.get("name_short") or getattr(country, "name", code)
        entry: dict[str, Any] = {"name": display, "regex": coco.get("regex") or None}
        for key in ("names", "demonyms", "capitals"):
            entry[key] = sorted(name for name, owner in resolved[key].items() if owner == code)
        entry["provinces"] = sorted(name for name, owner in provinces.items() if owner == code)
        countries[code] = entry
    return countries


def build(curated: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the whole gazetteer as plain data."""
    curated = curated if curated is not None else load_curated()
    sections = ("seats", "organizations", "persons", "titles", "group_heads", "state_heads", "ngo_name_words")
    sections += ("org_sector_words", "locative_preps", "post_preps", "post_titles", "anaphors")
    sections += ("place_nouns", "facility_nouns", "message_nouns", "anonymous_groups", "anonymity_words")
    sections += ("equipment_heads",)
    gazetteer: dict[str, Any] = {
        "version": 1,
        "generated_by": "scripts/build_gazetteer.py",
        "sources": {pkg: metadata.version(pkg) for pkg in ("pycountry", "countryinfo", "country_converter")},
        "countries": build_countries(curated),
    }
    for section in sections:
        gazetteer[section] = curated.get(section)
    return gazetteer


def render(gazetteer: dict[str, Any]) -> str:
    """Serialise deterministically."""
    return json.dumps(gazetteer, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write gazetteer.json, or with --check fail if the committed file is stale."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing")
    args = parser.parse_args(argv)
    return write_or_check({OUTPUT: render(build()).encode("utf-8")}, "gazetteer", check=args.check)


if __name__ == "__main__":
    raise SystemExit(main())
