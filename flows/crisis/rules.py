"""Rules of nearness: find the concepts in a message, then the rules whose concepts stand close.

A message is first cut into normalised tokens. `Tagger` marks every span that holds a concept
term ("ik", "wil", "pillen", "vanavond"); a term may end in "*" to take every ending ("snij*":
snij, snijd, snijden). Then `negated` drops what a nearby "niet", "nooit" or "not" turns around
("hij slaat me nooit"), and `find` looks for a stretch of at most `within` words that holds one
occurrence of every group of a rule. Everything here is plain data in, data out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from flows.crisis.lexicon import CLAUSE, COMMON, NEGATION, NOBODY, SUBJECT, WHO, Rule
from flows.crisis.normalise import SENTENCE, Normaliser, plain

NEGATION_BEFORE = 3  # "ik wil echt niet dood", "i do not want to die"
NEGATION_AFTER = 3  # "hij slaat me nooit", "mijn pa slaat me echt niet"


class Occurrence(NamedTuple):
    """A concept found in the message: tokens start..end (exclusive), from one language.

    A named tuple rather than a frozen dataclass: a long message holds a thousand of them, and
    a tuple is made and hashed about three times faster."""

    concept: str
    start: int
    end: int
    language: str


@dataclass(frozen=True)
class _Term:
    length: int  # in tokens
    last: str
    prefix: bool  # the last token may continue ("snij*")
    concept: str
    language: str
    # Where the term goes among the phrases found at one word: two-word phrases ending in a
    # stem first, then the others, each in the lexicon's order. The order of occurrences at
    # one word can decide which of two stretches a rule takes, so it never changes.
    rank: tuple[int, int]


@dataclass(slots=True)
class _Phrases:
    """The phrases that go on from a word, as a tree of their words: reading a message, each
    next word is one lookup, however many phrases share the words so far.

    The tree has some 11,000 nodes in every worker, most of them ending no phrase: slots and
    tuples (the empty one is shared) instead of a dict and two lists per node save 1.5 MB."""

    ending: tuple[_Term, ...] = ()  # phrases this word ends
    stemmed: tuple[_Term, ...] = ()  # phrases the next word ends as a stem
    next: dict[str, _Phrases] = field(default_factory=dict)


class Tagger:
    """Marks every concept term in a list of tokens; built once per lexicon.

    Terms are indexed so a token is compared only with terms that can start there: single
    words by the word, phrases in a tree of their words under their first word, and single
    stems by their first letters.
    """

    def __init__(
        self, concepts: Mapping[str, Mapping[str, Iterable[str]]], normalise: Normaliser
    ) -> None:
        words: dict[str, list[tuple[str, str]]] = {}  # word -> (concept, language)
        self._phrases: dict[str, _Phrases] = {}  # by their first word
        stems: list[_Term] = []
        count = 0
        for language, by_name in concepts.items():
            for concept, terms in by_name.items():
                for raw in terms:
                    prefix = raw.endswith("*")
                    tokens = normalise(raw.rstrip("*")).split()
                    if prefix:
                        # A stem is folded without the spelling table: "suicid*" stays a stem.
                        *head, stem = raw.rstrip("*").split()
                        tokens = [*normalise(" ".join(head)).split(), *plain(stem)]
                    if len(tokens) == 1 and not prefix:
                        words.setdefault(tokens[0], []).append((concept, language))
                        continue
                    count += 1
                    rank = (0 if prefix and len(tokens) == 2 else 1, count)
                    term = _Term(len(tokens), tokens[-1], prefix, concept, language, rank)
                    if len(tokens) == 1:
                        stems.append(term)
                        continue
                    node = self._phrases.setdefault(tokens[0], _Phrases())
                    for token in tokens[1:-1]:
                        node = node.next.setdefault(token, _Phrases())
                    if prefix:
                        node.stemmed += (term,)
                    else:
                        node = node.next.setdefault(tokens[-1], _Phrases())
                        node.ending += (term,)
        # A word listed twice for one concept and language is one occurrence.
        self._words = {word: tuple(dict.fromkeys(found)) for word, found in words.items()}
        # Single stems by their first letters (as many as the shortest stem has), shortest
        # first (the sort is stable, so terms of one stem keep the file's order): one lookup a
        # token instead of one per stem length.
        self._stem_key = min((len(term.last) for term in stems), default=1)
        self._stems: dict[str, list[_Term]] = {}
        for term in sorted(stems, key=lambda term: len(term.last)):
            self._stems.setdefault(term.last[: self._stem_key], []).append(term)

    def tag(self, tokens: Sequence[str]) -> list[Occurrence]:
        """Every occurrence of every concept, in order of position."""
        found: list[Occurrence] = []
        for at, token in enumerate(tokens):
            if token == SENTENCE:  # a new sentence is a new clause, in every language
                found.append(Occurrence(CLAUSE, at, at + 1, ""))
                continue
            words = self._words.get(token, ())
            for concept, language in words:
                found.append(Occurrence(concept, at, at + 1, language))
            phrases = self._phrases.get(token)
            stems = self._stems.get(token[: self._stem_key])
            if phrases is None and stems is None:  # most words start no phrase and no stem
                continue
            terms = self._terms_at(tokens, at, phrases, stems)
            if not terms:
                continue
            seen = {(concept, at + 1, language) for concept, language in words}
            for term in terms:
                end = at + term.length
                if (term.concept, end, term.language) not in seen:
                    seen.add((term.concept, end, term.language))
                    found.append(Occurrence(term.concept, at, end, term.language))
        return found

    @staticmethod
    def _terms_at(
        tokens: Sequence[str], at: int, phrases: _Phrases | None, stems: list[_Term] | None
    ) -> list[_Term]:
        """The phrases (from the tree under the word at `at`), then the single stems (those
        indexed under its first letters) that match there."""
        token = tokens[at]
        terms: list[_Term] = []
        node = phrases
        after = at + 1
        while node is not None and after < len(tokens):
            word = tokens[after]
            if node.stemmed:
                terms += [term for term in node.stemmed if word.startswith(term.last)]
            node = node.next.get(word)
            if node is not None and node.ending:
                terms += node.ending
            after += 1
        if len(terms) > 1:
            terms.sort(key=lambda term: term.rank)
        if stems is not None:
            terms += [term for term in stems if token.startswith(term.last)]
        return terms


# Concepts a negation never turns around: the engine's own, and the language's common words.
_NOT_TURNED = frozenset({NEGATION, NOBODY, CLAUSE, COMMON, SUBJECT, *WHO})
_ENGINE = frozenset({NEGATION, NOBODY, CLAUSE, *WHO})  # a negation inside these still negates


def negated(occurrences: Sequence[Occurrence]) -> set[Occurrence]:
    """Occurrences that a negation nearby turns around.

    A negation word inside another concept's span is part of that phrase ("niet meer leven",
    "geen slaapplek") and negates nothing. A new clause ("maar", "en", "but") or a new subject
    ("ik", "i") between the negation and the word stops it: before the word any word of
    `self` does, after it only a `subject` ("ik sta mezelf te slaan, ik kan niet stoppen"),
    since there "me" is the object the negation still reaches ("hij slaat me niet").
    "Niemand" and "nobody" turn around only what they are the subject of, after them
    ("niemand slaat mij"), never what stands before them ("zit op de flat, bel niemand").
    """
    inside: set[int] = set()
    in_phrase: set[int] = set()  # inside a phrase that means something ("niemand mist me")
    for occ in occurrences:
        if occ.end - occ.start > 1 and occ.concept not in _ENGINE:
            inside.update(range(occ.start, occ.end))
            if occ.concept != COMMON:
                in_phrase.update(range(occ.start, occ.end))
    negations = [
        occ.start
        for occ in occurrences
        if occ.concept == NEGATION and occ.end - occ.start == 1 and occ.start not in inside
    ]
    nobody = [
        occ.end - 1
        for occ in occurrences
        if occ.concept == NOBODY and in_phrase.isdisjoint(range(occ.start, occ.end))
    ]
    if not negations and not nobody:
        return set()
    clauses = {occ.start for occ in occurrences if occ.concept == CLAUSE}
    # Before a word a new subject also starts a clause ("ik kan niet meer, ik snij"); after
    # it, "me" is the object the negation still reaches ("hij slaat me niet"), but a word
    # that is always a subject is not ("slaan, ik kan niet ophouden").
    clauses |= {occ.start for occ in occurrences if occ.concept == SUBJECT}
    subjects = clauses | {occ.start for occ in occurrences if occ.concept == "self"}
    negation_at = set(negations)
    before_at = negation_at | set(nobody)
    # Where an occurrence must start or end for a negation to stand close enough before or
    # after it: most occurrences of a long message are passed over with two set lookups.
    starts_near = {at + gap for at in before_at for gap in range(1, NEGATION_BEFORE + 1)}
    ends_near = {at - gap for at in negations for gap in range(NEGATION_AFTER)}
    turned: set[Occurrence] = set()
    for occ in occurrences:
        if occ.concept in _NOT_TURNED or (
            occ.start not in starts_near and occ.end not in ends_near
        ):
            continue
        for at in range(max(0, occ.start - NEGATION_BEFORE), occ.start):
            if at in before_at and subjects.isdisjoint(range(at + 1, occ.start)):
                turned.add(occ)
                break
        else:
            for at in range(occ.end, occ.end + NEGATION_AFTER):
                if at in negation_at and clauses.isdisjoint(range(occ.end, at)):
                    turned.add(occ)
                    break
    return turned


@dataclass(frozen=True)
class Plan:
    """A rule ready to run on every message: its groups split once, its `unless` a set."""

    rule: Rule
    groups: tuple[tuple[str, ...], ...]
    unless: frozenset[str]

    @classmethod
    def of(cls, rule: Rule) -> Plan:
        return cls(rule, tuple(rule.groups()), frozenset(rule.unless))


def find(plan: Plan, by_concept: Mapping[str, Sequence[Occurrence]]) -> list[Occurrence] | None:
    """The occurrences of the first stretch that satisfies the rule, or None.

    Two pointers over the candidate occurrences sorted by position: for every right end, the
    left end moves up until the stretch is at most `within` words; if every group is then
    present, the rule fires. Linear in the number of candidates, also for 4,000 characters.
    """
    groups = plan.groups
    # Most rules miss a concept altogether: tell that before collecting anything (plain loops:
    # this runs for every rule and every message).
    for group in groups:
        for concept in group:
            if by_concept.get(concept):
                break
        else:
            return None
    items: list[tuple[int, int, Occurrence]] = []
    for index, group in enumerate(groups):
        for concept in group:
            for occ in by_concept.get(concept, ()):
                items.append((occ.start, index, occ))
    items.sort(key=lambda item: (item[0], item[1]))
    counts = [0] * len(groups)
    covered = 0
    left = 0
    for right, (start, index, _) in enumerate(items):
        if counts[index] == 0:
            covered += 1
        counts[index] += 1
        while start - items[left][0] > plan.rule.within:
            gone = items[left][1]
            counts[gone] -= 1
            if counts[gone] == 0:
                covered -= 1
            left += 1
        if covered == len(groups):
            return [occ for _, _, occ in items[left : right + 1]]
    return None
