"""The stance stage: holder -> PLOVER event -> target, with modality, attribution and evidence.

Triggers and their argument frames come from ``data/lexicon.yaml`` (see ``app.nlp.lexicon``);
this module only interprets them over the dependency parse and the actor mentions.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray
from spacy.attrs import DEP, LEMMA, LOWER, POS
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from app.nlp import syntax
from app.nlp.arrays import distinct_strings, is_one_of, positions
from app.nlp.extensions import register_extensions
from app.nlp.lexicon import Cues, Entry, Lexicon, load_lexicon
from app.nlp.modality import according_to, attribution, embedded_modality, is_ultimatum, own_modality
from app.nlp.types import Actor, ActorMention, Modality, Stance, TextSpan

# Categories whose intended performance is itself a commitment to cooperate (CAMEO 03) ...
COOPERATIVE = frozenset({"CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
# ... or a threat (CAMEO 13).
CONFLICTUAL = frozenset({"SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "PROTEST"})
# Acts of armed force: preparing them is mobilizing.
MILITARY = frozenset({"ASSAULT", "MOBILIZE"})
# Generic targets of an act in a complement clause ("threatened to ban X", "urged Y to halt attacks on X").
COMPLEMENT_TARGET_PREPS = ("against", "on", "upon", "with", "to", "into", "from", "in")
# Affiliation codes an actor may carry as its "country" that name no country.
NON_STATE_CODES = frozenset({"IGO", "NGO", "IMG"})
# Confidence: a sentence's main clause outranks embedded ones; verbs outrank nouns.
BASE_CONFIDENCE = 0.85
DEPTH_PENALTY = 0.15
NOUN_PENALTY = 0.1
TARGET_BONUS = 0.05
DERIVED_BONUS = 0.08
MODALITY_PENALTY: dict[str, float] = {
    "asserted": 0.0,
    "intended": 0.1,
    "requested": 0.1,
    "alleged": 0.1,
    "hypothetical": 0.15,
    "negated": 0.2,
}
_VERB_POS = frozenset({"VERB"})
_NOUN_POS = frozenset({"NOUN"})
_PHRASE_BREAK_DEPS = ("appos", "parataxis")
# The words ``text in ",;:"`` accepts (see phrase_span): each piece of that string. Punctuation has no case,
# so they are their own lowercase form.
_PHRASE_BREAK_MARKS = frozenset(",;:"[start:end] for start in range(3) for end in range(start + 1, 4))
_PERSONAL_PRONOUNS = frozenset({"it", "its", "they", "their", "them", "he", "his", "him", "she", "her", "we", "our"})


@dataclass(slots=True)
class ActorIndex:
    """Actor ids by the token a mention takes part in syntax through, and by every token it covers."""

    by_head: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_token: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_position: dict[int, list[str]] = field(default_factory=dict)  # what ``at`` answers, looked up once
    heads: list[int] = field(default_factory=list)  # the positions of by_head, ascending
    coded: set[str] = field(default_factory=set)  # actors with a country, or international organisations
    country: dict[str, str] = field(default_factory=dict)  # actor id -> its ISO country, for states and nationals

    @classmethod
    def build(cls, actors: Iterable[Actor], mentions: Iterable[ActorMention]) -> ActorIndex:
        """Index the doc's actor mentions."""
        index = cls()
        actors = list(actors)
        index.coded = {a.id for a in actors if a.country or a.kind in ("igo", "ngo", "armed_group")}
        index.country = {a.id: a.country for a in actors if a.country and a.country not in NON_STATE_CODES}
        for mention in mentions:
            _add_unique(index.by_head[mention.head_i], mention.actor_id)
            for i in range(mention.token_start, mention.token_end):
                _add_unique(index.by_token[i], mention.actor_id)
        index.by_position = {**index.by_token, **index.by_head}  # a mention's head wins over the tokens it covers
        index.heads = sorted(index.by_head)
        return index

    def at(self, token: Token) -> list[str]:
        """Return the actors a single token stands for."""
        return self.by_position.get(token.i, [])


def _add_unique(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


@dataclass(slots=True)
class Candidates:
    """The tokens each sentence scan can be limited to (doc positions, ascending), found on the doc's arrays.

    Most words are ruled out by their part of speech and lemma alone. Checking those on arrays, once
    per doc, spares creating a Token and looking up its strings for every word of a long article.
    """

    triggers: list[int]  # a lemma the lexicon lists for the word's part of speech (see _pos_key)
    off_topic: list[int]  # an off-topic lemma with an off-topic part of speech (see is_off_topic)
    speech_verbs: list[int]  # a verb with an attribution verb's lemma (see deontic_requests)
    attribution_starts: list[int]  # the first word of an attribution phrase (see according_to)
    phrase_breaks: list[int]  # an apposition, parataxis or ",;:", which a content phrase stops before (phrase_span)

    @classmethod
    def find(cls, doc: Doc, lexicon: Lexicon) -> Candidates:
        """Find the candidate tokens of ``doc``."""
        cues = lexicon.cues
        strings = doc.vocab.strings
        columns = doc.to_array([POS, LEMMA, LOWER, DEP]).astype(np.uint64, copy=False)  # no copy: typed for mypy
        pos, lemma, lower, dep = (columns[:, n] for n in range(4))

        def keys_in(column: NDArray[np.uint64], words: Iterable[str]) -> NDArray[np.bool_]:
            return is_one_of(column, words, strings)

        # Lemmas are matched lowercased: decode each distinct one once and spread the verdicts over the doc.
        lemma_texts, lemma_of_token = distinct_strings(lemma, strings)
        lemmas_lower = [text.lower() for text in lemma_texts]

        def lemma_in(words: Container[str], *, lowercase: bool = True) -> NDArray[np.bool_]:
            texts = lemmas_lower if lowercase else lemma_texts
            return np.array([text in words for text in texts], dtype=bool)[lemma_of_token]

        triggers = (keys_in(pos, {*_VERB_POS, "ADJ"}) & lemma_in(lexicon.lemmas["verb"])) | (
            keys_in(pos, _NOUN_POS) & lemma_in(lexicon.lemmas["noun"])
        )
        return cls(
            triggers=positions(triggers),
            off_topic=positions(keys_in(pos, cues.off_topic_pos) & lemma_in(cues.off_topic)),
            speech_verbs=positions(keys_in(pos, ["VERB"]) & lemma_in(cues.attribution_verbs, lowercase=False)),
            attribution_starts=positions(keys_in(lower, {words[0] for words in cues.attribution_preps})),
            phrase_breaks=positions(keys_in(dep, _PHRASE_BREAK_DEPS) | keys_in(lower, _PHRASE_BREAK_MARKS)),
        )


@dataclass(slots=True)
class Match:
    """A trigger token with the lexicon entry it matched and the tokens that made it match."""

    token: Token
    entry: Entry
    anchor: Token  # where the arguments hang: the trigger, or the carrier noun it modifies
    extra: list[Token] = field(default_factory=list)
    # The objects of the anchor's prepositions by word, found once for the frame's many "prep:" roles.
    preps: dict[str, list[Token]] | None = None


@dataclass(slots=True)
class Memo:
    """Answers worked out once per doc and shared by its sentences.

    A trigger is looked up again as the governor of a noun trigger or of an embedded clause.
    """

    matches: dict[int, Match | None] = field(default_factory=dict)  # match_trigger, by token position
    embeddings: dict[int, Modality | None] = field(default_factory=dict)  # embeds, by token position


@dataclass(slots=True)
class Context:
    """Per-sentence state the argument finders share."""

    doc: Doc
    sentence: Span
    sentence_index: int
    actors: ActorIndex
    lexicon: Lexicon
    candidates: Candidates
    memo: Memo
    according: Token | None = field(init=False)  # the sentence's "according to X", the fallback speaker

    def __post_init__(self) -> None:
        self.according = according_to(self.sentence, self.cues, self.tokens(self.candidates.attribution_starts))

    @property
    def cues(self) -> Cues:
        """Return the modality and attribution cues."""
        return self.lexicon.cues

    def tokens(self, positions: list[int]) -> list[Token]:
        """Return the tokens at ``positions`` (ascending doc positions, see Candidates) inside the sentence."""
        start = bisect_left(positions, self.sentence.start)
        end = bisect_left(positions, self.sentence.end, start)
        return [self.doc[i] for i in positions[start:end]]

    def match(self, token: Token) -> Match | None:
        """Return ``match_trigger(token)``, computed once per token."""
        matches = self.memo.matches
        if token.i not in matches:
            matches[token.i] = match_trigger(token, self.lexicon)
        return matches[token.i]

    def embeds(self, token: Token) -> Modality | None:
        """Return ``embeds(token)``, computed once per token."""
        embeddings = self.memo.embeddings
        if token.i not in embeddings:
            embeddings[token.i] = embeds(token, self.lexicon)
        return embeddings[token.i]


# ---------------------------------------------------------------- trigger matching


def _pos_key(token: Token) -> str | None:
    if token.pos_ in _VERB_POS and token.dep_ not in ("amod", "compound"):
        return "verb"
    if token.pos_ == "ADJ" and syntax.children(token, "nsubjpass", "auxpass"):
        return "verb"  # a passive participle tagged as an adjective ("Ghana is committed to")
    if token.pos_ in _NOUN_POS:
        return "noun"
    return None


def _object_words(token: Token, key: str) -> list[Token]:
    """Return the words an entry's ``object`` constraint is checked against."""
    if key == "noun":
        return [c for c in token.children if c.dep_ in ("compound", "amod", "nmod")]
    words: list[Token] = []
    for child in token.children:
        if child.dep_ in ("nsubj", "aux", "auxpass", "neg", "punct", "cc", "conj", "advcl", "ccomp"):
            continue
        words.append(child)
        if child.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "prep", "agent", "dative"):
            words.extend(c for c in child.children if c.dep_ in ("compound", "amod", "nmod", "pobj", "prep"))
            words.extend(g for c in child.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj")
    return words


def _object_words_for(token: Token, key: str, entries: Iterable[Entry]) -> list[Token]:
    """Return ``_object_words`` when any of the entries has an ``object`` constraint: read once for all of them."""
    return _object_words(token, key) if any(entry.objects for entry in entries) else []


def _satisfies(token: Token, entry: Entry, object_words: list[Token]) -> list[Token] | None:
    """Return the tokens that satisfy an entry's constraints, or None when they fail.

    ``object_words``: see ``_object_words_for``.
    """
    extra: list[Token] = []
    if entry.with_words:
        found = [c for c in token.children if c.lower_ in entry.with_words and c.dep_ in ("prt", "prep", "advmod")]
        if not found:
            return None
        extra.append(found[0])
    if entry.objects:
        word = next((w for w in object_words if w.lemma_.lower() in entry.objects or w.lower_ in entry.objects), None)
        if word is None:
            return None
        extra.append(word)
    if entry.requires and any(not _slot_filled(token, slot) for slot in entry.requires):
        return None
    return extra


def _slot_filled(token: Token, slot: str) -> bool:
    """Tell whether a verb has a given syntactic slot filled (an object, a complement clause ...)."""
    if slot == "obj":
        return bool(_objects(token))
    if slot == "dative":
        return bool(_datives(token))
    return bool(syntax.children(token, slot))


def _direct(word: Token, trigger: Token) -> bool:
    """Tell whether an object-constraint word is the trigger's own object (or modifies it), not a circumstance."""
    node = word if word.dep_ not in ("compound", "amod", "nmod") else word.head
    return node.head.i == trigger.i and node.dep_ in ("dobj", "nsubjpass", "attr", "oprd")


def match_trigger(token: Token, lexicon: Lexicon) -> Match | None:
    """Return the most specific lexicon entry ``token`` satisfies, if any.

    Among equally specific entries with an object constraint, one met by the trigger's own object
    ("suspended military contacts") wins over one met inside a circumstance ("after the bombing").
    """
    key = _pos_key(token)
    if key is None:
        return None
    fallback: tuple[Entry, list[Token]] | None = None
    entries = lexicon.lookup(key, token.lemma_.lower())
    object_words = _object_words_for(token, key, entries)
    for entry in entries:
        if fallback is not None and entry.specificity < fallback[0].specificity:
            break
        extra = _satisfies(token, entry, object_words)
        if extra is None:
            continue
        if key == "verb" and entry.objects and not _direct(extra[-1], token):
            if fallback is None:
                fallback = (entry, extra)
            continue
        return _match(token, entry, extra, lexicon)
    return _match(token, *fallback, lexicon) if fallback is not None else None


def _match(token: Token, entry: Entry, extra: list[Token], lexicon: Lexicon) -> Match | None:
    anchor = token
    if entry.pos == "noun" and token.dep_ in ("compound", "amod", "nmod"):
        # "aid groups" names no act; "a mediation effort" does, through its carrier noun.
        if token.head.lemma_.lower() not in lexicon.cues.carrier_nouns:
            return None
        anchor = token.head
    return Match(token=token, entry=entry, anchor=anchor, extra=extra)


# ---------------------------------------------------------------- argument roles


def _objects(verb: Token) -> list[Token]:
    dependents = list(verb.children)
    if syntax.is_passive(verb, dependents):
        found = [c for c in dependents if c.dep_ == "nsubjpass"]
        if not found and verb.dep_ == "acl":
            found = [verb.head]
        return found
    found = [c for c in dependents if c.dep_ == "dobj"]
    if not found:
        # "sealed off the West Bank": a particle parsed as a preposition takes the verb's object.
        found = [o for prt in syntax.children(verb, "prt") for o in syntax.children(prt, "pobj")]
    return found


def _datives(token: Token) -> list[Token]:
    found = []
    for child in syntax.children(token, "dative"):
        found.extend(syntax.children(child, "pobj") if child.pos_ == "ADP" else [child])
    return found


def _preps(match: Match, word: str) -> list[Token]:
    if match.preps is None:
        match.preps = _prep_index(match)
    return list(match.preps.get(word, ()))


def _prep_index(match: Match) -> dict[str, list[Token]]:
    token = match.anchor
    found = syntax.prep_objects_by_word(token)
    if match.entry.pos == "verb":
        # "imposed sanctions on X": the preposition may hang from the object instead.
        for obj in _objects(token):
            for word, objects in syntax.prep_objects_by_word(obj).items():
                found.setdefault(word, []).extend(objects)
    else:
        governor = syntax.light_governor(token)
        if governor is not None:
            for word, objects in syntax.prep_objects_by_word(governor).items():
                if not found.get(word):
                    found[word] = objects
    return found


def _complements(token: Token) -> list[Token]:
    deps = ("xcomp", "ccomp", "acl") if token.pos_ == "NOUN" else ("xcomp", "ccomp")
    found = syntax.children(token, *deps)
    # A purpose clause carries the act the trigger is for ("called on Arabs to unite against X").
    found.extend(c for c in syntax.children(token, "advcl") if any(a.lower_ == "to" for a in syntax.children(c, "aux")))
    for prep in syntax.children(token, "prep"):
        found.extend(syntax.children(prep, "pcomp"))
    if not found and token.pos_ == "NOUN":
        # "reiterated its demand today that Israel ease ...": the clause may hang from the verb.
        governor = syntax.light_governor(token)
        if governor is not None:
            found = syntax.children(governor, "ccomp")
    return found


def _complement_targets(token: Token) -> list[Token]:
    found: list[Token] = []
    for clause in _complements(token):
        found.extend(_objects(clause))
        found.extend(_datives(clause))
        preps = syntax.prep_objects_by_word(clause)
        for word in COMPLEMENT_TARGET_PREPS:
            found.extend(preps.get(word, ()))
        found.extend(_complement_targets(clause))
        for conjunct in syntax.children(clause, "conj"):
            found.extend(_objects(conjunct))
            preps = syntax.prep_objects_by_word(conjunct)
            for word in COMPLEMENT_TARGET_PREPS:
                found.extend(preps.get(word, ()))
    return found


def _condition_subjects(token: Token, cues: Cues) -> list[Token]:
    """Return who a conditional threat is aimed at: the subject of its "if"/"unless" clause."""
    found: list[Token] = []
    for head in [token, *_complements(token)]:
        for clause in syntax.children(head, "advcl"):
            marks = syntax.children(clause, "mark")
            subject = syntax.finite_subject(clause)
            if subject is not None and any(m.lower_ in cues.conditional_marks for m in marks):
                found.append(subject)
    return found


def role_tokens(match: Match, role: str) -> list[Token]:
    """Return the tokens filling ``role`` for a matched trigger."""
    token = match.anchor
    if role.startswith("prep:"):
        return _preps(match, role[5:])
    if role == "subj":
        found = syntax.agent(token)
        return [found] if found is not None else []
    if role == "obj":
        return _objects(token) if match.entry.pos == "verb" else syntax.prep_objects(token, {"of"})
    if role == "dative":
        return _datives(token)
    if role == "poss":
        return syntax.children(token, "poss")
    if role == "mod":
        return syntax.children(token, "amod", "compound", "nmod")
    if role == "by":
        return syntax.prep_objects(token, {"by", "from"})
    if role == "governor_subj":
        governor = syntax.light_governor(token)
        found = syntax.agent(governor) if governor is not None else None
        return [found] if found is not None else []
    if role == "governor_obj":
        # "placed X under house arrest": the noun's act falls on the object of the verb it hangs from.
        governor = syntax.light_governor(token)
        return _objects(governor) if governor is not None and token.dep_ == "pobj" else []
    if role == "comp_subj":
        return [s for c in _complements(token) if (s := syntax.finite_subject(c)) is not None]
    if role == "comp_target":
        return _complement_targets(token)
    if role == "condition_subj":
        return _condition_subjects(token, load_lexicon().cues)
    if role == "between":
        return _preps(match, "between")
    if role in ("xcomp", "ccomp", "acl"):
        return syntax.children(token, role)
    return []


def phrase_actors(token: Token, ctx: Context, exclude: set[str]) -> list[str]:
    """Return the actors a phrase names: at its head, else at the shallowest depth inside it.

    An actor without a country ("activists") brings along the nearest actor with one inside its
    phrase ("activists from the Fatah Party"): that affiliation is what the stance is coded by.
    """
    found: list[str] = []
    for conjunct in syntax.coordinated(token):
        for actor_id in _shallowest_actors(conjunct, ctx, exclude):
            if actor_id not in found:
                found.append(actor_id)
    return found


def _shallowest_actors(token: Token, ctx: Context, exclude: set[str]) -> list[str]:
    found: list[str] = []
    for depth, level in enumerate(syntax.phrase_levels(token)):
        level_found: list[str] = []
        for node in level:
            ids = ctx.actors.at(node) or _pronoun_actors(node, ctx, exclude)
            if not ids:
                continue
            # "the leaders of Argentina and Chile": a coordinated name inside the phrase counts too.
            ids = [*ids, *(i for c in _inner_conjuncts(node, depth, ids, ctx) for i in ctx.actors.at(c))]
            level_found.extend(i for i in ids if i not in exclude and i not in level_found and i not in found)
        found.extend(level_found)
        if any(i in ctx.actors.coded for i in found):
            break
    return found


def _inner_conjuncts(node: Token, depth: int, ids: list[str], ctx: Context) -> list[Token]:
    """Return the conjuncts of a name inside a phrase whose actor covers that name but not its conjuncts."""
    if depth:
        return list(node.conjuncts)
    found: list[Token] = []
    for prep in syntax.children(node, "prep"):
        for name in syntax.children(prep, "pobj"):
            if set(ctx.actors.by_token.get(name.i, ())) & set(ids):
                found.extend(c for c in name.conjuncts if not set(ctx.actors.at(c)) & set(ids))
    return found


def _pronoun_actors(token: Token, ctx: Context, exclude: set[str]) -> list[str]:
    """Resolve an unlinked personal pronoun to the nearest enclosing clause's agent ("Syria says it will")."""
    if token.pos_ != "PRON" or token.lower_ not in _PERSONAL_PRONOUNS:
        return []
    for governor in syntax.governors(token):
        if governor.pos_ not in ("VERB", "AUX"):
            continue
        subject = syntax.agent(governor)
        if subject is None or subject.i == token.i or subject.pos_ == "PRON":
            continue
        ids = [i for i in ctx.actors.at(subject) if i not in exclude]
        if ids:
            return ids
    return []


def counterparts(ctx: Context, holders: Iterable[str], exclude: set[str]) -> list[str]:
    """Return the other actors of the holders' own country named in the sentence, when that country is one.

    A domestic act with no stated recipient (a strike called off, a riot, a crackdown) is aimed at
    the holder's own state or people: CAMEO codes it to the counterpart of the same country that the
    sentence names ("Egyptian demonstrators rioted ... President Mubarak").
    """
    countries = {ctx.actors.country[h] for h in holders if h in ctx.actors.country}
    if len(countries) != 1:
        return []
    found: list[str] = []
    for token in ctx.tokens(ctx.actors.heads):
        if token.pos_ == "PRON":
            continue
        for actor_id in ctx.actors.by_head.get(token.i, []):
            if actor_id in found or ctx.actors.country.get(actor_id) not in countries:
                continue
            if actor_id not in exclude or (actor_id in holders and _locative(token, ctx)):
                # A state acting on what lies in its own territory ("outlawed a group in Northern Ireland").
                found.append(actor_id)
    return found


def _locative(token: Token, ctx: Context) -> bool:
    """True for a name in a place phrase ("in Northern Ireland") rather than an argument."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token.dep_ == "pobj" and token.head.lower_ in ctx.cues.territory_preps


def resolve(match: Match, roles: Iterable[str], ctx: Context, exclude: set[str]) -> list[str]:
    """Return the actors of the first role that yields any."""
    for role in roles:
        if role == "counterpart":
            continue  # needs the holders and the speaker: see build_stance
        ids: list[str] = []
        for token in role_tokens(match, role):
            found = phrase_actors(token, ctx, exclude)
            if not found and role == "subj" and token.pos_ == "NOUN":
                # "issued a declaration demanding ...": the document speaks for whoever issued it.
                owner = syntax.noun_owner(token)
                found = phrase_actors(owner, ctx, exclude) if owner is not None else []
            ids.extend(i for i in found if i not in ids)
        if ids:
            return ids
    return []


def content_span(match: Match, ctx: Context) -> TextSpan | None:
    """Return the span of what is asked, agreed, rejected ... (the frame's first content role found)."""
    for role in match.entry.frame.content:
        tokens = role_tokens(match, role)
        if tokens:
            return phrase_span(tokens[0], ctx.candidates.phrase_breaks)
    return None


def phrase_span(token: Token, breaks: list[int]) -> TextSpan:
    """Return a phrase's span, with its preposition, without trailing appositions and punctuation.

    ``breaks``: the doc's appositions, parataxis and ",;:" (see Candidates), which the phrase stops before.
    """
    start = token.head if token.dep_ in ("pobj", "pcomp") else token.left_edge
    start = min(start, token.left_edge, key=lambda t: t.i)
    # The phrase's words after its head lie up to its right edge; the first break among them ends it.
    after = breaks[bisect_right(breaks, token.i) : bisect_right(breaks, token.right_edge.i)]
    cut = next((i for i in after if token.is_ancestor(token.doc[i])), None)
    last = token.doc[cut - 1] if cut is not None else token.right_edge
    while last.i > token.i and last.is_punct:
        last = token.doc[last.i - 1]
    return TextSpan(start=start.idx, end=last.idx + len(last.text))


def trigger_span(match: Match) -> TextSpan:
    """Return the character span of the trigger with the particle or object that made it match."""
    tokens = [match.token, *(t for t in match.extra if abs(t.i - match.token.i) <= 4)]
    first = min(tokens, key=lambda t: t.i)
    last = max(tokens, key=lambda t: t.i)
    return TextSpan(start=first.idx, end=last.idx + len(last.text))


# ---------------------------------------------------------------- modality, attribution, confidence


def embeds(token: Token, lexicon: Lexicon) -> Modality | None:
    """Return the modality a trigger word imposes on its complement ("urge" -> requested), if any."""
    key = _pos_key(token)
    if key is None:
        return None
    entries = [entry for entry in lexicon.lookup(key, token.lemma_.lower()) if entry.embeds is not None]
    object_words = _object_words_for(token, key, entries)
    for entry in entries:
        if _satisfies(token, entry, object_words) is not None:
            return entry.embeds
    return None


def modality_of(match: Match, ctx: Context) -> tuple[Modality, str | None]:
    """Return the trigger's modality and how an intent is framed: "ultimatum" ("will X unless Y"),
    "preparation" ("prepared to resume shelling") or None."""
    cues = ctx.cues
    clause = match.token if match.entry.pos == "verb" else syntax.light_governor(match.anchor)
    if match.entry.pos == "noun":
        if any(cues.embedders.get(c.lower_) == "alleged" for c in match.token.children):
            return "alleged", None
        if clause is None or ctx.embeds(clause) is not None or ctx.match(clause) is not None:
            # A noun names an act as a presupposed fact unless a light verb gives it a mood.
            return "asserted", None
    assert clause is not None
    own = own_modality(clause, cues)
    ultimatum = "ultimatum" if is_ultimatum(clause, cues) else None
    if own is not None:
        return own, ultimatum
    inherited = embedded_modality(clause, cues, ctx.embeds)
    if inherited is None:
        return "asserted", ultimatum
    modality, governor = inherited
    if ultimatum is None and is_ultimatum(governor, cues):
        ultimatum = "ultimatum"
    if ultimatum is None and governor.lemma_.lower() in cues.preparation:
        return modality, "preparation"
    return modality, ultimatum


def clause_depth(token: Token, cues: Cues) -> int:
    """Count the clauses between a trigger and its sentence's root, ignoring speech verbs."""
    depth = 0
    current = token
    for _ in range(syntax.MAX_CLIMB):
        if current.head.i == current.i:
            break
        parent = current.head
        counts = parent.pos_ in ("VERB", "AUX") and current.dep_ not in ("aux", "auxpass")
        if counts and parent.lemma_ not in cues.attribution_verbs:
            depth += 1
        current = parent
    return depth


def confidence(match: Match, ctx: Context, modality: str, has_target: bool) -> float:
    """Score how surely this is the sentence's main event (0..1): main clause, verb, target, fact."""
    depth = clause_depth(match.token, ctx.cues)
    if match.entry.pos == "noun" and syntax.light_governor(match.anchor) is not None:
        depth -= 1  # a noun object of a light verb is its clause's event ("held talks")
    score = BASE_CONFIDENCE - DEPTH_PENALTY * max(depth, 0)
    score -= NOUN_PENALTY if match.entry.pos == "noun" else 0.0
    score += TARGET_BONUS if has_target else 0.0
    score -= MODALITY_PENALTY[modality]
    return min(max(score, 0.05), 0.99)


def speaker_id(match: Match, ctx: Context, holders: list[str]) -> str | None:
    """Return the actor who reports the stance ("officials said", "according to"), if not the holder itself."""
    speaker = attribution(match.anchor, ctx.cues, ctx.according)
    if speaker is None:
        return None
    ids = [i for i in phrase_actors(speaker, ctx, set()) if i not in holders]
    return ids[0] if ids else None


# ---------------------------------------------------------------- stance building


def build_stance(match: Match, ctx: Context) -> tuple[Stance, str | None] | None:
    """Turn a matched trigger into a stance and its intent framing, or None when the text names no holder."""
    frame = match.entry.frame
    holders = resolve(match, frame.holder, ctx, set())
    if not holders:
        return None
    targets = resolve(match, frame.target, ctx, set(holders))
    if not targets and match.entry.pos == "verb":
        targets = _shared_targets(match, ctx, set(holders))
    speaker = speaker_id(match, ctx, holders)
    if not targets and "counterpart" in frame.target:
        targets = counterparts(ctx, holders, {*holders, *([speaker] if speaker else [])})
    modality, framing = modality_of(match, ctx)
    stance = Stance(
        holder=holders,
        target=targets,
        event=match.entry.event,
        trigger=trigger_span(match),
        sentence=ctx.sentence_index,
        evidence=TextSpan(start=ctx.sentence.start_char, end=ctx.sentence.end_char),
        mode=match.entry.mode,
        cameo=match.entry.cameo,
        modality=modality,
        content=content_span(match, ctx),
        attributed_to=speaker,
        confidence=confidence(match, ctx, modality, bool(targets)),
    )
    return stance, framing


def _shared_targets(match: Match, ctx: Context, exclude: set[str]) -> list[str]:
    """Find targets through a coordinated verb sharing its object ("donated and delivered goods to X")."""
    for conjunct in match.token.conjuncts:
        if conjunct.pos_ != "VERB":
            continue
        sibling = Match(token=conjunct, entry=match.entry, anchor=conjunct)
        found = resolve(sibling, match.entry.frame.target, ctx, exclude)
        if found:
            return found
    return []


def derived_stance(stance: Stance, framing: str | None) -> Stance | None:
    """Report an intended act as the commitment it expresses: AGREE to cooperate, or THREATEN to harm.

    A negated agreement ("will not accept", "failed to reach agreement") is itself a rejection.
    """
    if stance.modality == "negated" and stance.event == "AGREE":
        return replace(
            stance, event="REJECT", mode=None, cameo=None, modality="asserted", confidence=stance.confidence + 0.2
        )
    if stance.modality != "intended":
        return None
    if framing == "preparation" and stance.event in MILITARY:
        event = "MOBILIZE"  # readying an attack is a show of force (CAMEO 15), not yet a threat
    elif framing == "ultimatum" or stance.event in CONFLICTUAL:
        event = "THREATEN"
    elif stance.event in COOPERATIVE:
        event = "AGREE"
    else:
        return None
    mode = {"AGREE": _agree_mode(stance.event), "THREATEN": None, "MOBILIZE": "troops"}[event]
    return replace(stance, event=event, mode=mode, cameo=None, confidence=min(stance.confidence + DERIVED_BONUS, 0.99))


def _agree_mode(event: str) -> str | None:
    return {"CONSULT": "meet", "COOPERATE": "cooperate", "AID": "aid", "CONCEDE": "concede", "RETREAT": "retreat"}.get(
        event
    )


def deontic_requests(ctx: Context) -> list[Stance]:
    """Find "A said B must C": a speech verb whose complement obliges someone is A REQUEST B."""
    found: list[Stance] = []
    cues = ctx.cues
    for verb in ctx.tokens(ctx.candidates.speech_verbs):
        # Few complements carry a deontic modal: look for one before looking for the speaker.
        markers = [(clause, _deontic_marker(clause, cues)) for clause in syntax.children(verb, "ccomp")]
        obliging = [(clause, modal) for clause, modal in markers if modal is not None]
        speaker = syntax.finite_subject(verb) if obliging else None
        if speaker is None:
            continue
        for clause, modal in obliging:
            stance = _request_from(verb, speaker, clause, modal, ctx)
            if stance is not None:
                found.append(stance)
    return found


def _deontic_marker(clause: Token, cues: Cues) -> Token | None:
    for aux in syntax.children(clause, "aux"):
        if aux.lower_ in cues.deontic:
            return aux
    if clause.lemma_ in cues.deontic and syntax.children(clause, "xcomp"):
        return clause
    return None


def _request_from(verb: Token, speaker: Token, clause: Token, modal: Token, ctx: Context) -> Stance | None:
    holders = phrase_actors(speaker, ctx, set())
    subject = syntax.finite_subject(clause)
    if not holders or subject is None:
        return None
    targets = phrase_actors(subject, ctx, set(holders))
    if not targets:
        return None
    return Stance(
        holder=holders,
        target=targets,
        event="REQUEST",
        trigger=TextSpan(start=modal.idx, end=modal.idx + len(modal.text)),
        sentence=ctx.sentence_index,
        evidence=TextSpan(start=ctx.sentence.start_char, end=ctx.sentence.end_char),
        content=phrase_span(clause, ctx.candidates.phrase_breaks),
        confidence=BASE_CONFIDENCE - DEPTH_PENALTY * clause_depth(verb, ctx.cues) + TARGET_BONUS / 2,
    )


def is_off_topic(sentence: Iterable[Token], cues: Cues, actor_tokens: Container[int] = ()) -> bool:
    """Tell whether a sentence is about sport, weather or prices.

    ``sentence``: its tokens, or just those with an off-topic lemma (see Candidates).

    A cue word that only qualifies another noun ("an agreement on acid rain", "talks on oil prices")
    names the topic of a political act, not a sport, weather or market sentence; nor does a word
    inside an actor's name ("the Arab League").
    """
    return any(
        t.pos_ in cues.off_topic_pos
        and t.lemma_.lower() in cues.off_topic
        and t.i not in actor_tokens
        and not _qualifies_noun(t)
        and not (t.dep_ == "dobj" and t.head.lemma_.lower() in cues.off_topic_figurative)
        for t in sentence
    )


def _qualifies_noun(token: Token) -> bool:
    """Tell whether a word sits in a prepositional phrase attached to a noun ("agreement on acid rain")."""
    while token.dep_ in ("compound", "amod", "conj") and token.head.i != token.i:
        token = token.head
    return token.dep_ == "pobj" and token.head.dep_ == "prep" and token.head.head.pos_ in ("NOUN", "PROPN")


def _suppressed(match: Match, ctx: Context) -> bool:
    """Tell whether a noun trigger is only the content of a verb trigger ("lifted a curfew")."""
    if match.entry.pos != "noun":
        return False
    governor = syntax.light_governor(match.anchor)
    outer = ctx.match(governor) if governor is not None else None
    if outer is None or not _argument_of(match.anchor, outer):
        return False
    own = ("poss", "by", "mod", "between")
    return not any(phrase_actors(t, ctx, set()) for role in own for t in role_tokens(match, role))


def _argument_of(noun: Token, outer: Match) -> bool:
    """Tell whether a noun is an argument the governing trigger's frame reads, not a circumstance ("during X")."""
    top = noun
    while top.dep_ in ("compound", "conj", "appos", "nmod", "amod") and top.head.i != top.i:
        top = top.head
    if top.dep_ != "pobj":
        return True
    frame = outer.entry.frame
    return f"prep:{top.head.lower_}" in (*frame.target, *frame.content)


def sentence_stances(ctx: Context) -> list[Stance]:
    """Return the stances of one sentence, best first, one per (event, holder, target)."""
    if is_off_topic(ctx.tokens(ctx.candidates.off_topic), ctx.cues, ctx.actors.by_token):
        return []
    found: list[Stance] = []
    for token in ctx.tokens(ctx.candidates.triggers):
        match = ctx.match(token)
        if match is None or _suppressed(match, ctx):
            continue
        built = build_stance(match, ctx)
        if built is None:
            continue
        stance, framing = built
        found.append(stance)
        derived = derived_stance(stance, framing)
        if derived is not None:
            stance.confidence = max(stance.confidence - DERIVED_BONUS, 0.05)
            found.append(derived)
    found.extend(deontic_requests(ctx))
    return _deduplicate(found)


def _deduplicate(stances: list[Stance]) -> list[Stance]:
    best: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Stance] = {}
    for stance in stances:
        key = (stance.event, tuple(sorted(stance.holder)), tuple(sorted(stance.target)))
        if key not in best or stance.confidence > best[key].confidence:
            best[key] = stance
    return sorted(best.values(), key=lambda s: -s.confidence)


def extract_stances(doc: Doc) -> list[Stance]:
    """Return every stance in ``doc``, sentence by sentence."""
    lexicon = load_lexicon()
    actors = ActorIndex.build(doc._.actors or [], doc._.actor_mentions or [])
    candidates = Candidates.find(doc, lexicon)
    memo = Memo()
    stances: list[Stance] = []
    for index, sentence in enumerate(doc.sents):
        ctx = Context(
            doc=doc,
            sentence=sentence,
            sentence_index=index,
            actors=actors,
            lexicon=lexicon,
            candidates=candidates,
            memo=memo,
        )
        stances.extend(sentence_stances(ctx))
    return stances


class StanceComponent:
    """spaCy component filling ``doc._.stances``."""

    def __init__(self) -> None:
        register_extensions()
        load_lexicon()  # validate the data at pipeline build time, not on the first request

    def __call__(self, doc: Doc) -> Doc:
        """Extract the stances, then let the actor stage re-rank actors by salience."""
        doc._.stances = extract_stances(doc)
        _update_salience(doc)
        return doc


def _update_salience(doc: Doc) -> None:
    try:
        from app.nlp.actors import update_salience
    except ImportError:  # the actor stage predates salience ranking
        return
    update_salience(doc)


@Language.factory("stancewire_stances")
def create_stance_component(nlp: Language, name: str) -> StanceComponent:
    """Build the stance component (the lexicon is loaded and validated here)."""
    return StanceComponent()
