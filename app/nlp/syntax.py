"""Dependency-tree helpers for finding a trigger's arguments (spaCy English labels)."""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator

from spacy.tokens import Token

from app.nlp.english import english

# Dependents that open a new clause: an argument phrase never reaches into them (participial and
# infinitival modifiers stay in: "refugees fleeing Liberia", "an invitation to meet Palestinian factions").
CLAUSE_DEPS = frozenset({"relcl", "advcl", "ccomp", "xcomp", "csubj", "parataxis", "conj", "cc", "punct"})
# Links along which an embedded clause hangs from the clause that governs it.
EMBED_DEPS = frozenset({"xcomp", "ccomp", "acl", "advcl", "pcomp", "conj", "relcl", "acomp", "pobj", "prep", "dobj"})
SUBJECT_DEPS = frozenset({"nsubj", "csubj", "expl"})
MAX_CLIMB = 12
NOMINAL_POS = frozenset({"NOUN", "PROPN", "PRON"})  # bounds every upward walk; parses are trees but be defensive
# Links from a word to a preposition whose object is one of its arguments.
PREP_DEPS = frozenset({"prep", "agent", "dative"})


def is_passive(verb: Token, dependents: Iterable[Token] | None = None) -> bool:
    """Tell whether a verb is in the passive voice (including reduced passive participles).

    ``dependents``: the verb's children, when the caller has listed them already.
    """
    dependents = verb.children if dependents is None else dependents
    if any(child.dep_ in ("nsubjpass", "auxpass", "agent") for child in dependents):
        return True
    return verb.dep_ == "acl" and verb.tag_ == "VBN" and not is_misparsed_main(verb)


def is_misparsed_main(verb: Token) -> bool:
    """Tell whether a verb parsed as a noun modifier is really the main clause ("Youths resorted to ...").

    The small parser attaches headline-style main verbs to their subject noun. It shows when the
    modifier takes a direct object, when its noun phrase is the whole sentence's root, or when the
    noun is a second subject of the same verb ("X resorted to ..., officials said").
    """
    if verb.dep_ != "acl" or verb.tag_ not in ("VBD", "VBN") or children(verb, "agent"):
        return False
    head = verb.head
    if children(verb, "dobj") or top_noun(head).dep_ == "ROOT":
        return True
    return head.dep_ == "nsubj" and len(children(head.head, "nsubj")) > 1


def children(token: Token, *deps: str) -> list[Token]:
    """Return the children of ``token`` attached with one of ``deps``."""
    return [child for child in token.children if child.dep_ in deps]


def prep_objects(token: Token, words: frozenset[str] | set[str]) -> list[Token]:
    """Return the objects of ``token``'s prepositions whose lemma is in ``words``."""
    found: list[Token] = []
    for prep in token.children:
        if prep.dep_ in PREP_DEPS and prep.lower_ in words:
            found.extend(_prep_phrase_objects(prep))
    return found


def prep_objects_by_word(token: Token) -> dict[str, list[Token]]:
    """Return ``prep_objects(token, {word})`` for each preposition word of ``token`` at once."""
    found: dict[str, list[Token]] = {}
    for prep in token.children:
        if prep.dep_ in PREP_DEPS:
            # "to and from Israel": coordinated prepositions share the object the last one holds.
            others = [c for c in prep.children if c.dep_ == "conj" and c.pos_ == "ADP"]
            shared = [o for other in others for o in _prep_phrase_objects(other)]
            own = [c for c in prep.children if c.dep_ in ("pobj", "pcomp", "prep")]
            found.setdefault(prep.lower_, []).extend(shared if others and not own else _prep_phrase_objects(prep))
            for other in others:
                found.setdefault(other.lower_, []).extend(_prep_phrase_objects(other))
    return found


def _prep_phrase_objects(prep: Token) -> list[Token]:
    objects = [child for child in prep.children if child.dep_ in ("pobj", "pcomp")]
    if not objects:  # a two-word preposition: "out of Lebanon", "away from the border"
        inner = [child for child in prep.children if child.dep_ == "prep"]
        objects = [g for child in inner[:1] for g in child.children if g.dep_ == "pobj"]
    orphan = None if objects else stranded_object(prep)
    return objects or ([orphan] if orphan is not None else [])


def stranded_object(prep: Token) -> Token | None:
    """Return the object a parser took from a preposition to make it a clause's subject.

    "granted asylum to five officers holed up in ...": the noun right after "to" is parsed as the
    subject of the participle that follows it; it is still the preposition's object.
    """
    doc = prep.doc
    if prep.i + 1 >= len(doc):
        return None
    noun = doc[prep.i + 1]
    while noun.head.i > noun.i and noun.dep_ not in SUBJECT_DEPS and noun.dep_ != "nsubjpass":
        noun = noun.head
    if noun.dep_ not in ("nsubj", "nsubjpass") or noun.pos_ not in NOMINAL_POS or noun.left_edge.i != prep.i + 1:
        return None
    clause = noun.head
    return noun if clause.pos_ == "VERB" and clause.i > noun.i and clause.head.i == prep.head.i else None


def finite_subject(verb: Token) -> Token | None:
    """Return the verb's own agent: nsubj, or the passive "by" agent; resolve relative pronouns."""
    dependents = list(verb.children)
    passive = is_passive(verb, dependents)
    for child in dependents:
        if passive and child.dep_ == "agent":
            objects = children(child, "pobj")
            return objects[0] if objects else None
        if not passive and child.dep_ in SUBJECT_DEPS and child.dep_ != "expl":
            if child.lower_ in english().relative_pronouns and verb.dep_ == "relcl":
                return verb.head
            return child
    # "X is mediating": the parser sometimes hangs the subject from the auxiliary instead of the verb.
    for aux in () if passive else dependents:
        if aux.dep_ == "aux":
            subject = next((c for c in aux.children if c.dep_ == "nsubj" and c.i < aux.i), None)
            if subject is not None:
                return subject
    return None


def agent(verb: Token, depth: int = 0) -> Token | None:
    """Return who performs ``verb``: its subject, or the controller of a subjectless clause."""
    own = finite_subject(verb)
    if own is not None or depth > MAX_CLIMB or verb.head.i == verb.i:
        return own
    if is_passive(verb) and verb.dep_ != "xcomp":
        return None
    head = verb.head
    dep = verb.dep_
    if dep == "relcl":
        return head
    if dep == "xcomp" or (dep == "acomp" and head.pos_ in ("AUX", "VERB")):
        return controller(head, depth)
    if dep == "conj":
        # Coordinated verbs share the first verb's grammatical subject ("was indicted ... and will resign").
        shared = children(head, "nsubj", "nsubjpass")
        if shared and not is_passive(verb) and shared[0].dep_ == "nsubjpass":
            return shared[0]
        return agent(head, depth + 1)
    if dep in ("advcl", "acomp") and head.pos_ in ("VERB", "AUX"):
        return agent(head, depth + 1)
    if dep == "pcomp" and head.dep_ == "prep":
        governor = head.head
        objects = children(governor, "dobj")
        if head.lower_ in english().object_control_preps and objects:
            return objects[0]  # "accused Iraq of attacking", "banned X from running": the object acts
        return agent(governor, depth + 1) if governor.pos_ in ("VERB", "AUX") else noun_owner(governor, depth + 1)
    if dep == "acl" and head.pos_ in ("NOUN", "PROPN", "PRON"):
        if is_misparsed_main(verb):
            # A finite verb parsed as a noun modifier is a misparsed main clause ("Doctors from X donated").
            return top_noun(head)
        if verb.tag_ == "VBG":
            return head  # "refugees fleeing the war": the noun does the act
        return noun_owner(head, depth + 1)
    return None


def top_noun(noun: Token) -> Token:
    """Climb from a noun through the phrases it sits in ("groups" in "Doctors from two groups") to their head."""
    current = noun
    for _ in range(MAX_CLIMB):
        if current.dep_ == "pobj" and current.head.dep_ == "prep" and current.head.head.pos_ in NOMINAL_POS:
            current = current.head.head
        elif current.dep_ in ("conj", "appos", "compound") and current.head.pos_ in NOMINAL_POS:
            current = current.head
        else:
            return current
    return current


def controller(governor: Token, depth: int) -> Token | None:
    """Return who performs an infinitival complement of ``governor`` ("urge X to", "plan to")."""
    if governor.pos_ == "ADJ" and governor.dep_ in ("acomp", "amod", "xcomp"):
        return agent(governor.head, depth + 1) if governor.dep_ == "acomp" else agent(governor, depth + 1)
    if not is_passive(governor):
        # Object control: "urge China to", "called on China to".
        for child in governor.children:
            if child.dep_ in ("dobj", "dative"):
                return child
        # "called on China to", never "voted on Thursday to": a date is no one to control the act.
        on_objects = [o for o in prep_objects(governor, {"on", "upon"}) if o.ent_type_ not in ("DATE", "TIME")]
        if on_objects:
            return on_objects[0]
        return agent(governor, depth + 1)
    own = children(governor, "nsubjpass")
    return own[0] if own else agent(governor, depth + 1)


def noun_owner(noun: Token, depth: int = 0) -> Token | None:
    """Return whose act a noun names: its possessor, or the subject of the verb it depends on."""
    possessors = children(noun, "poss")
    if possessors:
        return possessors[0]
    governor = light_governor(noun)
    return agent(governor, depth + 1) if governor is not None else None


def light_governor(noun: Token, through: Container[str] = ()) -> Token | None:
    """Return the verb a noun phrase is the object of ("held talks", "staged a strike", "called for a ceasefire").

    ``through``: nouns that only relay an act to the verb above them ("claimed responsibility for the
    bombing", "carried out a wave of arrests"): the walk goes on from such a noun.
    """
    current = noun
    for _ in range(MAX_CLIMB):
        if current.dep_ in ("compound", "conj", "appos", "nmod", "amod") and current.head.i != current.i:
            current = current.head
            continue
        if current.dep_ in ("dobj", "attr", "oprd"):
            return current.head if current.head.pos_ in ("VERB", "AUX") else None
        if current.dep_ == "pobj" and current.head.dep_ in ("prep", "agent"):
            governor = current.head.head
            if governor.pos_ in ("NOUN", "PROPN") and governor.lemma_.lower() in through:
                current = governor
                continue
            return governor if governor.pos_ in ("VERB", "AUX") else None
        return None
    return None


def phrase_levels(token: Token) -> Iterator[list[Token]]:
    """Yield a phrase's tokens level by level (depth 0, 1 ...), not entering clauses or coordination.

    Each level is read only when asked for: a search that stops at the head never lists its children.
    """
    frontier = [token]
    while frontier:
        yield frontier
        frontier = [child for t in frontier for child in t.children if child.dep_ not in CLAUSE_DEPS]


def coordinated(token: Token) -> list[Token]:
    """Return ``token`` and its conjuncts ("Iraq and Libya").

    A list of three is often parsed as an apposition holding the rest ("Mali, Burkina Faso and
    Niger": Faso appos of Mali, Niger conj of Faso): an apposition with conjuncts of its own is a
    list too, never a name for the first word.
    """
    found = [token, *token.conjuncts]
    for appos in token.children:
        if appos.dep_ == "appos" and any(child.dep_ == "conj" for child in appos.children):
            seen = {t.i for t in found}
            found.extend(t for t in (appos, *appos.conjuncts) if t.i not in seen)
    return found


def clause_head(token: Token) -> Token:
    """Return the verb heading the clause a noun or verb belongs to."""
    current = token
    for _ in range(MAX_CLIMB):
        if current.pos_ in ("VERB", "AUX") or current.head.i == current.i:
            return current
        current = current.head
    return current


def governors(token: Token) -> Iterator[Token]:
    """Yield the clause heads ``token`` is embedded under, nearest first."""
    current = token
    for step in range(MAX_CLIMB):
        # The first step always climbs: a possessive or subject pronoun hangs from its own clause.
        if current.head.i == current.i or (step and current.dep_ not in EMBED_DEPS):
            return
        current = current.head
        if current.pos_ in ("VERB", "AUX", "ADJ") or current.pos_ == "NOUN":
            yield current
