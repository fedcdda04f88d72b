"""Code verbs with the CAMEO verb pattern dictionary, read over the dependency parse.

A CAMEO pattern is written as words around the verb (``- &MILITARY * (TO BORDER) [154]``); here
each part is looked for where the parse puts it:

- post-verb terms: the verb's object (the passive subject), its particle, adverbs and infinitival
  complement, with the head of a braced phrase ``{ARMS SHIPMENT}`` as that word and its modifiers
  among the word's own modifiers; ``_``-joined words must be consecutive;
- pre-verb terms: the subject phrase and the adverbs before the verb;
- preposition phrases ``(FOR AID)``: a preposition of the verb (or of its object) and its object;
- ``&SYNSET`` items: any member of the synset (plurals included, phrases as consecutive words).

Every pattern of the verb's block is tried; the one that matches the most parts wins (ties: the
first in the file). No pattern matching, the verb's own code applies. The CAMEO code becomes a
PLOVER category, mode and context through the crosswalk (with the codebook's overrides), and its
argument frame comes from ``data/cameo_frames.yaml``. The null code ``[---]`` is a coding too: it
says the verb names no event in that use ("seek re-election").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray
from spacy.attrs import LEMMA, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from app.nlp.arrays import distinct_strings
from app.nlp.dictionaries.crosswalk import Crosswalk
from app.nlp.dictionaries.verb_patterns import PrepPhrase, Term, VerbPattern, is_synset_ref
from app.nlp.dictionaries.verbs import Verb, VerbDictionary
from app.nlp.lexicon import Coding, Entry, Frame, Lexicon, LexiconError
from app.nlp.types import Rule

# Dependents of a verb that hold what its patterns write after the verb.
_POST_DEPS = frozenset({"dobj", "nsubjpass", "attr", "oprd", "dative", "prt", "acomp", "xcomp", "npadvmod", "advmod"})
# ... and before it (besides the subject phrase).
_PRE_DEPS = frozenset({"advmod", "npadvmod", "aux"})
_SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
_PREP_DEPS = frozenset({"prep", "agent", "dative", "prt"})
_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss", "nummod", "det"})


@dataclass(frozen=True, slots=True)
class _Compiled:
    pattern: VerbPattern
    required: frozenset[str]  # plain words that must all occur among the verb's neighbours: a cheap first test
    synsets: frozenset[str]  # synsets some neighbour must end a member of: the second cheap test
    entry: Entry | None
    required_ids: frozenset[int]  # ``required`` as string hashes, to test against a doc's arrays
    order: int  # the pattern's place in its block: ties go to the earlier one, as the dictionary lists them


@dataclass(frozen=True, slots=True)
class _BlockIndex:
    """A block's patterns filed under one word or synset each must find, so a verb tries only those
    whose key its phrase holds (a block such as SAY's has hundreds)."""

    by_word: dict[int, list[_Compiled]]
    by_synset: dict[str, list[_Compiled]]
    free: list[_Compiled]  # patterns that need no particular word or synset

    @classmethod
    def build(cls, patterns: tuple[_Compiled, ...]) -> _BlockIndex:
        index = cls({}, {}, [])
        for compiled in patterns:
            if compiled.required_ids:
                index.by_word.setdefault(min(compiled.required_ids), []).append(compiled)
            elif compiled.synsets:
                index.by_synset.setdefault(min(compiled.synsets), []).append(compiled)
            else:
                index.free.append(compiled)
        return index

    def hopeful(self, words: set[int], synsets: set[str]) -> list[_Compiled]:
        """Return the patterns whose words and synsets all occur in ``words`` and ``synsets``."""
        found = list(self.free)
        for word in words & self.by_word.keys():
            found.extend(c for c in self.by_word[word] if c.required_ids <= words and c.synsets <= synsets)
        for label in synsets & self.by_synset.keys():
            found.extend(c for c in self.by_synset[label] if c.synsets <= synsets)
        return found


class VerbCoder:
    """The verb dictionary compiled for matching: verbs by lemma, each block's patterns with their codings."""

    def __init__(
        self,
        verbs: VerbDictionary,
        crosswalk: Crosswalk,
        frames: Mapping[str, Frame],
        frame_by_code: Mapping[str, str],
        adjunct_preps: frozenset[str] = frozenset(),
    ) -> None:
        self.adjunct_preps = adjunct_preps
        # Synset members by their last word, so a member is looked up, not searched for.
        self.synsets: dict[str, dict[str, list[tuple[str, ...]]]] = {}
        labels_by_word: dict[str, set[str]] = {}  # a member's last word -> the synsets it may end a member of
        for label, members in verbs.synsets.items():
            index = self.synsets.setdefault(label, {})
            for member in members:
                if member:
                    index.setdefault(member[-1], []).append(member)
                    labels_by_word.setdefault(member[-1], set()).add(label)
        self.labels_by_word = {word: frozenset(labels) for word, labels in labels_by_word.items()}
        self.labels_by_id = {get_string_id(word): labels for word, labels in self.labels_by_word.items()}
        self.crosswalk = crosswalk
        self.frames = frames
        self.frame_by_code = frame_by_code
        self.verbs = verbs
        self.sources = {block.name: block.source for block in verbs.blocks}
        self.patterns: dict[str, tuple[_Compiled, ...]] = {}
        for block in verbs.blocks:
            self.patterns[block.name] = tuple(
                _Compiled(
                    p,
                    _required_words(p),
                    _required_synsets(p),
                    self._entry(p.code, self._rule(block.name, p.line, p.text, p.code), p, block.name.lower()),
                    frozenset(get_string_id(word) for word in _required_words(p)),
                    order,
                )
                for order, p in enumerate(block.patterns)
            )
        self.block_indexes = {name: _BlockIndex.build(patterns) for name, patterns in self.patterns.items()}
        # Each verb's own code, as an entry, and the lemmas that can code anything at all: a verb whose
        # code and patterns are all null names no event in any use and is never a candidate.
        self.defaults = {
            verb: self._entry(
                verb.code, self._rule(verb.block, verb.line, " ".join(verb.words).upper(), verb.code), None, verb.lemma
            )
            for verb in (v for block in verbs.blocks for v in block.verbs)
        }
        self.coding_lemmas = frozenset(
            lemma
            for lemma, found in verbs.verbs_by_lemma.items()
            if any(self.defaults[v] is not None or any(c.entry for c in self.patterns[v.block]) for v in found)
        )

    @property
    def lemmas(self) -> frozenset[str]:
        """Return the verb lemmas the dictionary can code an event for."""
        return self.coding_lemmas

    def code(self, token: Token) -> Coding | None:
        """Return the best coding of a verb token, or None when the dictionary does not list it."""
        verbs = [v for v in self.verbs.verbs_for(token.lemma_, token.text) if _verb_words_present(v, token)]
        if not verbs:
            return None
        verbs.sort(key=lambda v: -len(v.words))  # "cordon off" before "cordon"
        # A first test on the words of the verb's whole phrase, read off the doc's arrays: most patterns
        # fail it, and a verb whose patterns all do needs no look at its neighbours.
        span_ids = _phrase_word_ids(token)
        span_labels = {label for word in span_ids for label in self.labels_by_id.get(word, ())}
        hopeful = [
            compiled
            for verb in verbs
            if verb.block in self.block_indexes
            for compiled in sorted(self.block_indexes[verb.block].hopeful(span_ids, span_labels), key=_in_order)
        ]
        best: Coding | None = None
        if hopeful:
            neighbours = Neighbours.of(token, self.adjunct_preps)
            labels = frozenset(label for word in neighbours.words for label in self.labels_by_word.get(word, ()))
            for compiled in hopeful:
                if not (compiled.required <= neighbours.words and compiled.synsets <= labels):
                    continue
                matched = self._match(compiled.pattern, neighbours)
                if matched is None:
                    continue
                specificity, words, extra = matched
                if best is None or (specificity, words) > (best.specificity, best.words):
                    best = Coding(compiled.entry, specificity, words, tuple(extra))
        return best if best is not None else Coding(self._default(verbs), 0, 0)

    def _default(self, verbs: list[Verb]) -> Entry | None:
        """Return the verb's own code when every block listing it agrees on the event, else None.

        A verb listed in several blocks with different codes ("take": APPREHEND 171, CANCEL, EVACUATE
        and more) has no sense of its own without a pattern: its bare use codes nothing.
        """
        longest = [v for v in verbs if len(v.words) == len(verbs[0].words)]
        events = {entry.event if (entry := self.defaults[v]) is not None else None for v in longest}
        return self.defaults[verbs[0]] if len(events) == 1 else None

    # -- matching ---------------------------------------------------------------------------

    def _match(self, pattern: VerbPattern, at: Neighbours) -> tuple[int, int, list[Token]] | None:
        extra: list[Token] = []
        words = 0
        for term in pattern.post:
            found = self._term_at(term, at.post)
            if found is None:
                return None
            extra.append(found)
            words += len(term.words)
        for term in pattern.pre:
            found = self._term_at(term, at.pre)
            if found is None:
                return None
            words += len(term.words)
        prep_matched = False
        for phrase in pattern.preps:
            found_prep = self._prep_at(phrase, at.preps)
            if found_prep is None:
                return None
            extra.append(found_prep)
            words += 1 + sum(len(t.words) for t in phrase.terms)
            prep_matched = True
        nouns = bool(pattern.post) or any(p.terms for p in pattern.preps)
        specificity = 2 * int(nouns) + int(prep_matched) + int(bool(pattern.pre))
        return specificity, words, extra

    def _term_at(self, term: Term, candidates: Iterable[Token]) -> Token | None:
        return next((token for token in candidates if self._term_matches(term, token)), None)

    def _term_matches(self, term: Term, token: Token) -> bool:
        head, modifiers = term.words[-1], term.words[:-1]
        if not term.braced and modifiers:
            return self._run_ends_at(term.words, token)
        if not self._item_matches(head, token):
            return False
        around = _modifiers(token)
        return all(any(self._item_matches(word, m) for m in around) for word in modifiers)

    def _item_matches(self, item: str, token: Token) -> bool:
        if is_synset_ref(item):
            index = self.synsets.get(item[1:], {})
            members = [m for form in _forms(token) for m in index.get(form, ())]
            return any(len(m) == 1 or self._run_ends_at(m, token) for m in members)
        return item in _forms(token)

    def _run_ends_at(self, words: tuple[str, ...], token: Token) -> bool:
        """Tell whether ``words`` are the consecutive words ending at ``token``."""
        start = token.i - len(words) + 1
        if start < token.sent.start:
            return False
        doc = token.doc
        return all(words[k] in _forms(doc[start + k]) for k in range(len(words)))

    def _prep_at(self, phrase: PrepPhrase, preps: Iterable[Token]) -> Token | None:
        for prep in preps:
            if prep.lower_ not in phrase.preps:
                continue
            objects = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
            if all(any(self._term_matches(term, obj) for obj in objects) for term in phrase.terms):
                return prep
        return None

    # -- codings ----------------------------------------------------------------------------

    def _rule(self, block: str, line: int, text: str, code: str | None) -> Rule:
        return Rule("dictionary", f"{self.sources[block]}:{line}", f"{block}: {text}", code)

    def _entry(self, code: str | None, rule: Rule, pattern: VerbPattern | None, lemma: str) -> Entry | None:
        """Turn a CAMEO code into the lexicon entry the stance stage codes with; None for no event."""
        if code is None:
            return None
        coding = self.crosswalk.lookup(code)
        if coding is None or coding.category is None:
            return None
        return Entry(
            lemma=lemma,
            pos="verb",
            event=coding.category,
            frame=self._frame(code, pattern),
            mode=coding.mode,
            cameo=code[:2],
            context="; ".join(coding.contexts) or None,
            rule=rule,
        )

    def _frame(self, code: str, pattern: VerbPattern | None) -> Frame:
        """Return the frame for a CAMEO code (longest prefix in the table), adjusted to the pattern's slots."""
        name = next(
            (self.frame_by_code[code[:n]] for n in range(len(code), 1, -1) if code[:n] in self.frame_by_code),
            "transitive",
        )
        frame = self.frames[name]
        if pattern is None:
            return frame
        if pattern.target_slot is not None:
            frame = replace(frame, target=(_role(pattern.target_slot), *frame.target))
        if pattern.source_slot is not None and pattern.source_slot != "pre":
            frame = replace(frame, holder=(_role(pattern.source_slot), *frame.holder))
        return frame


def _role(slot: str) -> str:
    """Map a pattern slot's place onto a frame role: pre -> subj, post -> obj, prep:X -> prep:X."""
    return {"pre": "subj", "post": "obj"}.get(slot, slot)


@dataclass(slots=True)
class Neighbours:
    """The tokens a verb's patterns are checked against, found once per verb."""

    post: list[Token]
    pre: list[Token]
    preps: list[Token]
    words: set[str]  # every form of every neighbour: the cheap first test of a pattern

    @classmethod
    def of(cls, verb: Token, adjunct_preps: frozenset[str] = frozenset()) -> Neighbours:
        post: list[Token] = []
        pre: list[Token] = []
        preps: list[Token] = []
        for child in verb.children:
            dep = child.dep_
            if dep in _SUBJECT_DEPS or (dep in _PRE_DEPS and child.i < verb.i):
                pre.append(child)
            elif dep in _POST_DEPS:
                post.append(child)
            if dep in _PREP_DEPS:
                preps.append(child)
                if child.lower_ not in adjunct_preps:
                    post.extend(c for c in child.children if c.dep_ == "pobj")
        if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
            pre.append(verb.head)  # "troops sent to X": the noun is the verb's subject
        for obj in [t for t in post if t.dep_ in ("dobj", "nsubjpass")]:
            preps.extend(c for c in obj.children if c.dep_ == "prep")  # "sanctions on X"
        words: set[str] = set()
        for token in (*post, *pre, *preps):
            words |= _forms(token)
            for modifier in _modifiers(token):
                words |= _forms(modifier)
        for prep in preps:
            for obj in prep.children:
                words |= _forms(obj)
                for modifier in _modifiers(obj):
                    words |= _forms(modifier)
        return cls(post=post, pre=pre, preps=preps, words=words)


def _modifiers(token: Token) -> list[Token]:
    """Return the words that modify a noun inside its phrase ("{FINANCIAL AID}": financial)."""
    found: list[Token] = []
    frontier = [c for c in token.children if c.dep_ in _MODIFIER_DEPS or c.dep_ == "compound"]
    while frontier:
        found.extend(frontier)
        frontier = [c for t in frontier for c in t.children if c.dep_ in _MODIFIER_DEPS]
    return found


def _forms(token: Token) -> set[str]:
    """Return the lower-cased forms a dictionary word may match: as written and as lemma."""
    return {token.lower_, token.lemma_.lower()}


def _verb_words_present(verb: Verb, token: Token) -> bool:
    """Tell whether a multi-word verb's other words are there ("cordon off", "wire tap")."""
    if len(verb.words) == 1:
        return True
    around = {c.lower_ for c in token.children if c.dep_ in ("prt", "prep", "advmod", "compound", "dobj")}
    before = token.doc[token.i - 1].lower_ if token.i > 0 else ""
    others = [w for k, w in enumerate(verb.words) if k != verb.verb_index]
    return all(w in around or w == before for w in others)


def _required_words(pattern: VerbPattern) -> frozenset[str]:
    """Return the plain (non-synset) words a pattern needs among a verb's neighbours."""
    terms = [*pattern.post, *pattern.pre, *(t for p in pattern.preps for t in p.terms)]
    words = {w for term in terms for w in term.words if not is_synset_ref(w)}
    return frozenset(words)


CAMEO_FRAMES_FILE = "data/cameo_frames.yaml"


def _cameo_frames_data() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(resources.files("app.nlp").joinpath(CAMEO_FRAMES_FILE).read_text("utf-8"))
    return raw


def cameo_frames() -> dict[str, str]:
    """Return the frame name for each CAMEO code prefix (``data/cameo_frames.yaml``)."""
    return {str(code): str(frame) for code, frame in _cameo_frames_data()["frames"].items()}


def adjunct_preps() -> frozenset[str]:
    """Return the prepositions whose objects no bare pattern word reads (``data/cameo_frames.yaml``)."""
    return frozenset(str(word) for word in _cameo_frames_data().get("adjunct_preps", ()))


def verb_coder(verbs: VerbDictionary, crosswalk: Crosswalk, lexicon: Lexicon) -> VerbCoder:
    """Compile a verb dictionary for matching, with the lexicon's frames; raise LexiconError on an unknown frame."""
    frame_by_code = cameo_frames()
    unknown = sorted(set(frame_by_code.values()) - set(lexicon.frames))
    if unknown:
        raise LexiconError(f"{CAMEO_FRAMES_FILE} names frames lexicon.yaml does not define: {unknown}")
    return VerbCoder(verbs, crosswalk, lexicon.frames, frame_by_code, adjunct_preps())


def _required_synsets(pattern: VerbPattern) -> frozenset[str]:
    """Return the synsets a pattern needs some neighbour of the verb to end a member of."""
    terms = [*pattern.post, *pattern.pre, *(t for p in pattern.preps for t in p.terms)]
    return frozenset(w[1:] for term in terms for w in term.words if is_synset_ref(w))


def _phrase_word_ids(token: Token) -> set[int]:
    """Return the hashes of the lower-case forms and lemmas of a verb's phrase (its subtree) and its head."""
    doc = token.doc
    arrays = doc.user_data.get(_WORD_ARRAYS)
    if arrays is None:
        arrays = doc.user_data[_WORD_ARRAYS] = _word_arrays(doc)
    start, end = token.left_edge.i, token.right_edge.i + 1
    rows = arrays[start:end]
    if token.head.i < start or token.head.i >= end:
        # "troops sent to X": the noun a participle modifies counts as its subject (see ``Neighbours``).
        rows = arrays[[token.head.i, *range(start, end)]]
    return set(rows.ravel().tolist())


def _word_arrays(doc: Doc) -> NDArray[np.uint64]:
    """Return per token the hash of its lower-case form and of its lower-cased lemma (see ``_forms``)."""
    arrays = doc.to_array([LOWER, LEMMA]).astype(np.uint64, copy=False)
    lemmas, index = distinct_strings(arrays[:, 1], doc.vocab.strings)
    lowered = np.array([get_string_id(lemma.lower()) for lemma in lemmas], dtype=np.uint64)
    arrays[:, 1] = lowered[index]
    return arrays


def _in_order(compiled: _Compiled) -> int:
    return compiled.order


# Where a doc keeps its word columns for ``_phrase_word_ids`` (computed once per doc).
_WORD_ARRAYS = "stancewire.verb_pattern_words"
