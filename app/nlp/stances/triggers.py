"""Match trigger words against the curated lexicon: the most specific entry a word satisfies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Token

from app.nlp import syntax
from app.nlp.english import english
from app.nlp.lexicon import Coding, Entry, Lexicon
from app.nlp.stances.arguments import dative_objects, direct_objects
from app.nlp.stances.candidates import NOUN_POS, VERB_POS
from app.nlp.types import Modality


@dataclass(slots=True)
class Match:
    """A trigger token with the lexicon entry it matched and the tokens that made it match."""

    token: Token
    entry: Entry
    anchor: Token  # where the arguments hang: the trigger, or the carrier noun it modifies
    extra: list[Token] = field(default_factory=list)
    # The objects of the anchor's prepositions by word, found once for the frame's many "prep:" roles.
    preps: dict[str, list[Token]] | None = None
    default: bool = False  # a verb dictionary's default code for the verb, no pattern: weaker evidence


def pos_key(token: Token) -> str | None:
    if token.pos_ in VERB_POS and token.dep_ not in ("amod", "compound"):
        return "verb"
    if token.pos_ == "ADJ" and syntax.children(token, "nsubjpass", "auxpass"):
        return "verb"  # a passive participle tagged as an adjective ("Ghana is committed to")
    if token.pos_ in NOUN_POS:
        return "noun"
    return None


def _object_words(token: Token, key: str) -> list[Token]:
    """Return the words an entry's ``object`` constraint is checked against."""
    if key == "noun":
        return [c for c in token.children if c.dep_ in ("compound", "amod", "nmod")]
    words: list[Token] = []
    for child in token.children:
        if child.dep_ in ("ccomp", "xcomp"):
            # "allowed inspectors back into the site": the subject of a small clause is what is allowed;
            # "declared two diplomats persona non grata": its predicate is what they are declared.
            words.extend(s for s in child.children if s.dep_ == "nsubj")
            words.append(child)
        if child.dep_ in ("nsubj", "aux", "auxpass", "neg", "punct", "cc", "conj", "advcl", "ccomp"):
            continue
        words.append(child)
        if child.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "prep", "agent", "dative"):
            words.extend(c for c in child.children if c.dep_ in ("compound", "amod", "nmod", "pobj", "pcomp", "prep"))
            objects_of_preps = (g for c in child.children if c.dep_ == "prep" for g in c.children)
            words.extend(g for g in objects_of_preps if g.dep_ in ("pobj", "pcomp"))
    return words


def _object_words_for(token: Token, key: str, entries: Iterable[Entry]) -> list[Token]:
    """Return ``_object_words`` when any of the entries constrains its object: read once for all of them."""
    return _object_words(token, key) if any(entry.objects or entry.object_events for entry in entries) else []


def _names_act(word: Token, events: frozenset[str], lexicon: Lexicon) -> bool:
    """Tell whether a noun is itself a trigger of one of ``events`` ("mediation", "a visit", "aid")."""
    # A word in a noun's place counts as one even when mis-tagged as a verb ("walked out of talks").
    nominal = word.pos_ in NOUN_POS or word.dep_ in ("pobj", "dobj", "nsubjpass")
    return nominal and any(e.event in events for e in lexicon.lookup("noun", word.lemma_.lower()))


def _ended(word: Token, trigger: Token) -> bool:
    """Tell whether a noun is what the trigger ends: its object, or what it pulls out of ("out of the talks").

    A circumstance is not ("withdrew from the town under the ceasefire deal" ends no deal).
    """
    if _direct(word, trigger):
        return True
    prep = word.head
    return (
        word.dep_ == "pobj" and prep.lower_ in english().source_preps and trigger.i in (prep.head.i, prep.head.head.i)
    )


# How a verb's required particle or adverbial hangs from it ("called off", "stepped down", "test-fired").
_WITH_DEPS = frozenset({"prt", "prep", "advmod", "npadvmod"})


def _satisfies(token: Token, entry: Entry, object_words: list[Token], lexicon: Lexicon) -> list[Token] | None:
    """Return the tokens that satisfy an entry's constraints, or None when they fail.

    ``object_words``: see ``_object_words_for``.
    """
    extra: list[Token] = []
    if entry.with_words:
        found = [c for c in token.children if c.lower_ in entry.with_words and c.dep_ in _WITH_DEPS]
        if not found and token.i + 1 < len(token.doc):
            # "handed over 14 tonnes": the parser reads the particle before a number as "more than".
            after = token.doc[token.i + 1]
            found = [after] if after.lower_ in entry.with_words and after.dep_ == "quantmod" else []
        if not found:
            return None
        extra.append(found[0])
    if entry.objects:
        word = next((w for w in object_words if w.lemma_.lower() in entry.objects or w.lower_ in entry.objects), None)
        if word is None:
            return None
        extra.append(word)
    if entry.object_events:
        act = next((w for w in object_words if _ended(w, token) and _names_act(w, entry.object_events, lexicon)), None)
        if act is None:
            return None
        extra.append(act)
    if entry.requires and any(not _slot_filled(token, slot) for slot in entry.requires):
        return None
    if entry.holder_words and not _done_by(token, entry.holder_words):
        return None
    if entry.purpose and not _for_purpose(token, entry.purpose):
        return None
    return extra


def _for_purpose(token: Token, words: frozenset[str]) -> bool:
    """Tell whether the trigger's "to ..." clause is headed by one of ``words`` ("sent doctors to help")."""
    clauses = (c for c in token.children if c.dep_ in ("advcl", "xcomp") and c.pos_ == "VERB")
    return any(
        c.lemma_.lower() in words and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in clauses
    )


def _done_by(token: Token, words: frozenset[str]) -> bool:
    """Tell whether the doer's phrase is headed or modified by one of ``words`` ("rioting students")."""
    doer = syntax.agent(token) if token.pos_ in ("VERB", "AUX") else None
    if doer is None:
        return False
    lemmas = {doer.lemma_.lower(), *(c.lemma_.lower() for c in doer.children if c.dep_ in ("amod", "compound"))}
    return not lemmas.isdisjoint(words)


def _slot_filled(token: Token, slot: str) -> bool:
    """Tell whether a verb has a given syntactic slot filled (an object, a complement clause ...)."""
    if slot == "obj":
        return bool(direct_objects(token))
    if slot == "dative":
        return bool(dative_objects(token))
    return bool(syntax.children(token, slot))


def _direct(word: Token, trigger: Token) -> bool:
    """Tell whether an object-constraint word is the trigger's own object (or modifies it), not a circumstance."""
    node = word if word.dep_ not in ("compound", "amod", "nmod") else word.head
    return node.head.i == trigger.i and node.dep_ in ("dobj", "nsubjpass", "attr", "oprd")


def match_trigger(token: Token, lexicon: Lexicon) -> Match | None:
    """Return the coding of ``token``: a curated lexicon entry, else the verb dictionary's.

    The curated lexicon wins wherever one of its entries matches: its frames were written for the
    sense, the dictionary's codes for the verb. The dictionary codes the verbs and uses the lexicon
    leaves out ("sent relief", "called up reservists"), its most specific pattern first; its null code
    ("sought re-election") says the verb names no event in that use. A verb's bare default code
    yields to a noun the lexicon knows as its object ("organised a general strike": the strike), and
    so does a pattern that matched other words than that object.
    """
    key = pos_key(token)
    if key is None:
        return None
    curated = _curated_match(token, key, lexicon)
    if curated is not None or key != "verb" or lexicon.verbs is None:
        return curated
    coding = lexicon.verbs.code(token)
    if coding is None or coding.entry is None:
        return None
    default = coding.words == 0
    if default and any(_names_any_act(w, lexicon) for w in _object_words(token, key)):
        return None
    if not default and _object_names_other_act(token, coding, lexicon):
        return None  # "launched joint patrols along the border": the pattern read the border, the act is the patrols
    return Match(token=token, entry=coding.entry, anchor=token, extra=list(coding.extra), default=default)


def _object_names_other_act(token: Token, coding: Coding, lexicon: Lexicon) -> bool:
    """Tell whether a verb's direct object is a noun the curated lexicon codes, which the pattern did not read,
    or codes as another event by its modifiers, which the pattern did not check ("opened a joint investigation")."""
    read = {t.i for t in coding.extra}
    for obj in direct_objects(token):
        if obj.i not in read and _names_any_act(obj, lexicon):
            return True
        sense = _curated_match(obj, "noun", lexicon) if obj.i in read else None
        if sense is not None and sense.entry.objects and coding.entry is not None:
            return sense.entry.event != coding.entry.event
    return False


def _names_any_act(word: Token, lexicon: Lexicon) -> bool:
    """Tell whether a verb's object is a noun the curated lexicon codes ("a strike", "talks")."""
    return word.dep_ in ("dobj", "pobj", "nsubjpass") and bool(lexicon.lookup("noun", word.lemma_.lower()))


def _curated_match(token: Token, key: str, lexicon: Lexicon) -> Match | None:
    """Return the most specific curated lexicon entry ``token`` satisfies, if any.

    Among equally specific entries with an object constraint, one met by the trigger's own object
    ("suspended military contacts") wins over one met inside a circumstance ("after the bombing").
    """
    fallback: tuple[Entry, list[Token]] | None = None
    entries = lexicon.lookup(key, token.lemma_.lower())
    object_words = _object_words_for(token, key, entries)
    for entry in entries:
        if fallback is not None and entry.specificity < fallback[0].specificity:
            break
        extra = _satisfies(token, entry, object_words, lexicon)
        if extra is None:
            continue
        if key == "verb" and (entry.objects or entry.object_events) and not _direct(extra[-1], token):
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


def embeds(token: Token, lexicon: Lexicon) -> Modality | None:
    """Return the modality a trigger word imposes on its complement ("urge" -> requested), if any."""
    key = pos_key(token)
    if key is None:
        return None
    entries = [entry for entry in lexicon.lookup(key, token.lemma_.lower()) if entry.embeds is not None]
    object_words = _object_words_for(token, key, entries)
    for entry in entries:
        if _satisfies(token, entry, object_words, lexicon) is not None:
            return entry.embeds
    return None
