"""Assemble the actors of one document from its names and head nouns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from spacy.tokens import Doc, Span, Token

from app.nlp.actors.coreference import resolve_anaphora
from app.nlp.actors.countries import inherit_countries
from app.nlp.actors.dictionary_names import DictionaryNames
from app.nlp.actors.names import (
    fallback_names,
    gazetteer_names,
    is_org_entity,
    prefer_modifiers,
    role_noun_spans,
    sentence_index,
)
from app.nlp.actors.records import (
    MODIFIER_DEPS,
    NOUNS,
    Antecedent,
    Draft,
    FoundName,
    mention_via,
    person_code,
    person_key,
    strip_det,
    title_case,
)
from app.nlp.english import english
from app.nlp.gazetteer import Gazetteer, NameEntry, Organization, Person
from app.nlp.taxonomy import NON_STATE_CODES, ActorKind, participant_code
from app.nlp.types import ActorMention, MentionVia, PlaceMention

# Roles in which a capital or seat acts, speaks or is acted upon (its government, not the place).
_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "iobj", "dative", "poss", "agent", "ROOT", "attr", "appos"})
# How many sentences back a pronoun or definite nominal may look for its antecedent.
_ANAPHOR_WINDOW = 3


# How a gazetteer or dictionary names a place rather than a country as a whole.
_PLACE_VIAS = frozenset({"capital", "city", "province"})
# How many words after an entity a curated title or group phrase holding it may end ("Defence Minister").
_LONGEST_TITLE_REACH = 4


def _after_locative(name: FoundName, doc: Doc) -> bool:
    """Tell whether a name follows "in" or "at" ("talks in Jeddah")."""
    return doc[name.start - 1].lower_ in english().venue_preps


def _doer(token: Token) -> bool:
    """Tell whether a noun is the doer of its clause: its subject, or the agent of a passive ("by X")."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    if token.dep_ == "pobj":
        return token.head.dep_ == "agent"
    return token.dep_ in ("nsubj", "ROOT", "appos")


class ActorBuilder:
    """Assemble the actors of one document."""

    def __init__(self, doc: Doc, gaz: Gazetteer, dictionary: DictionaryNames) -> None:
        self.doc = doc
        self.gaz = gaz
        self.drafts: dict[tuple[Any, ...], Draft] = {}
        self.covered: set[int] = set()  # tokens already inside a mention
        self.places: dict[int, str] = {}  # head token of a place-only name -> the country it lies in
        self.place_mentions: list[PlaceMention] = []  # the same names, with their spans
        self.sent_index = sentence_index(doc)
        self.spans: set[tuple[Any, int, int]] = set()  # (draft key, character span) of every mention
        # Mentions other than pronouns by the sentence of their head: an anaphor looks back only
        # _ANAPHOR_WINDOW sentences, so it scans those rather than every mention of the document.
        self.by_sentence: dict[int, list[Antecedent]] = {}
        # Mentions whose head lies in a later sentence than their last word: an anaphor in between reaches them.
        self.ends_early: list[Antecedent] = []
        self.ents: Sequence[Span] = doc.ents  # each read of doc.ents builds every span anew
        self.role_nouns = role_noun_spans(doc, gaz)
        found = dictionary.find(doc, gazetteer_names(doc, gaz, self.ents), self.role_nouns, self.ents)
        self.role_nouns.update(found.role_nouns)
        self.organizations: Mapping[str, Organization] = (
            {**gaz.organizations, **found.organizations} if found.organizations else gaz.organizations
        )
        names = found.names + fallback_names(doc, gaz, self.ents, found.names)
        self.names = self.without_foreign_institutions(sorted(names, key=lambda n: (n.start, n.char_start)))
        # The curated titles and group heads win over the agents; a dictionary person or organisation
        # has a key of its own, and a dated curated person is read as on the article's date.
        self.titles: Mapping[str, str | None] = {**found.titles, **gaz.titles} if found.titles else gaz.titles
        self.group_heads: Mapping[str, str | None] = (
            {**found.group_heads, **gaz.group_heads} if found.group_heads else gaz.group_heads
        )
        self.affiliations = found.affiliations
        self.persons: Mapping[str, Person] = {**gaz.persons, **found.persons} if found.persons else gaz.persons
        # Tokens of sport and entertainment names: no entity over them is a political actor.
        self.non_political = {i for start, end in found.non_political for i in range(start, end)}
        # Token -> the names over it, in the order of self.names, so lookups by position need no scan.
        self.names_at: dict[int, list[FoundName]] = {}
        for name in self.names:
            for i in range(name.start, name.end):
                self.names_at.setdefault(i, []).append(name)
        self.by_head: dict[int, list[FoundName]] = {}
        self.named_countries: set[str] | None = None  # the countries the document names, when first needed
        self.text = doc.text  # Doc.text joins every token anew on each read
        # Tokens inside a listed name ("the African Union", "the West Bank") are never group nouns.
        self.listed = {i for n in self.names if n.entry.via != "demonym" for i in range(n.start, n.end)}
        self.people_nouns = {
            n.end - 1 for n in self.names if n.entry.via == "demonym" and doc[n.end - 1].tag_ in {"NNS", "NNPS"}
        }
        # Known persons the NER did not tag PERSON ("Oshima" as a place): they head person phrases too,
        # so that a title in apposition ("Kenzo Oshima, the UN Emergency Relief Coordinator") is theirs.
        self.person_names = {doc[n.start : n.end].root.i for n in self.names if n.entry.type == "person"}
        political = [ent for ent in self.ents if not any(i in self.non_political for i in range(ent.start, ent.end))]
        self.person_ents = {i: ent for ent in political if ent.label_ == "PERSON" for i in range(ent.start, ent.end)}
        self.org_ents = {i: ent for ent in political if is_org_entity(ent, gaz) for i in range(ent.start, ent.end)}

    def without_foreign_institutions(self, names: list[FoundName]) -> list[FoundName]:
        """Drop a listed organisation whose own phrase another country's name modifies.

        "Kenya's Senate", "the Nigeria Labour Congress", "the Indian National Congress" are not the US
        Congress that a bare "Senate" or "Congress" names: the phrase is built from its head noun, of
        the modifier's country.
        """
        countries = [(n.start, n.end, n.entry.key) for n in names if n.entry.type == "country"]
        if not countries:
            return names
        kept = []
        for name in names:
            org = self.organizations.get(name.entry.key) if name.entry.type == "org" else None
            if org is not None and org.country and org.country not in NON_STATE_CODES:
                left = self.doc[name.start : name.end].root.left_edge.i
                if any(left <= start and end <= name.start and code != org.country for start, end, code in countries):
                    continue
            kept.append(name)
        return kept

    # -- drafts and mentions -------------------------------------------------------------------

    def draft(self, key: tuple[Any, ...], name: str, kind: ActorKind, **codes: str | None) -> Draft:
        """Return the draft for ``key``, creating it with these codes on first sight."""
        draft = self.drafts.get(key)
        if draft is None:
            draft = Draft(key=key, name=name, kind=kind, order=len(self.drafts), **codes)  # type: ignore[arg-type]
            self.drafts[key] = draft
        return draft

    def mention(
        self, draft: Draft, start: int, end: int, head_i: int, via: MentionVia, *, chars: tuple[int, int] | None = None
    ) -> None:
        """Record one mention of ``draft`` over tokens [start, end)."""
        doc = self.doc
        char_start, char_end = chars or (doc[start].idx, doc[end - 1].idx + len(doc[end - 1]))
        if (draft.key, char_start, char_end) in self.spans:
            return
        self.spans.add((draft.key, char_start, char_end))
        mention = ActorMention(str(draft.key), char_start, char_end, start, end, head_i, self.sent_index[head_i], via)
        draft.mentions.append(mention)
        self.covered.update(range(start, end))
        if via != "pronoun":  # a pronoun is never the antecedent of another
            entry = (draft.order, len(self.spans), mention, draft)  # len(self.spans): mentions so far
            self.by_sentence.setdefault(mention.sentence, []).append(entry)
            if self.sent_index[end - 1] < mention.sentence:
                self.ends_early.append(entry)

    def antecedent_mentions(self, sentence: int) -> list[tuple[ActorMention, Draft]]:
        """Return the mentions an anaphor in ``sentence`` may refer back to, by draft, then as recorded.

        These are the mentions other than pronouns headed at most _ANAPHOR_WINDOW sentences back (or
        later); their order is the one in which ties between equally near antecedents are broken.
        """
        entries = [e for n in range(sentence - _ANAPHOR_WINDOW, sentence + 1) for e in self.by_sentence.get(n, ())]
        entries += [e for e in self.ends_early if e[2].sentence > sentence]
        entries.sort(key=lambda e: (e[0], e[1]))
        return [(mention, draft) for _, _, mention, draft in entries]

    # -- the passes ----------------------------------------------------------------------------

    def run(self) -> list[Draft]:
        """Run every pass and return the drafts."""
        for name in self.names:
            head = self.governor(name)
            if head is not None:
                name.used = True
                self.by_head.setdefault(head, []).append(name)
        for head_i in sorted(self.heads()):
            self.build_head(self.doc[head_i])
        for name in self.names:
            if not name.used:
                self.build_name(name)
            elif name.entry.via in {"province", "city"} and (code := self.place_country(name.entry)) is not None:
                # "a mosque in Kandahar": the group's place is still a place where things happen.
                self.record_place(name, code)
        resolve_anaphora(self)
        inherit_countries(self)
        return [draft for draft in self.drafts.values() if draft.mentions]

    def heads(self) -> set[int]:
        """Return the tokens that head a person, group or organisation phrase."""
        heads = set(self.by_head)
        named = {i for n in self.names if n.entry.type in {"country", "seat"} for i in range(n.start, n.end)}
        organisations = {i for n in self.names if n.entry.type == "org" for i in range(n.start, n.end)}
        for ent in self.ents:
            if self.names_a_site(ent):
                # "the Ayalon highway", "the Druzhba pipeline": the name of a site, whatever the NER says.
                for t in ent:
                    self.org_ents.pop(t.i, None)
                    self.person_ents.pop(t.i, None)
                continue
            if ent.label_ == "PERSON" and ent.root.i in organisations:
                # "Al-Shabaab" tagged as a person is the listed organisation, built from its name.
                for t in ent:
                    self.person_ents.pop(t.i, None)
                continue
            if self.inside_lexical_phrase(ent):
                # "Defence Minister", "Riot police": the NER took a word of a title or group noun for a name.
                for t in ent:
                    self.org_ents.pop(t.i, None)
                    self.person_ents.pop(t.i, None)
            elif ent.root.i in named and (ent.root.i in self.org_ents or ent.label_ == "PERSON"):
                for t in ent:  # the NER's "ORG" or "PERSON" is just a country, demonym or capital
                    self.org_ents.pop(t.i, None)
                    self.person_ents.pop(t.i, None)
            elif ent.label_ == "PERSON" or ent.root.i in self.org_ents:
                heads.add(ent.root.i)
        heads.update(i for i in self.person_names if i not in self.person_ents)
        for end_i, (_, phrase) in self.role_nouns.items():
            token = self.doc[end_i]
            if (
                token.dep_ != "compound"
                and token.pos_ in NOUNS
                and phrase not in self.gaz.state_heads
                and end_i not in self.listed
            ):
                heads.add(end_i)
        return heads

    def names_a_site(self, ent: Span) -> bool:
        """Tell whether an entity modifies a noun for a site or a work ("the Ayalon highway")."""
        root = ent.root
        sites = self.gaz.facility_nouns
        return root.dep_ == "compound" and root.head.i >= ent.end and root.head.lemma_.lower() in sites

    def inside_lexical_phrase(self, ent: Span) -> bool:
        """Tell whether an entity lies inside a longer curated title or group phrase."""
        end = ent.end - 1
        for end_i in range(end, min(end + _LONGEST_TITLE_REACH, len(self.doc))):
            lexical = self.role_nouns.get(end_i)
            if lexical is not None and lexical[0] <= ent.start and end_i - lexical[0] + 1 > len(ent):
                return True
        return False

    def governor(self, name: FoundName) -> int | None:
        """Return the head of the actor phrase ``name`` belongs to, or None if it stands alone."""
        token = self.doc[name.end - 1] if name.end - name.start == 1 else self.doc[name.start : name.end].root
        while token.dep_ == "conj" and token.head.dep_ in MODIFIER_DEPS and token.head.i < token.i:
            token = token.head
        head: Token | None = None
        if token.dep_ in MODIFIER_DEPS and token.head.i != token.i:
            head = token.head
        elif token.dep_ == "npadvmod" and token.head.dep_ == "amod":  # "Vietnamese-led forces"
            head = token.head.head
        elif token.dep_ == "pobj" and name.entry.type != "person":
            head = self.prepositional_head(token, name)
        if head is not None and head.lower_ in self.gaz.place_nouns and head.dep_ == "pobj":
            head = self.prepositional_head(head, name)  # "the government of Sindh province"
        if head is None:
            return None
        while head.dep_ in {"compound", "appos"} and head.head.pos_ in NOUNS and head.head.i > head.i:
            head = head.head
        return head.i if self.actor_noun(head) is not None else None

    def prepositional_head(self, token: Token, name: FoundName) -> Token | None:
        """Return the actor noun a country is attached to by "of", "in" or "based in", if any."""
        prep = token.head
        noun = prep.head
        if noun.pos_ == "VERB" and noun.dep_ == "acl" and noun.lemma_ in english().residence_verbs:
            noun = noun.head
        if noun.pos_ not in NOUNS or name.entry.type not in {"country", "seat"}:
            return None
        kind = self.actor_noun(noun)
        if prep.lower_ == "of" and kind in {"person", "group", "state"}:
            return noun
        # A country (never a capital, city or province: those are places, where talks or a delegation may be)
        # in which a group or organisation is based is its country.
        if (
            prep.lower_ in english().affiliation_preps
            and kind in {"group", "org"}
            and name.entry.via not in _PLACE_VIAS
        ):
            return noun
        return None

    def actor_noun(self, token: Token) -> str | None:
        """Classify a noun as the head of a person, group, state or organisation phrase."""
        if token.pos_ not in NOUNS:
            return None
        if token.i in self.person_ents or token.i in self.person_names:
            return "person"
        if token.i in self.org_ents:
            return "org"
        if token.i in self.people_nouns:
            return "group"  # "Bosnian Serbs": a people named by a demonym noun, of the modifier's country
        lexical = self.role_nouns.get(token.i)
        if lexical is None or token.i in self.listed:
            return None  # "the African Union" is a listed organisation, not a group of unions
        phrase = lexical[1]
        if phrase in self.gaz.state_heads:
            return "state"
        if phrase in self.titles and token.tag_ in {"NN", "NNP"}:
            return "person"
        if phrase in self.group_heads:
            if token.tag_ == "NN" and token.dep_ == "dobj" and not any(True for _ in token.lefts):
                return None  # a bare singular object is a mass noun ("share intelligence"), not a body
            if phrase in self.gaz.equipment_heads and not _doer(token):
                return None  # "sent 45 warplanes", "deliveries of jets": the machines, not a force acting
            return "group"
        return "person" if phrase in self.titles else None

    # -- phrases with a head noun --------------------------------------------------------------

    def build_head(self, head: Token) -> None:
        """Build the person, group, state or organisation actor a head noun stands for."""
        kind = self.actor_noun(head)
        names = self.by_head.get(head.i, [])
        if kind == "person":
            self.build_person(head, names)
        elif kind == "group":
            self.build_group(head, names)
        elif kind == "state":
            self.build_state_head(head, names)
        elif kind == "org":
            self.build_org(head, names)

    def phrase_bounds(self, head: Token, names: Sequence[FoundName]) -> tuple[int, int]:
        """Return the token span of the noun phrase up to its head, plus any absorbed names after it."""
        start = head.left_edge.i
        for child in head.lefts:
            start = min(start, child.left_edge.i)
        end = head.i + 1
        for name in names:
            start, end = min(start, name.start), max(end, name.end)
        return start, end

    def affiliation(self, names: Sequence[FoundName]) -> tuple[str | None, str | None, str | None]:
        """Return (country code, kind of organisation, sector) that the absorbed names give."""
        for name in names:
            entry = name.entry
            if entry.type == "country":
                return entry.key, None, None
            if entry.type == "seat":
                seat = self.gaz.seats[entry.key]
                if seat.country:
                    return seat.country, None, seat.sector
        for name in names:
            if name.entry.type == "org":
                org = self.organizations[self.reading_of(name.entry.key, self.name_text(name))]
                return participant_code(org.kind, org.country), org.kind, org.sector
        return None, None, None

    def build_person(self, head: Token, names: Sequence[FoundName]) -> None:
        """A named or titled individual."""
        doc = self.doc
        start, end = self.phrase_bounds(head, names)
        end = max(end, self.post_end(head))
        country, _, _ = self.affiliation(names)
        title = self.title_in(start, head.i + 1)
        sector = self.titles.get(title.lower()) if title else None
        person_name: str | None = None
        known = next(
            (self.persons[n.entry.key] for n in self.names_at.get(head.i, ()) if n.entry.type == "person"), None
        )
        ent = self.person_ents.get(head.i)
        if known is not None:
            if title is not None and title.lower() not in self.gaz.titles:
                title, sector = None, None  # an agent noun ("suspected terrorist") is no office of a known person
            person_name = known.name
            country = country or person_code(self.organizations, known)
            title = title or known.title
            sector = sector or known.sector or "GOV"
        elif ent is not None:
            person_name = ent.text
        if title is None and person_name is None:
            return
        via: MentionVia = "name" if person_name else "title"
        draft = self.appositive_person(head)
        if draft is not None and person_name is None and title is not None:
            # "Kenzo Oshima, the UN Emergency Relief Coordinator": the post the text gives him is his
            # post in this article, whatever a dictionary or the gazetteer knew of him.
            draft.country = country or draft.country
            draft.title = title_case(title)
            draft.sector = sector or draft.sector
        if draft is None and person_name is None and country is None:
            draft = self.antecedent_person(title, head)
            via = "nominal"
        anchor = self.unnamed_anchor(head) if draft is None and person_name is None else None
        if anchor is not None:  # "Kenzo Oshima, the UN Coordinator": the NER missed the name it stands beside
            person_name = anchor.text
            draft = self.draft(
                person_key(person_name),
                person_name,
                "person",
                country=country,
                sector=sector,
                title=title_case(title),
            )
            self.mention(draft, anchor.start, anchor.end, anchor.end - 1, "name")
        if draft is None:
            key = person_key(person_name) if person_name else ("person", title, country)
            label = strip_det(person_name or doc[start:end].text)
            draft = self.draft(key, label, "person", country=country, sector=sector, title=title_case(title))
        elif person_name and draft.mentions and all(m.via != "name" for m in draft.mentions):
            draft.name = person_name  # "Quatar's emir, Sheikh Hamad ...": the name is the better label
        draft.country = draft.country or country
        draft.title = draft.title or title_case(title)
        draft.sector = draft.sector or sector
        self.mention(draft, start, end, head.i, via)

    def unnamed_anchor(self, head: Token) -> Span | None:
        """Return the proper name a title stands in apposition to, if nothing else claims it."""
        anchor = head.head
        if head.dep_ != "appos" or anchor.pos_ != "PROPN" or anchor.i > head.i:
            return None
        start = min((c.i for c in anchor.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"), default=anchor.i)
        if anchor.i in self.names_at or anchor.i in self.org_ents:
            return None
        return self.doc[start : anchor.i + 1]

    def appositive_person(self, head: Token) -> Draft | None:
        """Return the person this phrase stands in apposition to ("Kenzo Oshima, the UN Coordinator")."""
        if head.dep_ == "appos" and head.head.i < head.i:
            for draft in self.drafts.values():
                if draft.kind == "person" and any(m.head_i == head.head.i for m in draft.mentions):
                    return draft
        return self.preceding_title(head)

    def preceding_title(self, head: Token) -> Draft | None:
        """Return the unnamed titled person right before ", Name" ("Qatar's emir, Sheikh Hamad, launched").

        The parser often misses this apposition; a title phrase that ends at the comma before a
        person's name is that person whatever the parse says.
        """
        if head.i not in self.person_ents:
            return None
        return self.title_before(min(self.person_ents[head.i].start, head.left_edge.i))

    def title_before(self, start: int) -> Draft | None:
        """Return the unnamed titled person whose phrase ends at the comma before token ``start``."""
        if start < 2 or self.doc[start - 1].text != ",":
            return None
        for draft in self.drafts.values():
            untitled = draft.kind == "person" and all(m.via == "title" for m in draft.mentions)
            if untitled and any(m.token_end == start - 1 for m in draft.mentions):
                return draft
        return None

    def appositive_named(self, head: Token) -> Draft | None:
        """Return the named organisation or group an unnamed group noun stands in apposition to."""
        if head.dep_ != "appos" or head.head.i > head.i:
            return None
        for draft in self.drafts.values():
            if draft.kind in {"organization", "ngo", "igo", "armed_group"} and any(
                m.head_i == head.head.i and m.via != "nominal" for m in draft.mentions
            ):
                return draft
        return None

    def post_end(self, head: Token) -> int:
        """Return the end of a "to China" post after an ambassador's title (the post, not his country)."""
        end = head.i + 1
        if head.lower_ not in self.gaz.post_titles:
            return end
        for child in head.rights:
            if child.dep_ == "prep" and child.lower_ in self.gaz.post_preps:
                end = max(end, child.right_edge.i + 1)
        following = head.nbor() if head.i + 1 < len(self.doc) else None
        if end == head.i + 1 and following is not None and following.lower_ in self.gaz.post_preps:
            # The parser often hangs "to China" on the verb; a country right after the title is still the post.
            after = self.names_at.get(head.i + 2, ())
            post = next((n for n in after if n.start == head.i + 2 and n.entry.type == "country"), None)
            if post is not None:
                end = post.end
        return end

    def antecedent_person(self, title: str | None, head: Token) -> Draft | None:
        """Return the latest earlier person with this title: "The ambassador" after "the U.S. Ambassador"."""
        if title is None or not any(c.lower_ in english().demonstratives for c in head.lefts):
            return None
        best: Draft | None = None
        best_pos = -1
        for draft in self.drafts.values():
            if draft.kind == "person" and draft.title and draft.title.lower() == title.lower():
                pos = max((m.token_start for m in draft.mentions if m.token_start < head.i), default=-1)
                if pos > best_pos:
                    best, best_pos = draft, pos
        return best

    def title_in(self, start: int, end: int) -> str | None:
        """Return the title that ends the phrase ("deputy chief" is a chief), else the longest inside it."""
        at_end = self.role_nouns.get(end - 1)
        if at_end is not None and at_end[1] in self.titles and at_end[0] >= start:
            return self.doc[at_end[0] : end].text
        best: tuple[int, str] | None = None
        for end_i in range(start, end):  # the role nouns do not overlap: this is their order
            lexical = self.role_nouns.get(end_i)
            if lexical is None:
                continue
            phrase_start, phrase = lexical
            if start <= phrase_start and phrase in self.titles:
                length = end_i - phrase_start
                if best is None or length > best[0]:
                    best = (length, self.doc[phrase_start : end_i + 1].text)
        return best[1] if best else None

    def build_group(self, head: Token, names: Sequence[FoundName]) -> None:
        """A collective named by a head noun; one group per country for "Hungarian and Romanian officials"."""
        phrase_start, phrase = self.role_nouns.get(head.i, (head.i, "people"))
        sector = self.group_heads.get(phrase, "CVL")
        for child in head.lefts:
            # "rebel leaders", "army officers": a more specific modifier decides the sector.
            child_lex = self.role_nouns.get(child.i)
            specific = (
                child.dep_ in {"compound", "amod"}
                and child.i not in self.listed
                and child_lex
                and child_lex[1] in self.group_heads
            )
            if specific and child_lex and sector in {"GOV", "CVL", "ELI"}:
                sector = self.group_heads[child_lex[1]]
        names = prefer_modifiers(names, head)
        countries = [n for n in names if n.entry.type in {"country", "seat"}]
        if len(countries) > 1:
            for name in countries:
                code, _, _ = self.affiliation([name])
                label = f"{self.doc[name.start : name.end].text} {head.text}"
                draft = self.draft(
                    ("group", code, sector, head.lemma_.lower()), label, "group", country=code, sector=sector
                )
                self.mention(
                    draft, name.start, name.end, head.i, mention_via(name), chars=(name.char_start, name.char_end)
                )
            return
        if not names and any(c.dep_ == "poss" and c.pos_ == "PRON" for c in head.lefts):
            return  # "its forces": the pronoun carries the actor, resolved with the other anaphors
        code, org_kind, _ = self.affiliation(names)
        # "peacekeeping troops": an IGO's, whoever's they are; "Israeli helicopters and tanks": Israeli tanks.
        code = code or self.affiliations.get(phrase) or (None if names else self.conjunct_country(head))
        kind: ActorKind = "armed_group" if org_kind == "armed_group" else "group"
        start, end = self.phrase_bounds(head, names)
        start = max(start, self.after_coordinated_actor(head))
        named = self.appositive_named(head) if not names else None
        if named is not None:  # "The Teachers' Union (TU), the umbrella union for ...": the same organisation
            self.mention(named, start, head.i + 1, head.i, "nominal")
            return
        start = min(start, phrase_start)
        label = strip_det(self.doc[start : head.i + 1].text)
        draft = self.draft(("group", code, sector, head.lemma_.lower()), label, kind, country=code, sector=sector)
        via: MentionVia = mention_via(names[0]) if names else "nominal"
        self.mention(draft, start, end, head.i, via)

    def after_coordinated_actor(self, head: Token) -> int:
        """Return where a group's phrase starts after an actor coordinated inside its modifiers.

        "the Congolese government and M23 rebels" parsed with "government" as a modifier of "rebels":
        the government is an actor of its own, and the group starts at its last conjunct ("M23 rebels").
        """
        start = 0
        for child in head.lefts:
            conjuncts = [c for c in child.children if c.dep_ == "conj"]
            if conjuncts and child.pos_ in NOUNS and self.actor_noun(child) is not None:
                start = max(start, conjuncts[-1].left_edge.i)
        return start

    def conjunct_country(self, head: Token) -> str | None:
        """Return the country a demonym before the first of two conjoined nouns gives the second."""
        first = head.head
        if head.dep_ != "conj" or first.i > head.i:
            return None
        demonyms = [n for n in self.by_head.get(first.i, ()) if n.entry.via == "demonym" and n.end <= first.i]
        return demonyms[0].entry.key if len(demonyms) == 1 and demonyms[0].entry.type == "country" else None

    def build_state_head(self, head: Token, names: Sequence[FoundName]) -> None:
        """ "The Sudanese government", "Romania's new government": the state itself."""
        countries = [n for n in names if n.entry.type in {"country", "seat"}]
        for name in countries:
            code, _, _ = self.affiliation([name])
            if code is None:
                continue
            draft = self.state(code)
            if len(countries) > 1:
                self.mention(
                    draft, name.start, name.end, head.i, mention_via(name), chars=(name.char_start, name.char_end)
                )
            else:
                start, end = self.phrase_bounds(head, names)
                self.mention(draft, start, end, head.i, mention_via(name))

    def build_org(self, head: Token, names: Sequence[FoundName]) -> None:
        """An organisation the NER found that the gazetteer does not list."""
        ent = self.org_ents[head.i]
        overlapping = [self.names_at.get(i, []) for i in range(ent.start, ent.end)]
        listed = [n for names_at in overlapping for n in names_at if n.entry.type in {"org", "person"}]
        if listed and not all(self.names_longer_org(ent, n) for n in listed):
            # A listed organisation inside: the gazetteer name wins ("the African Union Commission").
            for name in listed:
                self.build_name(name)
            return
        for name in listed:
            name.used = True  # "the Trade Union Congress", "the Kurdish Democratic Party": another body
        others = {id(n) for n in listed}
        # By start token, then in list order: the order of self.names.
        inner = [
            n
            for i, names_at in enumerate(overlapping, ent.start)
            for n in names_at
            if n.start == i and n.end <= ent.end and id(n) not in others
        ]
        for name in inner:
            name.used = True
        previous = self.parenthesised_alias(ent)
        if previous is not None:  # "the Liberian Peace Council (LPC)": the acronym is the same organisation
            self.mention(previous, ent.start, ent.end, head.i, "acronym")
            return
        # "the Rapid Support Forces in Jeddah": where an organisation is, by a city in its name, is not its country.
        located = [
            n for n in inner if n.entry.via in _PLACE_VIAS and n.start > ent.start and _after_locative(n, self.doc)
        ]
        code, _, _ = self.affiliation([n for n in [*inner, *names] if n not in located])
        words = {t.lower_ for t in ent}
        # The first sector word of the name, in its order ("Trade Union Congress": union, LAB), never a
        # set's order, which changes with the process's hash seed.
        sector = next((self.gaz.org_sector_words[t.lower_] for t in ent if t.lower_ in self.gaz.org_sector_words), None)
        sector = sector or self.group_heads.get(ent.root.lower_)  # "Latvian Constitutional Court": JUD
        kind: ActorKind = "organization"
        if code is None and words & self.gaz.ngo_name_words:
            kind = "ngo"
        label = strip_det(ent.text)
        draft = self.draft(("org", label.lower()), label, kind, country=code, sector=sector)
        start = ent.start
        if start > 0 and self.doc[start - 1].lower_ == "the":
            start -= 1
        self.mention(draft, start, ent.end, head.i, "name")

    def names_longer_org(self, ent: Span, name: FoundName) -> bool:
        """Tell whether an entity names another organisation than the listed one it ends with.

        Capitalised words before the listed name inside the entity make it another body ("the Trade
        Union Congress" is not the US Congress); a determiner or a listed country does not.
        """
        if name.entry.type != "org" or name.end != ent.end or name.start <= ent.start:
            return False
        before = [t for t in self.doc[ent.start : name.start] if t.lower_ != "the"]
        return (
            bool(before)
            and all(t.is_title or t.is_upper for t in before)
            and not any(n.entry.type == "country" for t in before for n in self.names_at.get(t.i, ()))
        )

    def parenthesised_alias(self, ent: Span) -> Draft | None:
        """Return the actor named just before "(ACRONYM)", if ``ent`` is such an acronym."""
        doc = self.doc
        if ent.start < 2 or ent.end >= len(doc) or doc[ent.start - 1].text != "(" or doc[ent.end].text != ")":
            return None
        for draft in self.drafts.values():
            if draft.kind != "person" and any(m.token_end == ent.start - 1 for m in draft.mentions):
                return draft
        return None

    # -- names standing alone ------------------------------------------------------------------

    def state(self, code: str) -> Draft:
        """Return the state actor for an ISO code (or an affiliation code)."""
        country = self.gaz.countries.get(code)
        name = country["name"] if country else code
        return self.draft(("state", code), name, "state", country=code)

    def record_place(self, name: FoundName, code: str) -> None:
        """Record a place name and the country it lies in, for the stages after this one."""
        root = self.doc[name.start : name.end].root
        self.place_mentions.append(
            PlaceMention(
                name.char_start,
                name.char_end,
                name.start,
                name.end,
                root.i,
                self.sent_index[root.i],
                code,
                name.entry.via,
            )
        )

    def build_name(self, name: FoundName) -> None:
        """A name that heads its own phrase: a state, organisation, seat or known person."""
        entry = name.entry
        start, end = name.start, name.end
        root = self.doc[start:end].root
        if entry.via in {"province", "city"} or (entry.via in {"capital", "seat"} and not self.acts(root)):
            # A place where something happens, not the government acting: it only lends its country.
            code = self.place_country(entry)
            if code is not None:
                self.places[root.i] = code
                self.record_place(name, code)
            return
        if start > 0 and self.doc[start - 1].lower_ == "the" and self.doc[start - 1].head.i == root.i:
            start -= 1
        first = self.doc[name.start]
        # A name inside a hyphenated token ("U.S.-China") keeps its own character span.
        inside_token = name.end - name.start == 1 and (name.char_start, name.char_end) != (
            first.idx,
            first.idx + len(first),
        )
        chars = (name.char_start, name.char_end) if inside_token else None
        if chars is None and start < name.start:
            chars = (self.doc[start].idx, name.char_end)
        if entry.type == "country":
            self.mention(self.state(entry.key), start, end, root.i, mention_via(name), chars=chars)
        elif entry.type == "seat":
            seat = self.gaz.seats[entry.key]
            draft = self.org(seat.org) if seat.org else self.state(seat.country or "")
            self.mention(draft, start, end, root.i, "seat", chars=chars)
        elif entry.type == "org":
            org_id = self.reading_of(entry.key, self.name_text(name))
            self.mention(self.org(org_id), start, end, root.i, mention_via(name), chars=chars)
        elif entry.type == "person" and root.i not in self.covered:
            person = self.persons[entry.key]
            titled = self.title_before(name.start)
            if titled is not None:  # "Qatar's emir, Sheikh Hamad": the title was this person
                titled.name = person.name
                titled.country = titled.country or person_code(self.organizations, person)
                self.mention(titled, start, end, root.i, "name", chars=chars)
                return
            key = person_key(person.name)
            draft = self.draft(
                key,
                person.name,
                "person",
                country=person_code(self.organizations, person),
                sector=person.sector or "GOV",
                title=person.title,
            )
            self.mention(draft, start, end, root.i, "name", chars=chars)

    def place_country(self, entry: NameEntry) -> str | None:
        """Return the country a place-only name lies in."""
        if entry.type == "country":
            return entry.key
        if entry.type == "seat":
            return self.gaz.seats[entry.key].country
        return None

    def name_text(self, name: FoundName) -> str:
        return self.text[name.char_start : name.char_end]

    def reading_of(self, org_id: str, text: str) -> str:
        """Return the organisation a name means here: another that shares it ("RSF") where the document
        names one of its countries (Sudan for the Rapid Support Forces), else the listed one."""
        readings = self.gaz.shared_names.get(text.lower())
        if not readings:
            return org_id
        if self.named_countries is None:
            self.named_countries = {n.entry.key for n in self.names if n.entry.type == "country"}
        return next((other for other, where in readings if where & self.named_countries), org_id)

    def org(self, org_id: str) -> Draft:
        """Return the actor of a listed organisation."""
        org = self.organizations[org_id]
        return self.draft(("org", org_id), org.name, org.kind, country=org.country, sector=org.sector)  # type: ignore[arg-type]

    def acts(self, token: Token) -> bool:
        """True where a capital or seat acts, speaks or is acted upon, rather than naming a place."""
        while token.dep_ == "conj" and token.head.i != token.i:
            token = token.head
        if token.dep_ == "pobj":
            prep = token.head
            # "an offer from Seoul", "pressure from Washington": who sent it, not where it came from.
            if prep.lower_ == "from" and prep.head.lemma_.lower() in self.gaz.message_nouns:
                return True
            return prep.lower_ not in self.gaz.locative_preps
        if token.dep_ == "compound":
            return self.actor_noun(token.head) is not None
        return token.dep_ in _ARGUMENT_DEPS
