"""Find gazetteer names in a doc: phrase matches, hyphenated parts, misspellings and NER fallbacks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from spacy.attrs import IS_TITLE, ORTH, POS
from spacy.parts_of_speech import PROPN
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from app.nlp.actors.index_places import index_places
from app.nlp.actors.records import FoundName
from app.nlp.arrays import distinct_strings, positions
from app.nlp.english import english
from app.nlp.gazetteer import Gazetteer, NameEntry, NameVia, correct_spelling, country_from_regex

# Which reading of a name wins when two entries match the same words.
_PRIORITY = {"seat": 0, "name": 1, "acronym": 1, "demonym": 2, "capital": 3, "province": 4, "city": 4}


def is_org_entity(ent: Span, gaz: Gazetteer) -> bool:
    """True for an ORG (or institution-like FAC) entity that is not really a title or a group noun."""
    if ent.label_ == "FAC":
        last = ent[-1].lower_
        return last in gaz.ngo_name_words or last in {"center", "centre", "institute", "institution"}
    if ent.label_ != "ORG":
        return False
    # "the United Nations Emergency Relief Coordinator" is a title, "Lithuanian Parliament" a group noun.
    root = ent.root.lower_
    if root in gaz.titles:
        return False
    words = [t for t in ent if t.dep_ != "det" and not t.is_punct]
    return len(words) > 2 or not (root in gaz.group_heads or root in gaz.state_heads)


def prefer_modifiers(names: Sequence[FoundName], head: Token) -> list[FoundName]:
    """Keep the names before the head ("Romanian refugees in Hungary" are Romanian) if there are any."""
    before = [n for n in names if n.end <= head.i]
    return before or list(names)


def role_noun_spans(doc: Doc, gaz: Gazetteer) -> dict[int, tuple[int, str]]:
    """Map the last token of each title or group-noun phrase to (start, lower-cased phrase)."""
    spans = [doc[s:e] for _, s, e in gaz.role_noun_matcher(doc)]
    return {span.end - 1: (span.start, span.text.lower()) for span in filter_spans(spans)}


def sentence_index(doc: Doc) -> list[int]:
    """Map each token to the number of its sentence, from the sentences' bounds."""
    index: list[int] = []
    for n, sent in enumerate(doc.sents):
        index.extend([n] * (sent.end - sent.start))
    return index


def gazetteer_names(doc: Doc, gaz: Gazetteer, ents: Sequence[Span]) -> list[FoundName]:
    """Find the gazetteer's names by phrase match (the dictionaries' and the fallbacks come after)."""
    spans: list[Span] = []
    for matcher, cased in ((gaz.name_matcher, False), (gaz.acronym_matcher, True)):
        for match_id, start, end in matcher(doc):
            span = Span(doc, start, end, label=match_id)
            if cased or _case_ok(span, gaz):
                spans.append(span)
    # filter_spans keeps the first of equally long spans: "Brussels" the seat of the EU before the capital.
    spans.sort(key=lambda s: _PRIORITY[gaz.entries[s.label_][0].via])
    persons = {i: ent for ent in ents if ent.label_ == "PERSON" for i in range(ent.start, ent.end)}
    kept = [s for s in filter_spans(spans) if not _inside_person(s, persons, gaz) and not _regional(s, gaz)]
    return [FoundName(s.start, s.end, gaz.entries[s.label_][0], s.start_char, s.end_char) for s in kept]


def fallback_names(doc: Doc, gaz: Gazetteer, ents: Sequence[Span], found: Sequence[FoundName]) -> list[FoundName]:
    """Find what the phrase matches left: names inside hyphenated tokens, misspellings, NER places."""
    covered = {i for name in found for i in range(name.start, name.end)}
    names = _subtoken_names(doc, gaz, covered) + _fallback_names(doc, gaz, ents, covered)
    return names + index_places(doc, gaz, ents, [*found, *names], covered)


def _case_ok(span: Span, gaz: Gazetteer) -> bool:
    """A lower-cased match counts only where written as a name: capitalised, or exactly as listed."""
    first = span[0].text
    return first[:1].isupper() or span.text in gaz.exact_names


def _regional(span: Span, gaz: Gazetteer) -> bool:
    """True for a country's name or demonym that a region's word qualifies ("Latin American", "South America").

    A country's own compound name or demonym ("South Africa", "North Korean") is a longer match and
    never reaches here: only what the gazetteer does not list as a whole is a region.
    """
    entry = gaz.entries[span.label_][0]
    if entry.type != "country" or entry.via not in ("demonym", "name"):
        return False
    return qualified_by_region(span.doc, span.start)


def qualified_by_region(doc: Doc, start: int) -> bool:
    """Tell whether a region's word comes right before a continent's name at ``start`` ("Latin American")."""
    if doc[start].lower_ not in english().continental_names:
        return False
    before = doc[start - 1] if start > 0 else None
    if before is not None and before.text == "-" and start > 1:
        before = doc[start - 2]  # "Pan - African" split by the tokenizer
    return before is not None and before.is_title and before.lower_ in english().region_qualifiers


def _regional_entity(ent: Span) -> bool:
    """True for an entity the NER read as a country or nationality that is a continent's ("Latin America")."""
    words = ent.text.replace("-", " ").lower().split()
    closed = english()
    begins_with_region = len(words) > 1 and words[0] in closed.region_qualifiers
    return qualified_by_region(ent.doc, ent.start) or (begins_with_region and words[-1] in closed.continental_names)


def _inside_person(span: Span, persons: dict[int, Span], gaz: Gazetteer) -> bool:
    """True for a place name inside a longer person's name ("Jordan" in "Michael Jordan").

    ``persons`` maps each token to the PERSON entity over it; entities do not overlap, so only the
    one over the name's first token can hold the name.
    """
    entry = gaz.entries[span.label_][0]
    if entry.type != "country" or entry.via == "demonym":
        return False
    person = persons.get(span.start)
    if person is None or span.end > person.end:
        return False
    # "Sri Lanka's" tagged as a person is still the country: its possessive ending adds no name.
    words = [t for t in person if t.tag_ != "POS" and t.dep_ != "case"]
    return len(words) > len(span)


def _subtoken_names(doc: Doc, gaz: Gazetteer, covered: set[int]) -> list[FoundName]:
    """Find names inside hyphenated tokens ("U.S.-China", "US-PRC")."""
    names = []
    for i in _hyphenated_tokens(doc):
        if i in covered:
            continue
        token = doc[i]
        offset = token.idx
        for part in token.text.split("-"):
            entry = gaz.names_lower.get(part.lower())
            if entry is not None and part[:1].isupper() and entry.type == "country":
                names.append(FoundName(token.i, token.i + 1, entry, offset, offset + len(part)))
            offset += len(part) + 1
    return names


def _hyphenated_tokens(doc: Doc) -> list[int]:
    """Return the tokens with a hyphen in their text, looked up once per distinct word."""
    texts, text_of_token = distinct_strings(doc.to_array(ORTH).astype(np.uint64, copy=False), doc.vocab.strings)
    return positions(np.array(["-" in text for text in texts], dtype=bool)[text_of_token])


def _in_multiword_entity(doc: Doc, i: int) -> bool:
    """Tell whether token ``i`` belongs to an entity of more than one token."""
    return doc[i].ent_iob_ == "I" or (i + 1 < len(doc) and doc[i + 1].ent_iob_ == "I")


def _fallback_names(doc: Doc, gaz: Gazetteer, ents: Sequence[Span], covered: set[int]) -> list[FoundName]:
    """Recover country names the gazetteer missed: misspellings, and NER places country_converter knows."""
    names = []
    # Only a capitalised proper noun can be a misspelt name: read those off arrays, not token by token.
    pos_title = doc.to_array([POS, IS_TITLE])
    for i in positions((pos_title[:, 0] == PROPN) & (pos_title[:, 1] == 1)):
        if i in covered:
            continue
        token = doc[i]
        if token.ent_type_ not in {"", "GPE", "NORP", "LOC", "ORG", "PERSON"}:
            continue
        # A word of a person's full name ("Babagana Zulum") is a misspelt surname at most, never a country.
        in_full_name = token.ent_type_ == "PERSON" and _in_multiword_entity(doc, token.i)
        if qualified_by_region(doc, token.i):
            continue  # "South America": a region's name, however it is spelt
        corrected = None if in_full_name else correct_spelling(gaz.deletion_index, token.text)
        if token.ent_type_ == "PERSON":  # a misspelt known surname ("Bouteflicka"), else a misspelt country
            corrected = correct_spelling(gaz.person_index, token.text) or corrected
        if corrected is not None:
            names.append(FoundName(token.i, token.i + 1, gaz.names_lower[corrected], token.idx, token.idx + len(token)))
            covered.add(token.i)
    for ent in ents:
        if ent.label_ not in {"GPE", "NORP"} or any(i in covered for i in range(ent.start, ent.end)):
            continue
        if not ent.text[:1].isupper() or (len(ent.text) <= 3 and not ent.text.isupper()):
            continue  # "a georgia peach", "Us and them": common words are no countries, whatever the NER says
        code = country_from_regex(gaz, ent.text)
        if code is not None and not _regional_entity(ent):
            via: NameVia = "demonym" if ent.label_ == "NORP" else "name"
            names.append(FoundName(ent.start, ent.end, NameEntry("country", code, via), ent.start_char, ent.end_char))
    return names
