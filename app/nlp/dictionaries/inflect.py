"""Regular English inflection, as the dictionary formats define it (no lexicon, no guessing).

The formats generate the regular forms a dictionary does not spell out: noun plurals for
synset members and agents, and the three inflected forms of a verb. Irregular forms are always
written out in the files, so these rules stay small. Words are handled in lower case.
"""

from __future__ import annotations

_VOWELS = frozenset("aeiou")
# Endings that take -es: kiss -> kisses, bus -> buses, box -> boxes, church -> churches.
_SIBILANT_ENDINGS = ("ss", "us", "x", "z", "ch", "sh")


def plural(word: str) -> str | None:
    """Return the regular plural of ``word``, or None when it takes none.

    Consonant + y -> ies (``party`` -> ``parties``); a vowel + y adds s (``envoy`` ->
    ``envoys``; the upstream rule "y -> ies" would give "envoies"); ss, us, x, z, ch, sh add
    es; any other word ending in s is taken as already plural (``troops``, ``marines``) and
    gets none; everything else adds s. Words with no letters (``1914``) take none.
    """
    if not word or not any(ch.isalpha() for ch in word):
        return None
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return word[:-1] + "ies"
    if word.endswith(_SIBILANT_ENDINGS):
        return word + "es"
    if word.endswith("s"):
        return None
    return word + "s"


def phrase_plural(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """Return ``words`` with the last (head) word made plural, or None when it takes none."""
    if not words:
        return None
    last = plural(words[-1])
    return None if last is None else (*words[:-1], last)


def verb_forms(verb: str) -> tuple[str, str, str]:
    """Return the regular third-person, past and -ing forms of ``verb`` (no consonant doubling).

    ``ask`` -> asks, asked, asking; ``accuse`` -> accuses, accused, accusing; ``deny`` ->
    denies, denied, denying; ``push`` -> pushes, pushed, pushing. Doubling (``snub`` ->
    ``snubbed``) is not regular in the format: the dictionary lists those forms in ``{...}``.
    """
    if verb.endswith("y") and len(verb) > 1 and verb[-2] not in _VOWELS:
        return verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"
    third = verb + "es" if verb.endswith((*_SIBILANT_ENDINGS, "s", "o")) else verb + "s"
    if verb.endswith("e"):
        # free -> freeing, agree -> agreeing; accuse -> accusing.
        gerund = verb + "ing" if verb.endswith(("ee", "ye", "oe")) else verb[:-1] + "ing"
        return third, verb + "d", gerund
    return third, verb + "ed", verb + "ing"
