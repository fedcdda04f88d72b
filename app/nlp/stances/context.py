"""Per-document and per-sentence state the stance finders share."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from app.nlp.lexicon import Cues, Lexicon
from app.nlp.modality import according_to
from app.nlp.stances.candidates import ActorIndex, Candidates
from app.nlp.stances.triggers import Match, embeds, match_trigger
from app.nlp.types import Modality


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
