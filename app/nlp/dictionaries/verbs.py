"""Read the CAMEO verb pattern dictionary (``CAMEO.2.0.txt``, ``*.verbs.txt``).

The file, as Stancewire reads it (PETRARCH's ``dictionaries.rst``; patterns in
:mod:`app.nlp.dictionaries.verb_patterns`)::

    # comment ('#' anywhere; ';' too on verb lines: SCRAP {...};shan 8/30/93)
    &CURRENCY            # a synset label, then its members
    +DOLLAR              #   members: words joined by '_' (consecutive)
    +CASH_               #   a final '_' on the member (or the label): no automatic plural
    ---  GIVE   [070]  ---                # a verb block: name and default code ([---]: none)
    GIVE {GIVES GAVE GIVEN GIVING}        # a verb; {...} irregular forms ({}: none)
    DONATE [070]                          # a verb with its own code
    +HAND_OVER                            # a multi-word verb: '+' marks the verb word
    WIRE_+TAP {WIRE_+TAPS WIRE_+TAPPED}   # forms repeat the other words and the '+'
    - * &CURRENCY (TO +)  [071]  # GIVE   # a pattern of the block
    ~ a (a b ATTACK) SAY = a b 015        # a transformation (TRANSFORMATIONS section)

- Synset members get regular plurals (:func:`app.nlp.dictionaries.inflect.plural`) unless the
  member or label ends in ``_``. A synset must be defined before a pattern uses it.
- Verbs: without ``{...}`` the regular forms of the verb word are generated
  (:func:`app.nlp.dictionaries.inflect.verb_forms`); with it, exactly the listed forms (items
  separated by blanks or commas). A multi-word verb's forms must keep its other words and the
  place of its ``+``. A verb's code is its own ``[code]`` if given, else its block's.
- A block header may close with more than one ``---`` (four upstream headers:
  ``[110]---  ---``). Any other line is an error.
- Transformations: ``~ A (B C VERB) VERB = D E CODE``, where actors are letters, ``.`` (an actor
  not specified) or ``_`` (no actor), verbs name a verb of the file or ``Q`` (any verb), and
  the code is digits or ``Q`` (the inner verb's code).

Lookups: :meth:`VerbDictionary.verbs_for` finds the verbs a token stands for by its lemma or
its surface form (lemmas are the written base forms; a verb written inflected, such as
``+IS_DETERMINED`` or ``+ANGERED_BY {}``, is found by its surface form, and the auxiliary forms
of be/have/do are keyed by their lemma); :meth:`VerbDictionary.in_synset` tests membership.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.inflect import phrase_plural, verb_forms
from app.nlp.dictionaries.source import NO_QUIRKS, Quirk, read_lines, strip_comment
from app.nlp.dictionaries.verb_patterns import VerbPattern, is_synset_ref, parse_event_code, parse_pattern

_HEADER = re.compile(r"---\s+(?P<name>[A-Z0-9_'+-]+)\s*(?:\[(?P<code>[^\[\]]*)\])?(?:\s*---)+")
_SYNSET = re.compile(r"&(?P<label>[A-Z0-9][A-Z0-9_]*)")
_MEMBER = re.compile(r"\+(?P<member>[A-Za-z0-9'./_-]+)")
_VERB = re.compile(
    r"(?P<verb>\+?[A-Z0-9'-]+(?:_\+?[A-Z0-9'-]+)*)\s*(?:\{(?P<forms>[^{}]*)\})?\s*(?:\[(?P<code>[^\[\]]*)\])?"
)
_TRANSFORMATION = re.compile(
    r"~\s*(?P<actor>[a-z._])\s*\(\s*(?P<inner_actor>[a-z._])\s+(?P<inner_target>[a-z._])\s+(?P<inner_verb>[A-Z_]+)\s*\)"
    r"\s*(?P<verb>[A-Z_]+)\s*=\s*(?P<result_actor>[a-z._])\s+(?P<result_target>[a-z._])\s+(?P<code>\d{2,4}|Q)"
)
# Auxiliaries written inflected in multi-word verbs (+IS_DETERMINED): keyed by their lemma.
_AUXILIARY_LEMMAS = {
    **dict.fromkeys(("is", "are", "am", "was", "were", "be", "been", "being"), "be"),
    **dict.fromkeys(("has", "have", "had", "having"), "have"),
    **dict.fromkeys(("does", "do", "did", "done", "doing"), "do"),
}


@dataclass(frozen=True, slots=True)
class Verb:
    """One verb (or multi-word verb) of a block."""

    lemma: str  # the base form of the verb word, lower case
    words: tuple[str, ...]  # all words, lower case, in order
    verb_index: int  # which word is the verb
    forms: tuple[str, ...]  # the verb word's other forms (irregular ones as listed)
    code: str | None  # its own code, else the block's; None: the null code
    paired_code: str | None
    block: str
    source: str  # the file's name
    line: int


@dataclass(frozen=True, slots=True)
class Transformation:
    """A verb-on-verb rule ``~ a (b c INNER) OUTER = d e CODE``: a says (b does INNER to c).

    Actor variables are letters, ``.`` (an actor not specified) or ``_`` (no actor).
    """

    actor: str  # a: the outer verb's source
    inner_actor: str  # b
    inner_target: str  # c
    inner_verb: str  # a verb of the dictionary (upper case, as written) or Q (any verb)
    verb: str  # the outer verb
    result_actor: str  # d
    result_target: str  # e
    code: str  # digits, or Q: the inner verb's code
    source: str  # the file's name
    line: int


@dataclass(frozen=True, slots=True)
class VerbBlock:
    """A verb synonym block: its verbs and patterns."""

    name: str
    code: str | None  # the block's default code; None: the null code
    paired_code: str | None
    source: str
    line: int
    verbs: tuple[Verb, ...]
    patterns: tuple[VerbPattern, ...]


@dataclass(frozen=True)
class VerbDictionary:
    """Synsets, verb blocks in file order, transformations, and the lookups over them."""

    synsets: Mapping[str, frozenset[tuple[str, ...]]]
    blocks: tuple[VerbBlock, ...]
    transformations: tuple[Transformation, ...]
    verbs_by_lemma: dict[str, tuple[Verb, ...]] = field(init=False, repr=False)
    verbs_by_form: dict[str, tuple[Verb, ...]] = field(init=False, repr=False)
    blocks_by_name: dict[str, VerbBlock] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_lemma: defaultdict[str, list[Verb]] = defaultdict(list)
        by_form: defaultdict[str, list[Verb]] = defaultdict(list)
        for block in self.blocks:
            for verb in block.verbs:
                by_lemma[verb.lemma].append(verb)
                for form in dict.fromkeys((verb.words[verb.verb_index], *verb.forms)):
                    by_form[form].append(verb)
        object.__setattr__(self, "verbs_by_lemma", {lemma: tuple(verbs) for lemma, verbs in by_lemma.items()})
        object.__setattr__(self, "verbs_by_form", {form: tuple(verbs) for form, verbs in by_form.items()})
        object.__setattr__(self, "blocks_by_name", {block.name: block for block in self.blocks})

    def verbs_for(self, lemma: str, surface: str = "") -> list[Verb]:
        """Return the verbs whose verb word is ``lemma``, or has ``surface`` among its forms."""
        found = list(self.verbs_by_lemma.get(lemma.lower(), ()))
        for verb in self.verbs_by_form.get(surface.lower(), ()):
            if verb not in found:
                found.append(verb)
        return found

    def block(self, name: str) -> VerbBlock:
        """Return the block named ``name`` (KeyError if none)."""
        return self.blocks_by_name[name]

    def patterns(self, name: str) -> tuple[VerbPattern, ...]:
        """Return the patterns of the block named ``name``, in precedence order."""
        return self.blocks_by_name[name].patterns

    def in_synset(self, label: str, words: str | tuple[str, ...]) -> bool:
        """True if ``words`` (a word or a tuple of lower-case words) is a member of ``&label``."""
        members = self.synsets.get(label.lstrip("&").rstrip("_"), frozenset())
        return (words,) in members if isinstance(words, str) else words in members

    def merged(self, extra: VerbDictionary) -> VerbDictionary:
        """Return this dictionary with ``extra`` (a user file) merged in; ``extra`` wins.

        Synsets of the same name are replaced. A block of the same name gets ``extra``'s verbs
        and patterns first (patterns are tried in order); a built-in verb with the same words as
        one of ``extra``'s verbs is dropped, whichever block held it. New blocks come last, and
        ``extra``'s transformations first.
        """
        replaced = {verb.words for block in extra.blocks for verb in block.verbs}
        incoming = {block.name: block for block in extra.blocks}
        blocks: list[VerbBlock] = []
        for block in self.blocks:
            kept = tuple(verb for verb in block.verbs if verb.words not in replaced)
            update = incoming.pop(block.name, None)
            if update is None:
                blocks.append(replace(block, verbs=kept))
            else:
                blocks.append(replace(update, verbs=update.verbs + kept, patterns=update.patterns + block.patterns))
        blocks.extend(incoming.values())
        return VerbDictionary(
            synsets={**self.synsets, **extra.synsets},
            blocks=tuple(blocks),
            transformations=extra.transformations + self.transformations,
        )


@dataclass(slots=True)
class _Draft:
    name: str
    code: str | None
    paired_code: str | None
    line: int
    verbs: list[Verb] = field(default_factory=list)
    patterns: list[VerbPattern] = field(default_factory=list)


def _member_words(text: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in text.split("_") if word)


def _verb_shape(text: str) -> tuple[tuple[str, ...], int]:
    """Return (lower-case words, index of the '+' word) for ``WIRE_+TAP`` (index 0 if single)."""
    parts = text.split("_")
    marked = [i for i, part in enumerate(parts) if part.startswith("+")]
    if len(parts) > 1 and len(marked) != 1:
        raise ValueError(f"a multi-word verb needs exactly one '+' on its verb word: {text!r}")
    if len(parts) == 1 and len(marked) > 1:
        raise ValueError(f"malformed verb {text!r}")
    return tuple(part.lstrip("+").lower() for part in parts), (marked[0] if marked else 0)


def _verb(text: str, number: int, source: str, block: _Draft) -> Verb:
    match = _VERB.fullmatch(text)
    if match is None:
        raise ValueError(f"not a verb line VERB [{{forms}}] [[code]]: {text!r}")
    words, index = _verb_shape(match["verb"])
    word = words[index]
    if match["forms"] is None:
        forms: tuple[str, ...] = verb_forms(word)
    else:
        listed: list[str] = []
        for item in re.split(r"[\s,]+", match["forms"].strip()):
            if not item:
                continue
            form_words, form_index = _verb_shape(item)
            other = tuple(w for i, w in enumerate(form_words) if i != form_index)
            if form_index != index or other != tuple(w for i, w in enumerate(words) if i != index):
                raise ValueError(f"form {item!r} does not keep the other words of {match['verb']!r}")
            listed.append(form_words[form_index])
        forms = tuple(dict.fromkeys(listed))
    code, paired = (block.code, block.paired_code) if match["code"] is None else parse_event_code(match["code"])
    lemma = _AUXILIARY_LEMMAS.get(word, word)
    return Verb(lemma, words, index, forms, code, paired, block.name, source, number)


def _transformation(text: str, number: int, source: str) -> Transformation:
    match = _TRANSFORMATION.fullmatch(text)
    if match is None:
        raise ValueError("a transformation is '~ a (b c VERB) VERB = d e CODE'")
    return Transformation(**match.groupdict(), source=source, line=number)


def _synset_members(label: str, member: str) -> set[tuple[str, ...]]:
    words = _member_words(member)
    if not words:
        raise ValueError(f"empty synset member {member!r}")
    found = {words}
    if not (member.endswith("_") or label.endswith("_")):
        plural = phrase_plural(words)
        if plural is not None:
            found.add(plural)
    return found


def _check_synsets(pattern: VerbPattern, synsets: Mapping[str, object]) -> None:
    terms = [*pattern.pre, *pattern.post, *(term for prep in pattern.preps for term in prep.terms)]
    for term in terms:
        for item in term.words:
            if is_synset_ref(item) and item[1:] not in synsets:
                raise ValueError(f"synset {item} is not defined above")


def read_verbs(
    path: Path, quirks: Mapping[int, Quirk] = NO_QUIRKS, known_synsets: Mapping[str, object] = {}
) -> VerbDictionary:
    """Read a verb file; raise DictionaryError(path, line, reason) on malformed input.

    ``known_synsets``: synsets a user file may use without defining them (the built-in ones).
    """
    synsets: dict[str, set[tuple[str, ...]]] = {}
    drafts: list[_Draft] = []
    transformations: list[Transformation] = []
    synset: str | None = None  # label whose members are being read
    for line in read_lines(path, quirks):
        raw = line.text.strip()
        text = strip_comment(raw).strip()
        if not text:
            continue
        try:
            if (label := _SYNSET.fullmatch(text)) is not None:
                synset = label["label"]
                name = synset.rstrip("_")
                if name in synsets:
                    raise ValueError(f"synset &{name} defined twice")
                synsets[name] = set()
                continue
            if synset is not None and text.startswith("+"):
                member = _MEMBER.fullmatch(text)
                if member is None:
                    raise ValueError(f"malformed synset member {text!r}")
                synsets[synset.rstrip("_")] |= _synset_members(synset, member["member"])
                continue
            synset = None
            if text.startswith("---"):
                header = _HEADER.fullmatch(text)
                if header is None:
                    raise ValueError("a verb block header is '---  NAME  [code]  ---'")
                code, paired = parse_event_code(header["code"]) if header["code"] is not None else (None, None)
                drafts.append(_Draft(header["name"], code, paired, line.number))
            elif text.startswith("~"):
                transformations.append(_transformation(text, line.number, path.name))
            elif not drafts:
                raise ValueError("a verb or pattern before the first verb block")
            elif text.startswith("-"):
                pattern = parse_pattern(raw, line.number, path.name)
                _check_synsets(pattern, {**known_synsets, **synsets})
                drafts[-1].patterns.append(pattern)
            else:
                drafts[-1].verbs.append(_verb(strip_comment(text, ";").strip(), line.number, path.name, drafts[-1]))
        except ValueError as error:
            raise DictionaryError(path, line.number, str(error)) from None
    blocks = tuple(
        VerbBlock(d.name, d.code, d.paired_code, path.name, d.line, tuple(d.verbs), tuple(d.patterns)) for d in drafts
    )
    known = {verb.words[verb.verb_index].upper() for block in blocks for verb in block.verbs}
    known |= {block.name for block in blocks}
    for rule in transformations:
        for verb in (rule.inner_verb, rule.verb):
            if verb != "Q" and verb not in known:
                raise DictionaryError(path, rule.line, f"transformation names {verb}, not a verb of this file")
    return VerbDictionary(
        synsets={name: frozenset(members) for name, members in synsets.items()},
        blocks=blocks,
        transformations=tuple(transformations),
    )
