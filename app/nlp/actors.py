"""The actor stage: find every political actor in a document, code it, and fold its mentions together.

Names come from the generated gazetteer (app/nlp/data/gazetteer.json) through PhraseMatchers; the
dependency parse decides what a name is doing: a demonym or country that modifies a title or a group
noun belongs to that person or group ("Hungarian and Romanian officials" are two groups), a capital or
seat counts as its government only where it acts, speaks or is acted upon (never "in Washington"),
and pronouns and definite nominals ("the ambassador") fold into the nearest compatible actor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy.attrs import IS_TITLE, LOWER, ORTH, POS
from spacy.language import Language
from spacy.parts_of_speech import NOUN, PRON, PROPN
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from app.nlp.arrays import distinct_strings, is_one_of, positions
from app.nlp.extensions import register_extensions
from app.nlp.gazetteer import Entry, Gazetteer, NameVia, Person, correct_spelling, country_from_regex, get_gazetteer
from app.nlp.types import Actor, ActorKind, ActorMention, MentionVia

# Dependencies through which a word modifies the noun phrase it belongs to.
_MODIFIER_DEPS = frozenset({"amod", "compound", "poss", "nmod", "nummod"})
# Roles in which a capital or seat acts, speaks or is acted upon (its government, not the place).
_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "iobj", "dative", "poss", "agent", "ROOT", "attr", "appos"})
_NOUNS = frozenset({"NOUN", "PROPN"})
# Which reading of a name wins when two entries match the same words.
_PRIORITY = {"seat": 0, "name": 1, "acronym": 1, "demonym": 2, "capital": 3, "province": 4}
# Codes an affiliation to an international or armed organisation lends a person or group.
_AFFILIATION_CODES = {"igo": "IGO", "ngo": "NGO"}
# Weights of the salience score: how often, how early, and how central to the stances an actor is.
_W_MENTIONS, _W_POSITION, _W_STANCES = 0.5, 0.2, 0.3
_PRONOUN_WEIGHT = 0.5
_PLURAL_TAGS = frozenset({"NNS", "NNPS"})
# How many sentences back a pronoun or definite nominal may look for its antecedent.
_ANAPHOR_WINDOW = 3


@dataclass(slots=True)
class _Name:
    """A gazetteer name found in the text, before the parse decides what it is."""

    start: int  # token offsets, end exclusive
    end: int
    entry: Entry
    char_start: int
    char_end: int
    used: bool = False


@dataclass(slots=True, eq=False)
class _Draft:
    """An actor being assembled; mentions carry the draft key until ids are given."""

    key: Any  # a tuple while building; the actor id in update_salience
    name: str
    kind: ActorKind
    country: str | None = None
    sector: str | None = None
    title: str | None = None
    mentions: list[ActorMention] = field(default_factory=list)
    order: int = 0  # when the builder created it: equally near antecedents are tried in this order


# A mention an anaphor may refer back to: (its draft's order, when it was recorded, the mention, its draft).
_Antecedent = tuple[int, int, ActorMention, _Draft]


class _Builder:
    """Assemble the actors of one document."""

    def __init__(self, doc: Doc, gaz: Gazetteer) -> None:
        self.doc = doc
        self.gaz = gaz
        self.drafts: dict[tuple[Any, ...], _Draft] = {}
        self.covered: set[int] = set()  # tokens already inside a mention
        self.places: dict[int, str] = {}  # head token of a place-only name -> the country it lies in
        self.sent_index = _sentence_index(doc)
        self.spans: set[tuple[Any, int, int]] = set()  # (draft key, character span) of every mention
        # Mentions other than pronouns by the sentence of their head: an anaphor looks back only
        # _ANAPHOR_WINDOW sentences, so it scans those rather than every mention of the document.
        self.by_sentence: dict[int, list[_Antecedent]] = {}
        # Mentions whose head lies in a later sentence than their last word: an anaphor in between reaches them.
        self.ends_early: list[_Antecedent] = []
        self.ents: Sequence[Span] = doc.ents  # each read of doc.ents builds every span anew
        self.lexicon = _lexicon_spans(doc, gaz)
        self.names = _find_names(doc, gaz, self.ents)
        # Token -> the names over it, in the order of self.names, so lookups by position need no scan.
        self.names_at: dict[int, list[_Name]] = {}
        for name in self.names:
            for i in range(name.start, name.end):
                self.names_at.setdefault(i, []).append(name)
        self.by_head: dict[int, list[_Name]] = {}
        # Tokens inside a listed name ("the African Union", "the West Bank") are never group nouns.
        self.listed = {i for n in self.names if n.entry.via != "demonym" for i in range(n.start, n.end)}
        self.people_nouns = {
            n.end - 1 for n in self.names if n.entry.via == "demonym" and doc[n.end - 1].tag_ in {"NNS", "NNPS"}
        }
        self.person_ents = {i: ent for ent in self.ents if ent.label_ == "PERSON" for i in range(ent.start, ent.end)}
        self.org_ents = {i: ent for ent in self.ents if _is_org_entity(ent, gaz) for i in range(ent.start, ent.end)}

    # -- drafts and mentions -------------------------------------------------------------------

    def draft(self, key: tuple[Any, ...], name: str, kind: ActorKind, **codes: str | None) -> _Draft:
        """Return the draft for ``key``, creating it with these codes on first sight."""
        draft = self.drafts.get(key)
        if draft is None:
            draft = _Draft(key=key, name=name, kind=kind, order=len(self.drafts), **codes)  # type: ignore[arg-type]
            self.drafts[key] = draft
        return draft

    def mention(
        self, draft: _Draft, start: int, end: int, head_i: int, via: MentionVia, *, chars: tuple[int, int] | None = None
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

    def antecedent_mentions(self, sentence: int) -> list[tuple[ActorMention, _Draft]]:
        """Return the mentions an anaphor in ``sentence`` may refer back to, by draft, then as recorded.

        These are the mentions other than pronouns headed at most _ANAPHOR_WINDOW sentences back (or
        later); their order is the one in which ties between equally near antecedents are broken.
        """
        entries = [e for n in range(sentence - _ANAPHOR_WINDOW, sentence + 1) for e in self.by_sentence.get(n, ())]
        entries += [e for e in self.ends_early if e[2].sentence > sentence]
        entries.sort(key=lambda e: (e[0], e[1]))
        return [(mention, draft) for _, _, mention, draft in entries]

    # -- the passes ----------------------------------------------------------------------------

    def run(self) -> list[_Draft]:
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
        _resolve_anaphora(self)
        _inherit_countries(self)
        return [draft for draft in self.drafts.values() if draft.mentions]

    def heads(self) -> set[int]:
        """Return the tokens that head a person, group or organisation phrase."""
        heads = set(self.by_head)
        named = {i for n in self.names if n.entry.type in {"country", "seat"} for i in range(n.start, n.end)}
        for ent in self.ents:
            if ent.root.i in named and (ent.root.i in self.org_ents or ent.label_ == "PERSON"):
                for t in ent:  # the NER's "ORG" or "PERSON" is just a country, demonym or capital
                    self.org_ents.pop(t.i, None)
                    self.person_ents.pop(t.i, None)
            elif ent.label_ == "PERSON" or ent.root.i in self.org_ents:
                heads.add(ent.root.i)
        for end_i, (_, phrase) in self.lexicon.items():
            token = self.doc[end_i]
            if (
                token.dep_ != "compound"
                and token.pos_ in _NOUNS
                and phrase not in self.gaz.state_heads
                and end_i not in self.listed
            ):
                heads.add(end_i)
        return heads

    def governor(self, name: _Name) -> int | None:
        """Return the head of the actor phrase ``name`` belongs to, or None if it stands alone."""
        token = self.doc[name.end - 1] if name.end - name.start == 1 else self.doc[name.start : name.end].root
        while token.dep_ == "conj" and token.head.dep_ in _MODIFIER_DEPS and token.head.i < token.i:
            token = token.head
        head: Token | None = None
        if token.dep_ in _MODIFIER_DEPS and token.head.i != token.i:
            head = token.head
        elif token.dep_ == "npadvmod" and token.head.dep_ == "amod":  # "Vietnamese-led forces"
            head = token.head.head
        elif token.dep_ == "pobj" and name.entry.type != "person":
            head = self.prepositional_head(token, name)
        if head is not None and head.lower_ in self.gaz.place_nouns and head.dep_ == "pobj":
            head = self.prepositional_head(head, name)  # "the government of Sindh province"
        if head is None:
            return None
        while head.dep_ in {"compound", "appos"} and head.head.pos_ in _NOUNS and head.head.i > head.i:
            head = head.head
        return head.i if self.actor_noun(head) is not None else None

    def prepositional_head(self, token: Token, name: _Name) -> Token | None:
        """Return the actor noun a country is attached to by "of", "in" or "based in", if any."""
        prep = token.head
        noun = prep.head
        if noun.pos_ == "VERB" and noun.dep_ == "acl" and noun.lemma_ in {"base", "operate", "station", "live"}:
            noun = noun.head
        if noun.pos_ not in _NOUNS or name.entry.type not in {"country", "seat"}:
            return None
        kind = self.actor_noun(noun)
        if prep.lower_ == "of" and kind in {"person", "group", "state"}:
            return noun
        # A country (never a capital: that is a place) in which a group or organisation is based is its country.
        if prep.lower_ in {"in", "from", "at"} and kind in {"group", "org"} and name.entry.via != "capital":
            return noun
        return None

    def actor_noun(self, token: Token) -> str | None:
        """Classify a noun as the head of a person, group, state or organisation phrase."""
        if token.pos_ not in _NOUNS:
            return None
        if token.i in self.person_ents:
            return "person"
        if token.i in self.org_ents:
            return "org"
        if token.i in self.people_nouns:
            return "group"  # "Bosnian Serbs": a people named by a demonym noun, of the modifier's country
        lexical = self.lexicon.get(token.i)
        if lexical is None or token.i in self.listed:
            return None  # "the African Union" is a listed organisation, not a group of unions
        phrase = lexical[1]
        if phrase in self.gaz.state_heads:
            return "state"
        if phrase in self.gaz.titles and token.tag_ in {"NN", "NNP"}:
            return "person"
        if phrase in self.gaz.group_heads:
            if token.tag_ == "NN" and token.dep_ == "dobj" and not any(True for _ in token.lefts):
                return None  # a bare singular object is a mass noun ("share intelligence"), not a body
            return "group"
        return "person" if phrase in self.gaz.titles else None

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

    def phrase_bounds(self, head: Token, names: Sequence[_Name]) -> tuple[int, int]:
        """Return the token span of the noun phrase up to its head, plus any absorbed names after it."""
        start = head.left_edge.i
        for child in head.lefts:
            start = min(start, child.left_edge.i)
        end = head.i + 1
        for name in names:
            start, end = min(start, name.start), max(end, name.end)
        return start, end

    def affiliation(self, names: Sequence[_Name]) -> tuple[str | None, str | None, str | None]:
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
                org = self.gaz.organizations[name.entry.key]
                code = _AFFILIATION_CODES.get(org.kind, org.country)
                if code is None and org.kind == "armed_group":
                    code = "IMG"
                return code, org.kind, org.sector
        return None, None, None

    def build_person(self, head: Token, names: Sequence[_Name]) -> None:
        """A named or titled individual."""
        doc = self.doc
        start, end = self.phrase_bounds(head, names)
        end = max(end, self.post_end(head))
        country, _, _ = self.affiliation(names)
        title = self.title_in(start, head.i + 1)
        sector = self.gaz.titles.get(title.lower()) if title else None
        person_name: str | None = None
        known = next(
            (self.gaz.persons[n.entry.key] for n in self.names_at.get(head.i, ()) if n.entry.type == "person"), None
        )
        ent = self.person_ents.get(head.i)
        if known is not None:
            person_name = known.name
            country = country or _person_code(self.gaz, known)
            title = title or known.title
            sector = sector or "GOV"
        elif ent is not None:
            person_name = ent.text
        if title is None and person_name is None:
            return
        via: MentionVia = "name" if person_name else "title"
        draft = self.appositive_person(head)
        if draft is None and person_name is None and country is None:
            draft = self.antecedent_person(title, head)
            via = "nominal"
        anchor = self.unnamed_anchor(head) if draft is None and person_name is None else None
        if anchor is not None:  # "Kenzo Oshima, the UN Coordinator": the NER missed the name it stands beside
            person_name = anchor.text
            draft = self.draft(
                _person_key(person_name),
                person_name,
                "person",
                country=country,
                sector=sector,
                title=_title_case(title),
            )
            self.mention(draft, anchor.start, anchor.end, anchor.end - 1, "name")
        if draft is None:
            key = _person_key(person_name) if person_name else ("person", title, country)
            label = _strip_det(person_name or doc[start:end].text)
            draft = self.draft(key, label, "person", country=country, sector=sector, title=_title_case(title))
        elif person_name and draft.mentions and all(m.via != "name" for m in draft.mentions):
            draft.name = person_name  # "Quatar's emir, Sheikh Hamad ...": the name is the better label
        draft.country = draft.country or country
        draft.title = draft.title or _title_case(title)
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

    def appositive_person(self, head: Token) -> _Draft | None:
        """Return the person this phrase stands in apposition to ("Kenzo Oshima, the UN Coordinator")."""
        if head.dep_ == "appos" and head.head.i < head.i:
            for draft in self.drafts.values():
                if draft.kind == "person" and any(m.head_i == head.head.i for m in draft.mentions):
                    return draft
        return self.preceding_title(head)

    def preceding_title(self, head: Token) -> _Draft | None:
        """Return the unnamed titled person right before ", Name" ("Qatar's emir, Sheikh Hamad, launched").

        The parser often misses this apposition; a title phrase that ends at the comma before a
        person's name is that person whatever the parse says.
        """
        if head.i not in self.person_ents:
            return None
        return self.title_before(min(self.person_ents[head.i].start, head.left_edge.i))

    def title_before(self, start: int) -> _Draft | None:
        """Return the unnamed titled person whose phrase ends at the comma before token ``start``."""
        if start < 2 or self.doc[start - 1].text != ",":
            return None
        for draft in self.drafts.values():
            untitled = draft.kind == "person" and all(m.via == "title" for m in draft.mentions)
            if untitled and any(m.token_end == start - 1 for m in draft.mentions):
                return draft
        return None

    def appositive_named(self, head: Token) -> _Draft | None:
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

    def antecedent_person(self, title: str | None, head: Token) -> _Draft | None:
        """Return the latest earlier person with this title: "The ambassador" after "the U.S. Ambassador"."""
        if title is None or not any(c.lower_ in {"the", "this", "that"} for c in head.lefts):
            return None
        best: _Draft | None = None
        best_pos = -1
        for draft in self.drafts.values():
            if draft.kind == "person" and draft.title and draft.title.lower() == title.lower():
                pos = max((m.token_start for m in draft.mentions if m.token_start < head.i), default=-1)
                if pos > best_pos:
                    best, best_pos = draft, pos
        return best

    def title_in(self, start: int, end: int) -> str | None:
        """Return the title that ends the phrase ("deputy chief" is a chief), else the longest inside it."""
        at_end = self.lexicon.get(end - 1)
        if at_end is not None and at_end[1] in self.gaz.titles and at_end[0] >= start:
            return self.doc[at_end[0] : end].text
        best: tuple[int, str] | None = None
        for end_i in range(start, end):  # the lexicon's phrases do not overlap: this is their order
            lexical = self.lexicon.get(end_i)
            if lexical is None:
                continue
            phrase_start, phrase = lexical
            if start <= phrase_start and phrase in self.gaz.titles:
                length = end_i - phrase_start
                if best is None or length > best[0]:
                    best = (length, self.doc[phrase_start : end_i + 1].text)
        return best[1] if best else None

    def build_group(self, head: Token, names: Sequence[_Name]) -> None:
        """A collective named by a head noun; one group per country for "Hungarian and Romanian officials"."""
        phrase_start, phrase = self.lexicon.get(head.i, (head.i, "people"))
        sector = self.gaz.group_heads.get(phrase, "CVL")
        for child in head.lefts:
            # "rebel leaders", "army officers": a more specific modifier decides the sector.
            child_lex = self.lexicon.get(child.i)
            specific = (
                child.dep_ in {"compound", "amod"}
                and child.i not in self.listed
                and child_lex
                and child_lex[1] in self.gaz.group_heads
            )
            if specific and child_lex and sector in {"GOV", "CVL", "ELI"}:
                sector = self.gaz.group_heads[child_lex[1]]
        names = _prefer_modifiers(names, head)
        countries = [n for n in names if n.entry.type in {"country", "seat"}]
        if len(countries) > 1:
            for name in countries:
                code, _, _ = self.affiliation([name])
                label = f"{self.doc[name.start : name.end].text} {head.text}"
                draft = self.draft(
                    ("group", code, sector, head.lemma_.lower()), label, "group", country=code, sector=sector
                )
                self.mention(draft, name.start, name.end, head.i, _via(name), chars=(name.char_start, name.char_end))
            return
        if not names and any(c.dep_ == "poss" and c.pos_ == "PRON" for c in head.lefts):
            return  # "its forces": the pronoun carries the actor, resolved with the other anaphors
        code, org_kind, _ = self.affiliation(names)
        kind: ActorKind = "armed_group" if org_kind == "armed_group" else "group"
        start, end = self.phrase_bounds(head, names)
        named = self.appositive_named(head) if not names else None
        if named is not None:  # "The Teachers' Union (TU), the umbrella union for ...": the same organisation
            self.mention(named, start, head.i + 1, head.i, "nominal")
            return
        start = min(start, phrase_start)
        label = _strip_det(self.doc[start : head.i + 1].text)
        draft = self.draft(("group", code, sector, head.lemma_.lower()), label, kind, country=code, sector=sector)
        via: MentionVia = _via(names[0]) if names else "nominal"
        self.mention(draft, start, end, head.i, via)

    def build_state_head(self, head: Token, names: Sequence[_Name]) -> None:
        """ "The Sudanese government", "Romania's new government": the state itself."""
        countries = [n for n in names if n.entry.type in {"country", "seat"}]
        for name in countries:
            code, _, _ = self.affiliation([name])
            if code is None:
                continue
            draft = self.state(code)
            if len(countries) > 1:
                self.mention(draft, name.start, name.end, head.i, _via(name), chars=(name.char_start, name.char_end))
            else:
                start, end = self.phrase_bounds(head, names)
                self.mention(draft, start, end, head.i, _via(name))

    def build_org(self, head: Token, names: Sequence[_Name]) -> None:
        """An organisation the NER found that the gazetteer does not list."""
        ent = self.org_ents[head.i]
        overlapping = [self.names_at.get(i, []) for i in range(ent.start, ent.end)]
        if any(n.entry.type in {"org", "person"} for names_at in overlapping for n in names_at):
            return  # a listed organisation inside: the gazetteer name wins
        # By start token, then in list order: the order of self.names.
        inner = [
            n
            for i, names_at in enumerate(overlapping, ent.start)
            for n in names_at
            if n.start == i and n.end <= ent.end
        ]
        for name in inner:
            name.used = True
        previous = self.parenthesised_alias(ent)
        if previous is not None:  # "the Liberian Peace Council (LPC)": the acronym is the same organisation
            self.mention(previous, ent.start, ent.end, head.i, "acronym")
            return
        code, _, _ = self.affiliation([*inner, *names])
        words = {t.lower_ for t in ent}
        sector = next((self.gaz.org_sector_words[w] for w in words if w in self.gaz.org_sector_words), None)
        sector = sector or self.gaz.group_heads.get(ent.root.lower_)  # "Latvian Constitutional Court": JUD
        kind: ActorKind = "organization"
        if code is None and words & self.gaz.ngo_name_words:
            kind = "ngo"
        label = _strip_det(ent.text)
        draft = self.draft(("org", label.lower()), label, kind, country=code, sector=sector)
        start = ent.start
        if start > 0 and self.doc[start - 1].lower_ == "the":
            start -= 1
        self.mention(draft, start, ent.end, head.i, "name")

    def parenthesised_alias(self, ent: Span) -> _Draft | None:
        """Return the actor named just before "(ACRONYM)", if ``ent`` is such an acronym."""
        doc = self.doc
        if ent.start < 2 or ent.end >= len(doc) or doc[ent.start - 1].text != "(" or doc[ent.end].text != ")":
            return None
        for draft in self.drafts.values():
            if draft.kind != "person" and any(m.token_end == ent.start - 1 for m in draft.mentions):
                return draft
        return None

    # -- names standing alone ------------------------------------------------------------------

    def state(self, code: str) -> _Draft:
        """Return the state actor for an ISO code (or an affiliation code)."""
        country = self.gaz.countries.get(code)
        name = country["name"] if country else code
        return self.draft(("state", code), name, "state", country=code)

    def build_name(self, name: _Name) -> None:
        """A name that heads its own phrase: a state, organisation, seat or known person."""
        entry = name.entry
        start, end = name.start, name.end
        root = self.doc[start:end].root
        if entry.via == "province" or (entry.via in {"capital", "seat"} and not self.acts(root)):
            # A place where something happens, not the government acting: it only lends its country.
            code = self.place_country(entry)
            if code is not None:
                self.places[root.i] = code
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
            self.mention(self.state(entry.key), start, end, root.i, _via(name), chars=chars)
        elif entry.type == "seat":
            seat = self.gaz.seats[entry.key]
            draft = self.org(seat.org) if seat.org else self.state(seat.country or "")
            self.mention(draft, start, end, root.i, "seat", chars=chars)
        elif entry.type == "org":
            self.mention(self.org(entry.key), start, end, root.i, _via(name), chars=chars)
        elif entry.type == "person" and root.i not in self.covered:
            person = self.gaz.persons[entry.key]
            titled = self.title_before(name.start)
            if titled is not None:  # "Qatar's emir, Sheikh Hamad": the title was this person
                titled.name = person.name
                titled.country = titled.country or _person_code(self.gaz, person)
                self.mention(titled, start, end, root.i, "name", chars=chars)
                return
            key = _person_key(person.name)
            draft = self.draft(
                key, person.name, "person", country=_person_code(self.gaz, person), sector="GOV", title=person.title
            )
            self.mention(draft, start, end, root.i, "name", chars=chars)

    def place_country(self, entry: Entry) -> str | None:
        """Return the country a place-only name lies in."""
        if entry.type == "country":
            return entry.key
        if entry.type == "seat":
            return self.gaz.seats[entry.key].country
        return None

    def org(self, org_id: str) -> _Draft:
        """Return the actor of a listed organisation."""
        org = self.gaz.organizations[org_id]
        return self.draft(("org", org_id), org.name, org.kind, country=org.country, sector=org.sector)  # type: ignore[arg-type]

    def acts(self, token: Token) -> bool:
        """True where a capital or seat acts, speaks or is acted upon, rather than naming a place."""
        while token.dep_ == "conj" and token.head.i != token.i:
            token = token.head
        if token.dep_ == "pobj":
            return token.head.lower_ not in self.gaz.locative_preps
        if token.dep_ == "compound":
            return self.actor_noun(token.head) is not None
        return token.dep_ in _ARGUMENT_DEPS


# -- matching -------------------------------------------------------------------------------------


def _is_org_entity(ent: Span, gaz: Gazetteer) -> bool:
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


def _prefer_modifiers(names: Sequence[_Name], head: Token) -> list[_Name]:
    """Keep the names before the head ("Romanian refugees in Hungary" are Romanian) if there are any."""
    before = [n for n in names if n.end <= head.i]
    return before or list(names)


def _lexicon_spans(doc: Doc, gaz: Gazetteer) -> dict[int, tuple[int, str]]:
    """Map the last token of each title or group-noun phrase to (start, lower-cased phrase)."""
    spans = [doc[s:e] for _, s, e in gaz.lexicon_matcher(doc)]
    return {span.end - 1: (span.start, span.text.lower()) for span in filter_spans(spans)}


def _sentence_index(doc: Doc) -> list[int]:
    """Map each token to the number of its sentence, from the sentences' bounds."""
    index: list[int] = []
    for n, sent in enumerate(doc.sents):
        index.extend([n] * (sent.end - sent.start))
    return index


def _find_names(doc: Doc, gaz: Gazetteer, ents: Sequence[Span]) -> list[_Name]:
    """Find gazetteer names: phrase matches, then hyphenated parts, misspellings and NER fallbacks."""
    spans: list[Span] = []
    for matcher, cased in ((gaz.name_matcher, False), (gaz.acronym_matcher, True)):
        for match_id, start, end in matcher(doc):
            span = Span(doc, start, end, label=match_id)
            if cased or _case_ok(span, gaz):
                spans.append(span)
    # filter_spans keeps the first of equally long spans: "Brussels" the seat of the EU before the capital.
    spans.sort(key=lambda s: _PRIORITY[gaz.entries[s.label_][0].via])
    persons = {i: ent for ent in ents if ent.label_ == "PERSON" for i in range(ent.start, ent.end)}
    kept = [s for s in filter_spans(spans) if not _inside_person(s, persons, gaz)]
    names = [_Name(s.start, s.end, gaz.entries[s.label_][0], s.start_char, s.end_char) for s in kept]
    covered = {i for name in names for i in range(name.start, name.end)}
    names += _subtoken_names(doc, gaz, covered)
    names += _fallback_names(doc, gaz, ents, covered)
    return sorted(names, key=lambda n: (n.start, n.char_start))


def _case_ok(span: Span, gaz: Gazetteer) -> bool:
    """A lower-cased match counts only where written as a name: capitalised, or exactly as listed."""
    first = span[0].text
    return first[:1].isupper() or span.text in gaz.exact_names


def _inside_person(span: Span, persons: dict[int, Span], gaz: Gazetteer) -> bool:
    """True for a place name inside a longer person's name ("Jordan" in "Michael Jordan").

    ``persons`` maps each token to the PERSON entity over it; entities do not overlap, so only the
    one over the name's first token can hold the name.
    """
    entry = gaz.entries[span.label_][0]
    if entry.type != "country" or entry.via == "demonym":
        return False
    person = persons.get(span.start)
    return person is not None and span.end <= person.end and len(person) > len(span)


def _subtoken_names(doc: Doc, gaz: Gazetteer, covered: set[int]) -> list[_Name]:
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
                names.append(_Name(token.i, token.i + 1, entry, offset, offset + len(part)))
            offset += len(part) + 1
    return names


def _hyphenated_tokens(doc: Doc) -> list[int]:
    """Return the tokens with a hyphen in their text, looked up once per distinct word."""
    texts, text_of_token = distinct_strings(doc.to_array(ORTH).astype(np.uint64, copy=False), doc.vocab.strings)
    return positions(np.array(["-" in text for text in texts], dtype=bool)[text_of_token])


def _fallback_names(doc: Doc, gaz: Gazetteer, ents: Sequence[Span], covered: set[int]) -> list[_Name]:
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
        corrected = correct_spelling(gaz.deletion_index, token.text)
        if token.ent_type_ == "PERSON":  # a misspelt known surname ("Bouteflicka"), else a misspelt country
            corrected = correct_spelling(gaz.person_index, token.text) or corrected
        if corrected is not None:
            names.append(_Name(token.i, token.i + 1, gaz.names_lower[corrected], token.idx, token.idx + len(token)))
            covered.add(token.i)
    for ent in ents:
        if ent.label_ not in {"GPE", "NORP"} or any(i in covered for i in range(ent.start, ent.end)):
            continue
        code = country_from_regex(gaz, ent.text)
        if code is not None:
            via: NameVia = "demonym" if ent.label_ == "NORP" else "name"
            names.append(_Name(ent.start, ent.end, Entry("country", code, via), ent.start_char, ent.end_char))
    return names


# -- countries of unnamed actors -----------------------------------------------------------------

# Affiliation codes that name no country to inherit.
_NON_STATE_CODES = frozenset({*_AFFILIATION_CODES.values(), "IMG"})
# Kinds of actor that take the country of the sentence they act in when nothing names their own.
_INHERITING_KINDS = frozenset({"person", "group", "organization"})
# Prepositions by which a phrase places its head noun ("demonstrators in Baghdad", "a missionary from X").
_PLACING_PREPS = frozenset({"in", "from", "of", "at", "inside", "across", "throughout"})


def _inherit_countries(builder: _Builder) -> None:
    """Give an actor no name codes ("demonstrators", "President Dos Santos") the country its sentence gives.

    CAMEO codes an unnamed domestic group or a person of unstated nationality by the country they act
    in: first a place in their own phrase ("demonstrators in Baghdad"), then, for a group, the one
    country its sentence locates things in ("people blocked streets in Hong Kong in defiance of
    Chinese authorities"), else the one country that the places and named actors of their sentences
    share ("President Dos Santos ... UNITA"). A place-only name
    ("in Algiers") lends its country to an unnamed collective only (a group noun), never to a person
    or an organisation, and never becomes an actor itself. With two candidates nothing is inherited.
    """
    doc = builder.doc
    coded = [d for d in builder.drafts.values() if d.country and d.country not in _NON_STATE_CODES]
    by_sentence: dict[int, set[str]] = {}
    for draft in coded:
        for mention in draft.mentions:
            if mention.via != "pronoun" and draft.country:
                by_sentence.setdefault(mention.sentence, set()).add(draft.country)
    # Syntax never crosses a sentence: index heads and places by sentence, so that the checks
    # below stay linear in the length of the document.
    heads: dict[int, set[int]] = {}
    for d in builder.drafts.values():
        for m in d.mentions:
            if m.via != "pronoun":
                heads.setdefault(m.sentence, set()).add(m.head_i)
    places: dict[int, set[str]] = {}
    place_tokens: dict[int, list[tuple[int, str]]] = {}
    for token_i, code in builder.places.items():
        places.setdefault(builder.sent_index[token_i], set()).add(code)
        place_tokens.setdefault(builder.sent_index[token_i], []).append((token_i, code))
    located = {n: set(codes) for n, codes in places.items()}  # countries a sentence places things in
    first_conjuncts: dict[int, Token] = {}
    for draft in coded:
        for mention in draft.mentions:
            if (
                draft.kind == "state"
                and draft.country
                and _in_place_phrase(doc[mention.head_i], builder.gaz, first_conjuncts)
            ):
                located.setdefault(mention.sentence, set()).add(draft.country)
    for draft in builder.drafts.values():
        if draft.country or draft.kind not in _INHERITING_KINDS:
            continue
        named = [m for m in draft.mentions if m.via != "pronoun"]
        own_heads = {m.head_i for m in named}
        if any(
            _places_head(doc[h], n)
            for m in named
            for n in _phrase_nouns(doc[m.head_i])
            for h in heads.get(m.sentence, set()) - own_heads
        ):
            continue  # "(a mission of) observers from the OSCE": the actor in its own phrase is its affiliation
        collective = draft.kind == "group"
        own = {code for m in named for i, code in place_tokens.get(m.sentence, []) if _places_head(doc[i], m.head_i)}
        if collective and len(own) == 1:
            draft.country = own.pop()
            continue
        where = {code for m in named for code in located.get(m.sentence, set())}
        if collective and len(where) == 1:
            draft.country = where.pop()
            continue
        candidates = {code for m in named for code in by_sentence.get(m.sentence, set())}
        if collective:
            candidates |= {code for m in named for code in places.get(m.sentence, set())}
        if len(candidates) == 1:
            draft.country = candidates.pop()


def _in_place_phrase(token: Token, gaz: Gazetteer, first_conjuncts: dict[int, Token]) -> bool:
    """True for a name in a locative phrase ("in Hong Kong", "across Syria and Iraq")."""
    token = _first_conjunct(token, first_conjuncts)
    return token.dep_ == "pobj" and token.head.lower_ in gaz.locative_preps


def _first_conjunct(token: Token, memo: dict[int, Token]) -> Token:
    """Return the first conjunct of the chain ``token`` is in; ``memo`` keeps every walk's answer.

    A list of n coordinated names can be parsed as a chain, each conjunct headed by the one before:
    walking it afresh from every name costs n² steps (2.9 s for one 20,000-character sentence).
    """
    path: list[int] = []
    while token.i not in memo and token.dep_ == "conj" and token.head.i != token.i:
        path.append(token.i)
        token = token.head
    first = memo.get(token.i, token)
    for i in path:
        memo[i] = first
    return first


def _phrase_nouns(head: Token) -> list[int]:
    """Return a noun and the noun it is "of" ("observers" in "a mission of observers")."""
    nouns = [head.i]
    if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.pos_ in _NOUNS:
        nouns.append(head.head.head.i)
    return nouns


def _places_head(place: Token, head_i: int) -> bool:
    """True if ``place`` sits in a prepositional phrase of the noun at ``head_i`` ("demonstrators in X")."""
    current = place
    for _ in range(6):
        if current.dep_ == "pobj" and current.head.dep_ == "prep" and current.head.lower_ in _PLACING_PREPS:
            current = current.head.head
        elif current.dep_ in {"compound", "conj", "appos"} or (current.dep_ == "acl" and current.tag_ == "VBN"):
            current = current.head  # "the capital city of Algiers", "a newspaper based in Beirut"
        else:
            return False
        if current.i == head_i:
            return True
    return False


# -- coreference ----------------------------------------------------------------------------------


def _resolve_anaphora(builder: _Builder) -> None:
    """Fold pronouns and definite nominals ("its", "the two countries") into the nearest compatible actors."""
    doc, gaz = builder.doc, builder.gaz
    heads = {m.head_i for draft in builder.drafts.values() for m in draft.mentions}
    for i in _anaphor_tokens(doc, gaz):
        token = doc[i]
        lower = token.lower_
        # A possessive inside a phrase ("its European Community partners") still refers on its own.
        if token.i in heads or (token.i in builder.covered and token.pos_ != "PRON"):
            continue
        if token.pos_ == "PRON" and lower in gaz.pronouns:
            rule = gaz.pronouns[lower]
            drafts = _antecedents(builder, token, rule["kinds"], plural=rule["number"] == "plural")
            for draft in drafts:
                builder.mention(draft, token.i, token.i + 1, token.i, "pronoun")
        elif token.pos_ == "NOUN" and lower in gaz.nominals and _definite(token):
            drafts = _antecedents(builder, token, gaz.nominals[lower], plural=token.tag_ == "NNS", count=_count(token))
            for draft in drafts:
                builder.mention(draft, token.left_edge.i, token.i + 1, token.i, "nominal")


def _anaphor_tokens(doc: Doc, gaz: Gazetteer) -> list[int]:
    """Return the tokens that are a listed pronoun or nominal noun, read off arrays rather than token by token."""
    pos_lower = doc.to_array([POS, LOWER]).astype(np.uint64, copy=False)  # no copy: typed for mypy
    pos, lower = pos_lower[:, 0], pos_lower[:, 1]
    pronouns = is_one_of(lower, gaz.pronouns, doc.vocab.strings)
    nominals = is_one_of(lower, gaz.nominals, doc.vocab.strings)
    return positions(((pos == PRON) & pronouns) | ((pos == NOUN) & nominals))


def _definite(token: Token) -> bool:
    """True for "the country", "their countries", "both countries", "the two countries"."""
    if any(c.dep_ in _MODIFIER_DEPS - {"nummod"} and c.pos_ in _NOUNS | {"ADJ"} for c in token.lefts):
        return False  # "the Sudanese government" is a name, handled elsewhere
    return any(c.lower_ in {"the", "this", "these", "those", "both", "their", "its"} for c in token.lefts)


def _count(token: Token) -> int | None:
    """Return the number a plural nominal gives ("the two countries" -> 2, "both" -> 2)."""
    for child in token.lefts:
        if child.lower_ in {"both", "two"}:
            return 2
        if child.like_num and child.text.isdigit():
            return int(child.text)
        if child.lower_ in {"three", "four"}:
            return {"three": 3, "four": 4}[child.lower_]
    return None


def _antecedents(
    builder: _Builder, token: Token, kinds: Sequence[str], *, plural: bool, count: int | None = None
) -> list[_Draft]:
    """Return the nearest earlier actors of a compatible kind; several for a plural over a coordination."""
    sentence = builder.sent_index[token.i]
    candidates = [
        (mention.token_start, mention, draft)
        for mention, draft in builder.antecedent_mentions(sentence)
        if draft.kind in kinds and mention.token_end <= token.i
    ]
    if not candidates:
        return []
    candidates.sort(key=lambda c: (-c[0], kinds.index(c[2].kind)))
    if count is not None:
        chosen: list[_Draft] = []
        for _, _, draft in candidates:
            if draft not in chosen:
                chosen.append(draft)
            if len(chosen) == count:
                break
        return chosen
    _, nearest, first = candidates[0]
    if plural:
        same_head = [d for _, m, d in candidates if m.head_i == nearest.head_i]
        coordinated = [d for _, m, d in candidates if _coordinated(builder.doc, m.head_i, nearest.head_i)]
        group = list(dict.fromkeys([*same_head, *coordinated]))
        if len(group) > 1:
            return group
        # "they" is a plural noun phrase ("Militants loyal to al-Qaeda said they"), not a nearer singular name.
        if builder.doc[nearest.head_i].tag_ not in _PLURAL_TAGS:
            in_sentence = [c for c in candidates if c[1].sentence == sentence]
            numbered = [d for _, m, d in in_sentence if builder.doc[m.head_i].tag_ in _PLURAL_TAGS]
            if numbered:
                return numbered[:1]
    elif builder.doc[nearest.head_i].tag_ in {"NNS", "NNPS"} and first.kind == "group":
        singular = [d for _, m, d in candidates if builder.doc[m.head_i].tag_ not in {"NNS", "NNPS"}]
        return singular[:1]
    return [first]


def _coordinated(doc: Doc, a: int, b: int) -> bool:
    """True if two tokens are conjuncts of each other ("The United States and Jordan")."""
    ta, tb = doc[a], doc[b]
    return (ta.dep_ == "conj" and ta.head.i == b) or (tb.dep_ == "conj" and tb.head.i == a)


# -- helpers --------------------------------------------------------------------------------------


def _via(name: _Name) -> MentionVia:
    """Map a gazetteer entry's naming onto a mention's ``via``."""
    via = name.entry.via
    return "name" if via == "province" else via


def _person_code(gaz: Gazetteer, person: Person) -> str | None:
    """Return a known person's country, or the code of the organisation he belongs to."""
    if person.country:
        return str(person.country)
    if person.org:
        org = gaz.organizations[person.org]
        return _AFFILIATION_CODES.get(org.kind, org.country) or ("IMG" if org.kind == "armed_group" else None)
    return None


def _person_key(name: str) -> tuple[str, str]:
    """Fold a person's mentions by surname: "Yasser Arafat" and "Arafat" are one actor."""
    return ("person", name.rsplit(maxsplit=1)[-1].lower())


def _strip_det(text: str) -> str:
    """Drop a leading article from an actor's display name."""
    for article in ("the ", "The ", "a ", "A ", "an ", "An "):
        if text.startswith(article):
            return text[len(article) :]
    return text


def _title_case(title: str | None) -> str | None:
    """Display a title capitalised as in "Ambassador", "Prime Minister"."""
    if title is None:
        return None
    small = {"of", "the", "for", "and", "to"}
    return " ".join(w[:1].upper() + w[1:] if w.islower() and w not in small else w for w in title.split())


# -- salience, ids and the public helpers ---------------------------------------------------------


def _salience(drafts: Sequence[_Draft], doc: Doc, roles: dict[Any, int]) -> dict[Any, float]:
    """Score each actor in 0..1 from its mentions, how early it appears, and its share of stance roles."""
    weights = {d.key: sum(_PRONOUN_WEIGHT if m.via == "pronoun" else 1.0 for m in d.mentions) for d in drafts}
    most = max(weights.values(), default=1.0) or 1.0
    most_roles = max(roles.values(), default=0) or 1
    length = max(len(doc), 1)
    scores = {}
    for draft in drafts:
        first = min(m.token_start for m in draft.mentions)
        score = _W_MENTIONS * weights[draft.key] / most + _W_POSITION * (1 - first / length)
        score += _W_STANCES * roles.get(draft.key, 0) / most_roles
        scores[draft.key] = round(min(1.0, score), 4)
    return scores


def _finalise(drafts: Sequence[_Draft], doc: Doc) -> tuple[list[Actor], list[ActorMention]]:
    """Turn drafts into actors sorted by salience, with ids a1, a2, …"""
    scores = _salience(drafts, doc, {})
    ordered = sorted(drafts, key=lambda d: (-scores[d.key], min(m.start for m in d.mentions)))
    actors: list[Actor] = []
    mentions: list[ActorMention] = []
    for n, draft in enumerate(ordered, start=1):
        actor_id = f"a{n}"
        for mention in draft.mentions:
            mention.actor_id = actor_id
        draft.mentions.sort(key=lambda m: (m.start, m.end))
        actors.append(
            Actor(
                id=actor_id,
                name=draft.name,
                kind=draft.kind,
                country=draft.country,
                sector=draft.sector,
                title=draft.title,
                mentions=draft.mentions,
                salience=scores[draft.key],
            )
        )
        mentions.extend(draft.mentions)
    mentions.sort(key=lambda m: (m.start, m.end, m.actor_id))
    return actors, mentions


def update_salience(doc: Doc) -> None:
    """Re-score salience with the actors' roles in ``doc._.stances``, re-sort, and renumber ids everywhere."""
    actors: list[Actor] = doc._.actors or []
    if not actors:
        return
    roles: dict[Any, int] = {}
    for stance in doc._.stances or []:
        for actor_id in {*stance.holder, *stance.target}:
            roles[actor_id] = roles.get(actor_id, 0) + 1
    drafts = [
        _Draft(
            key=a.id, name=a.name, kind=a.kind, country=a.country, sector=a.sector, title=a.title, mentions=a.mentions
        )
        for a in actors
    ]
    scores = _salience(drafts, doc, roles)
    ordered = sorted(actors, key=lambda a: (-scores[a.id], min((m.start for m in a.mentions), default=0)))
    renumber = {actor.id: f"a{n}" for n, actor in enumerate(ordered, start=1)}
    for actor in ordered:
        actor.salience = scores[actor.id]
        actor.id = renumber[actor.id]
        for mention in actor.mentions:
            mention.actor_id = actor.id
    for stance in doc._.stances or []:
        stance.holder = [renumber.get(a, a) for a in stance.holder]
        stance.target = [renumber.get(a, a) for a in stance.target]
        if stance.attributed_to in renumber:
            stance.attributed_to = renumber[stance.attributed_to]
    doc._.actors = ordered
    if doc._.actor_mentions:
        doc._.actor_mentions.sort(key=lambda m: (m.start, m.end, m.actor_id))


def actors_for_token(doc: Doc, token_i: int) -> list[str]:
    """Return the ids of the actors a token stands for: mentions headed by it, else the tightest mention over it."""
    mentions: list[ActorMention] = doc._.actor_mentions or []
    headed = [m.actor_id for m in mentions if m.head_i == token_i]
    if headed:
        return list(dict.fromkeys(headed))
    covering = [m for m in mentions if m.token_start <= token_i < m.token_end]
    if not covering:
        return []
    tightest = min(m.token_end - m.token_start for m in covering)
    return list(dict.fromkeys(m.actor_id for m in covering if m.token_end - m.token_start == tightest))


class ActorRecognizer:
    """The spaCy component: sets ``doc._.actors`` and ``doc._.actor_mentions``."""

    def __init__(self, nlp: Language) -> None:
        register_extensions()
        self.nlp = nlp
        self.gazetteer = get_gazetteer(nlp)

    def __call__(self, doc: Doc) -> Doc:
        """Find, code and fold the actors of one document."""
        drafts = _Builder(doc, self.gazetteer).run()
        doc._.actors, doc._.actor_mentions = _finalise(drafts, doc)
        return doc


@Language.factory("stancewire_actors")
def make_actor_recognizer(nlp: Language, name: str) -> ActorRecognizer:
    """Create the actor component (the gazetteer is compiled once per vocabulary)."""
    return ActorRecognizer(nlp)
