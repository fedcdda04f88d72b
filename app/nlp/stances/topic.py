"""The relevance data, and the topic cues of a sentence: sport, entertainment, business, weather, science, culture.

``data/relevance.yaml`` holds the curated vocabulary; the Phoenix discard phrases come from the
compiled dictionaries (``app.nlp.dictionaries``, with any user ``*.discards.txt``). The stance component
builds the data once and looks words up by hash: the cost per token does not grow with the lists.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources

import yaml
from spacy.strings import get_string_id
from spacy.tokens import Span, Token

from app.nlp.dictionaries.indexes import DiscardIndex

RELEVANCE_FILE = "data/relevance.yaml"
# The kind the Phoenix discard phrases are given: most are sport, the rest entertainment, business,
# accidents and nature, all stories the field codes no event from.
DISCARD_KIND = "discard"
# A single word cues a topic only as a noun ("share information" is not about shares); a phrase may
# start with an adjective or a number ("table tennis", "formula one").
CUE_POS = frozenset({"NOUN", "PROPN"})
_TOKEN_PIECES = re.compile(r"[^\s-]+|-")
# A noun is looked up with up to this many words before it ("chief executive", "start - up").
_LONGEST_ENDING = 3


class RelevanceDataError(ValueError):
    """The relevance data is malformed."""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Words and phrases, each with a kind, looked up on a token's lemma or lower-case form."""

    words: Mapping[str, str]  # one-word entries -> kind
    phrases: Mapping[str, tuple[tuple[tuple[str, ...], str], ...]]  # first word -> (the words, kind), longest first
    keys: frozenset[int]  # the string hashes of the words and first words, to rule most tokens out cheaply

    @classmethod
    def build(cls, by_kind: Mapping[str, Iterable[str]]) -> Vocabulary:
        """Index entries given as {kind: [word or phrase, ...]}; a later kind never overrides an earlier one."""
        words: dict[str, str] = {}
        phrases: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for kind, entries in by_kind.items():
            for entry in entries:
                text = str(entry).lower()
                if not text.split():
                    raise RelevanceDataError(f"empty entry under {kind!r}")
                if len(text.split()) == 1:
                    words.setdefault(text, kind)
                # The tokenizer splits hyphenated words ("start-up" is "start", "-", "up").
                parts = tuple(_TOKEN_PIECES.findall(text))
                if len(parts) > 1:
                    phrases[parts[0]].append((parts, kind))
        ordered = {first: tuple(sorted(found, key=lambda p: -len(p[0]))) for first, found in phrases.items()}
        keys = frozenset(get_string_id(word) for word in (*words, *ordered))
        return cls(words=words, phrases=ordered, keys=keys)

    def may_start(self, token: Token) -> bool:
        """Tell cheaply (on hashes, no string decoding) whether an entry may start at ``token``."""
        return token.lower in self.keys or token.lemma in self.keys

    def word_kind(self, token: Token) -> str | None:
        """Return the kind of a one-word entry the token is (by lemma or form), if any."""
        return self.words.get(token.lemma_.lower()) or self.words.get(token.lower_)

    def phrase_at(self, token: Token, end: int) -> tuple[str, int] | None:
        """Return (kind, length) of the longest phrase starting at ``token`` and ending before ``end``."""
        starts = self.phrases.get(token.lower_) or self.phrases.get(token.lemma_.lower())
        if not starts:
            return None
        doc = token.doc
        for words, kind in starts:
            last = token.i + len(words)
            if last <= end and all(_is(doc[token.i + n], w) for n, w in enumerate(words)):
                return kind, len(words)
        return None

    def kind_of(self, token: Token) -> str | None:
        """Return the kind of the entry a noun names on its own or with the words just before it."""
        doc = token.doc
        for back in range(min(_LONGEST_ENDING, token.i), 0, -1):
            start = doc[token.i - back]
            if not self.may_start(start):
                continue  # the usual case, decided on hashes
            found = self.phrase_at(start, token.i + 1)
            if found is not None and found[1] == back + 1:
                return found[0]
        return self.word_kind(token) if self.may_start(token) or not token.lemma_.islower() else None


def _is(token: Token, word: str) -> bool:
    return token.lower_ == word or token.lemma_.lower() == word


@dataclass(frozen=True, slots=True)
class RelevanceData:
    """Everything ``relevance.yaml`` and the discards say, indexed for look-up."""

    topic: Vocabulary
    participants: Vocabulary
    natural_forces: Vocabulary
    objects: Vocabulary
    team_like: Mapping[str, frozenset[str]]  # word -> the cue kinds that make it a team's or a firm's
    senses: Mapping[str, Mapping[str, str]]  # noun trigger -> {context word: kind}
    figurative_governors: frozenset[str]
    temporal_preps: frozenset[str]


def _read(name: str) -> str:
    return resources.files("app.nlp").joinpath(name).read_text("utf-8")


def discard_phrases(discards: DiscardIndex, kinds: Container[str], not_topic: Container[str]) -> list[str]:
    """Return the discard phrases of the used kinds that do not name a political subject too."""
    phrases = (discards.entry(i) for i in range(len(discards)))
    return [text for d in phrases if d.kind in kinds and (text := " ".join(d.words).lower()) not in not_topic]


def load_relevance(discards: DiscardIndex) -> RelevanceData:
    """Load and index the relevance data, with the dictionaries' discard phrases (once per pipeline)."""
    raw = yaml.safe_load(_read(RELEVANCE_FILE))
    try:
        used = raw["discards"]
        not_topic = {phrase for phrases in used["not_topic"].values() for phrase in phrases}
        phrases = discard_phrases(discards, set(used["kinds"]), not_topic)
        team_like: dict[str, set[str]] = defaultdict(set)
        for kind, words in raw["team_like"].items():
            for word in words:
                team_like[word].add(kind)
        return RelevanceData(
            topic=Vocabulary.build({**raw["topic"], DISCARD_KIND: phrases}),
            participants=Vocabulary.build(raw["participants"]),
            natural_forces=Vocabulary.build({"weather": raw["natural_forces"]}),
            objects=Vocabulary.build(raw["objects"]),
            team_like={word: frozenset(kinds) for word, kinds in team_like.items()},
            senses={
                noun: {word: kind for kind, words in by_kind.items() for word in words}
                for noun, by_kind in raw["senses"].items()
            },
            figurative_governors=frozenset(raw["figurative_governors"]),
            temporal_preps=frozenset(raw["temporal_preps"]),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise RelevanceDataError(f"{RELEVANCE_FILE} is malformed: {exc!r}") from exc


@dataclass(slots=True)
class SentenceCues:
    """The kinds of topic cue a sentence holds (sport, business, weather, ..., discard)."""

    kinds: set[str] = field(default_factory=set)
    # The kinds found outside a time adjunct ("during a football tournament" only dates the act).
    framing: set[str] = field(default_factory=set)


def sentence_cues(sentence: Span, data: RelevanceData, actor_tokens: Container[int] = ()) -> SentenceCues:
    """Return the kinds of topic cue a sentence holds.

    A cue word that only qualifies another noun ("an agreement on acid rain", "talks on oil prices")
    names the topic of a political act, not a sport, weather or market sentence; nor does a single
    word inside an actor's name ("the Arab League"), nor the object of a figurative verb ("would pay
    a heavy price").
    """
    cues = SentenceCues()
    vocabulary = data.topic
    i = sentence.start
    while i < sentence.end:
        token = sentence.doc[i]
        if not vocabulary.may_start(token):
            i += 1
            continue
        phrase = vocabulary.phrase_at(token, sentence.end)
        if phrase is not None:
            kind, length = phrase
            head = max(sentence.doc[i : i + length], key=lambda t: t.pos_ in CUE_POS)
            # A phrase counts even inside an actor's name: a club named after its capital is no government.
            if _counts(head, data, ()):
                _add(cues, kind, head, data)
            i += length
            continue
        word = vocabulary.word_kind(token) if token.pos_ in CUE_POS else None
        if word is not None and _counts(token, data, actor_tokens):
            _add(cues, word, token, data)
        i += 1
    return cues


def _add(cues: SentenceCues, kind: str, token: Token, data: RelevanceData) -> None:
    cues.kinds.add(kind)
    if not _in_time_adjunct(token, data):
        cues.framing.add(kind)


def _in_time_adjunct(token: Token, data: RelevanceData) -> bool:
    """Tell whether a word lies in a time phrase of its clause ("during the match", "after the final")."""
    for ancestor in token.ancestors:
        if ancestor.pos_ in ("VERB", "AUX"):
            return False
        if ancestor.pos_ in ("ADP", "ADV", "SCONJ") and ancestor.lower_ in data.temporal_preps:
            return True
    return False


def _counts(token: Token, data: RelevanceData, actor_tokens: Container[int]) -> bool:
    return (
        token.i not in actor_tokens
        and not _qualifies_noun(token)
        and not (token.dep_ == "dobj" and token.head.lemma_.lower() in data.figurative_governors)
    )


# Prepositions by which a phrase names what a noun is about ("talks on oil prices", "a row over a film").
_ABOUT_PREPS = frozenset({"on", "over", "about", "concerning", "regarding"})


def _qualifies_noun(token: Token) -> bool:
    """Tell whether a word names the topic of a noun ("agreement on acid rain"), not where or whence it is
    ("the team's exit from the tournament" is still about a tournament)."""
    while token.dep_ in ("compound", "amod", "conj") and token.head.i != token.i:
        token = token.head
    prep = token.head
    return (
        token.dep_ == "pobj"
        and prep.dep_ == "prep"
        and prep.lower_ in _ABOUT_PREPS
        and prep.head.pos_ in ("NOUN", "PROPN")
    )
