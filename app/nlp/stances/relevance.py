"""Tell a political stance from a political-sounding word in a sport, celebrity, business, weather or science story.

Two kinds of evidence, weighed per stance (never per document: a political act in a sports story is
still coded):

- **Participants.** A stance is political when a participant is a political actor: a state, an
  international or armed organisation, a person, group or organisation with a political sector or
  title, a national population. A company, a team, an athlete, an entertainer, a scientist is not;
  a country named inside such a phrase ("Pakistan's batsmen", "a German carmaker") is only its
  nationality; a country named by its name may be a national team when the sentence is about sport.
- **Topic and sense.** Topic cues in the sentence (``topic.sentence_cues``), a trigger whose object is
  a thing no political act aims at ("invaded the pitch", "struck an asteroid"), a noun trigger in its
  non-political sense ("a lunar probe"), a natural force as the trigger's subject ("a typhoon hit").

The verdict: a natural force as agent, or positive non-political evidence with no political
participant, removes the stance; no evidence either way (participants the coder cannot place)
halves its confidence; a political participant keeps it as it is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum

from spacy.tokens import Doc, Token

from app.nlp import syntax
from app.nlp.english import english
from app.nlp.gazetteer import load_data
from app.nlp.stances.arguments import direct_objects
from app.nlp.stances.context import Context
from app.nlp.stances.topic import RelevanceData, SentenceCues, sentence_cues
from app.nlp.types import ActorMention, DocActor, DocStance

# Sectors of political actors (CAMEO's government, military, police, rebels, opposition, judiciary,
# legislature, parties, intelligence). Other sectors are civil society; business (BUS) is not political.
POLITICAL_SECTORS = frozenset({"GOV", "MIL", "COP", "REB", "OPP", "JUD", "LEG", "PTY", "SPY"})
BUSINESS_SECTORS = frozenset({"BUS"})
POLITICAL_KINDS = frozenset({"igo", "ngo", "armed_group"})
# A stance with no political participant and no evidence against keeps this share of its confidence.
UNPLACED_FACTOR = 0.5
SPORT = "sport"
# Kinds of object (relevance.yaml `objects`) no political act is aimed at.
DECISIVE_OBJECTS = frozenset({"sport", "science"})
# The participants' kind for the phrases that name a state's or a mission's people ("a negotiating team").
OFFICIAL = "official"
# Dependencies through which a noun phrase holds a name: "Pakistan's batsmen", "the Italian goal",
# "the people of Turkey", "England captain Kane".
_PHRASE_DEPS = frozenset({"poss", "compound", "amod", "nmod", "appos", "pobj", "prep", "npadvmod"})
_NOUNS = frozenset({"NOUN", "PROPN"})


class Standing(IntEnum):
    """How a participant bears on a stance's relevance, most political last."""

    NONPOLITICAL = 0  # a company, team, athlete, entertainer, natural force ...
    PLACE = 1  # a country named only where something happens ("recalled cars in the United States")
    UNPLACED = 2  # a name the coder cannot place (a person or organisation with no country or sector)
    NATIONAL = 3  # a person or organisation with only a nationality
    TEAM_LIKE = 4  # a political word that also names a team's or a firm's people ("captain", "side")
    STATE_NAME = 5  # a country by its name, capital or adjective: a national team in a sport story
    CIVIL = 6  # civil society: students, workers, journalists, refugees, churches ...
    CORE = 7  # governments, forces, police, rebels, parties, IGOs, NGOs, national populations


@dataclass(slots=True)
class Relevance:
    """The doc's actors and mentions as the relevance verdict reads them, built once per doc."""

    data: RelevanceData
    actors: dict[str, DocActor]
    mentions: dict[int, list[ActorMention]] = field(default_factory=lambda: defaultdict(list))  # by sentence
    state_heads: frozenset[str] = frozenset()
    locative_preps: frozenset[str] = frozenset()
    standings: dict[tuple[int, str, frozenset[str]], Standing] = field(default_factory=dict)  # see ``standing``

    @classmethod
    def build(cls, doc: Doc, data: RelevanceData) -> Relevance:
        """Index the doc's actors and their mentions by sentence."""
        gazetteer = load_data()
        relevance = cls(
            data=data,
            actors={a.id: a for a in doc._.actors or []},
            state_heads=frozenset(gazetteer["state_heads"]),
            locative_preps=frozenset(gazetteer["locative_preps"]),
        )
        for mention in doc._.actor_mentions or []:
            relevance.mentions[mention.sentence].append(mention)
        return relevance

    def weigh(self, stances: list[DocStance], ctx: Context) -> list[DocStance]:
        """Return the sentence's stances that stay, with their confidence weighed by relevance."""
        if not stances:
            return stances
        cues = sentence_cues(ctx.sentence, self.data, ctx.actors.by_token)
        kept: list[DocStance] = []
        for stance in stances:
            factor = self.factor(stance, ctx, cues)
            if factor > 0:
                stance.confidence = round(max(stance.confidence * factor, 0.05), 4)
                kept.append(stance)
        return kept

    def factor(self, stance: DocStance, ctx: Context, cues: SentenceCues) -> float:
        """Return 1 for a political stance, 0 to remove it, UNPLACED_FACTOR when nothing tells."""
        trigger = self._trigger(stance, ctx)
        if trigger is not None and self._natural_agent(trigger):
            return 0.0
        decisive, own_kinds = self._sense(trigger) if trigger is not None else (False, set())
        if decisive:
            return 0.0
        kinds = cues.kinds | own_kinds
        framing = cues.framing | own_kinds
        holders = [self.standing(i, ctx, kinds, framing) for i in stance.holder]
        targets = [self.standing(i, ctx, kinds, framing) for i in stance.target]
        if _political(holders, targets):
            return 1.0
        if kinds or Standing.NONPOLITICAL in (*holders, *targets):
            return 0.0
        return UNPLACED_FACTOR

    def standing(self, actor_id: str, ctx: Context, kinds: set[str], framing: set[str]) -> Standing:
        """Return the most political standing among the actor's mentions in the sentence."""
        actor = self.actors.get(actor_id)
        if actor is None:
            return Standing.UNPLACED
        # A country is a national team only when sport frames the act, not when it only dates it.
        state_kinds = framing if actor.kind == "state" else kinds
        # The stances of a sentence share their actors: weigh each actor once per sentence and kinds.
        key = (ctx.sentence_index, actor_id, frozenset(state_kinds))
        known = self.standings.get(key)
        if known is None:
            known = self.standings[key] = self._sentence_standing(actor, actor_id, ctx, state_kinds)
        return known

    def _sentence_standing(self, actor: DocActor, actor_id: str, ctx: Context, state_kinds: set[str]) -> Standing:
        mentions = [m for m in self.mentions.get(ctx.sentence_index, ()) if m.actor_id == actor_id]
        # A pronoun only repeats a name: it counts where the sentence does not name the actor itself.
        named = [m for m in mentions if m.via != "pronoun"]
        mentions = named or mentions
        found = [self._mention_standing(actor, m, ctx, state_kinds) for m in mentions]
        return max(found) if found else self._actor_standing(actor, None, state_kinds)

    def _mention_standing(self, actor: DocActor, mention: ActorMention, ctx: Context, kinds: set[str]) -> Standing:
        doc = ctx.doc
        head = doc[mention.head_i]
        span = range(mention.token_start, mention.token_end)
        around = [t for t in _phrase_nouns(head, span) if t.i not in ctx.actors.by_token]
        own = [doc[i] for i in span] if actor.kind in ("person", "group", "organization") else []
        vocabulary = self.data.participants
        if any(
            self.data.natural_forces.kind_of(t) or vocabulary.kind_of(t) not in (None, OFFICIAL)
            for t in (*around, *own)
        ):
            return Standing.NONPOLITICAL
        if actor.kind == "state" and mention.via in ("name", "capital", "acronym") and self._locative(head):
            return Standing.PLACE
        return self._actor_standing(actor, (mention, head), kinds)

    def _actor_standing(self, actor: DocActor, named: tuple[ActorMention, Token] | None, kinds: set[str]) -> Standing:
        """Return an actor's standing from its kind, sector and title, and how this mention names it."""
        if actor.kind in POLITICAL_KINDS:
            # "the Diamond League", "the Football Association": an unlisted body named like an NGO is
            # a sport's or a trade's own body when its sentence has a cue of that kind.
            return Standing.TEAM_LIKE if actor.kind == "ngo" and self._team_like(actor, kinds) else Standing.CORE
        if actor.kind == "state":
            return self._state_standing(named, kinds)
        if actor.sector in POLITICAL_SECTORS:
            return Standing.TEAM_LIKE if self._team_like(actor, kinds) else Standing.CORE
        if actor.sector in BUSINESS_SECTORS:
            return Standing.NONPOLITICAL
        if actor.sector:
            # "the K-pop agency": a word of civil society that also names an entertainer's or a firm's people.
            return Standing.TEAM_LIKE if self._team_like(actor, kinds) else Standing.CIVIL
        if actor.country and actor.kind in ("person", "group"):
            # "a Palestinian man", "Kenyan villagers": nationals; an organisation with no sector is
            # more often a firm or a club than an unlisted party or ministry (those have sector words).
            return Standing.UNPLACED if kinds else Standing.NATIONAL
        return Standing.UNPLACED

    def _team_like(self, actor: DocActor, kinds: set[str]) -> bool:
        """Tell whether the actor's name or title has a word that also names a team's or firm's people here."""
        words = {w for part in (actor.title or "", actor.name) for w in part.lower().split()}
        return any(kind in kinds for w in words for kind in self.data.team_like.get(w, ()))

    def _state_standing(self, named: tuple[ActorMention, Token] | None, kinds: set[str]) -> Standing:
        """A government, a seat or a people is the state; a bare country name may be a team in a sport story."""
        if named is None or named[0].via in ("seat", "nominal", "title"):
            return Standing.CORE
        mention, head = named
        if head.lemma_.lower() in self.state_heads or (mention.via == "demonym" and _plural(head)):
            return Standing.CORE  # "the Turkish government", "Palestinians"
        if mention.via == "demonym" or (head.dep_ == "poss" and head.head.pos_ == "PROPN"):
            # "Albanian villages", "the French line", "Finland's Kaarija": a nationality, not the state acting.
            return Standing.UNPLACED if kinds else Standing.NATIONAL
        return Standing.TEAM_LIKE if SPORT in kinds else Standing.STATE_NAME

    def _locative(self, token: Token) -> bool:
        """Tell whether a name is the object of a place preposition hanging from a verb ("cars in the US")."""
        while token.dep_ in ("conj", "compound") and token.head.i != token.i:
            token = token.head
        # "off the coast of Scotland", "on the outskirts of Kyiv": the stretch is where, and so is the name.
        if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lower_ in english().area_nouns:
            token = token.head.head
        return (
            token.dep_ == "pobj"
            and token.head.lower_ in self.locative_preps
            and token.head.head.pos_ in ("VERB", "AUX", "NOUN")
        )

    def _trigger(self, stance: DocStance, ctx: Context) -> Token | None:
        """Return the token of the stance's matched trigger (or the head of its trigger span)."""
        span = ctx.doc.char_span(stance.trigger.start, stance.trigger.end, alignment_mode="expand")
        if span is None or not len(span):
            return None
        matched = [t for t in span if ctx.memo.matches.get(t.i) is not None]
        return matched[0] if matched else span.root

    def _natural_agent(self, trigger: Token) -> bool:
        """Tell whether a trigger's doer is a natural force: a verb's subject ("a typhoon hit", "Hurricane X
        slammed") or, for a noun, the subject of the verb it is the object of ("the storm forced the evacuation")."""
        verb = trigger if trigger.pos_ == "VERB" else syntax.light_governor(trigger)
        if verb is None:
            return False
        subject = syntax.agent(verb)
        if subject is None:
            return False
        words = [subject, *syntax.children(subject, "compound")]
        return any(self.data.natural_forces.kind_of(t) for t in words)

    def _sense(self, trigger: Token) -> tuple[bool, set[str]]:
        """Return whether the trigger is read in a non-political sense, and the topic kinds its object marks.

        A noun trigger next to a word of its non-political sense ("a lunar probe", "the middle order"), or
        a verb whose object is a thing of sport or science ("invaded the pitch", "struck an asteroid"), is
        not the political act. A product as the object ("withdrew its phone") only marks the topic: a
        state banning a film or an app is still political.
        """
        kinds: set[str] = set()
        if trigger.pos_ == "VERB":
            # The object or what its phrase says it is ("a rocket carrying 36 satellites").
            things = [t for obj in direct_objects(trigger) for t in obj.subtree if t.pos_ in ("NOUN", "PROPN")]
            kinds.update(k for thing in things if (k := self.data.objects.kind_of(thing)))
        senses = self.data.senses.get(trigger.lemma_.lower())
        if senses and trigger.pos_ == "NOUN":
            context = [*trigger.children, syntax.light_governor(trigger) or trigger.head]
            if any(senses.get(t.lemma_.lower()) or senses.get(t.lower_) for t in context):
                return True, kinds
        return bool(kinds & DECISIVE_OBJECTS), kinds


def _political(holders: list[Standing], targets: list[Standing]) -> bool:
    """Tell whether a stance has a political participant; civil society's acts count, acts on it by others only."""
    if any(s >= Standing.STATE_NAME and s != Standing.CIVIL for s in (*holders, *targets)):
        return True
    if Standing.CIVIL in holders or Standing.NATIONAL in holders:
        return True
    holder_political = any(s > Standing.UNPLACED for s in holders)
    return holder_political and any(s in (Standing.CIVIL, Standing.NATIONAL) for s in targets)


def _plural(token: Token) -> bool:
    return token.tag_ in ("NNS", "NNPS")


def _phrase_nouns(head: Token, span: range) -> Iterator[Token]:
    """Yield the nouns around a name in its noun phrase: its modifiers, and the nouns it modifies up to the clause."""
    for child in head.children:
        if child.i not in span and child.dep_ in ("compound", "amod", "nmod", "appos") and child.pos_ in _NOUNS:
            yield child
    current = head
    for _ in range(syntax.MAX_CLIMB):
        if current.dep_ not in _PHRASE_DEPS or current.head.i == current.i:
            return
        current = current.head
        if current.pos_ in ("VERB", "AUX"):
            return
        if current.pos_ in _NOUNS and current.i not in span:
            yield current
