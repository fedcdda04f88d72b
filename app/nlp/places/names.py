"""Fold place names to the keys the place index files them under."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters NFKD does not take apart into a base letter and a mark.
_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d", "ħ": "h"}
)
_APOSTROPHES = re.compile(r"['’‘ʼʻ`´]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# An Arabic article written apart ("Al Hasakah", "al-Qaim", "Ar Raqqah"): news drops it as often as not.
_ARTICLE = re.compile(r"^(?:al|el|ar|as|ad|an|az|ash|at|ath|adh)\s(?=\S{4,})")


@lru_cache(maxsize=65_536)
def fold(name: str) -> str:
    """Return the key of a place name: lower case, no diacritics or apostrophes, words split on the rest.

    "Kandahār", "KANDAHAR" and "Kandahar" are one key; so are "Mazār-e Sharīf" and "Mazar-e-Sharif",
    "Dar'ā" and "Daraa" are not (spelling variants are the index's alternate names, not the key's job).
    """
    text = unicodedata.normalize("NFKD", name.lower().translate(_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHES.sub("", text)).split())


def without_article(key: str) -> str | None:
    """Return a folded key without its leading Arabic article ("al hasakah" -> "hasakah"), if it has one."""
    stripped = _ARTICLE.sub("", key, count=1)
    return stripped if stripped != key else None


def is_latin(name: str) -> bool:
    """True when every letter of ``name`` is a Latin letter (with or without diacritics)."""
    return all(_latin_letter(c) for c in name if c.isalpha())


@lru_cache(maxsize=4096)
def _latin_letter(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")
