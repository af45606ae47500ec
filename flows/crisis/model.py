"""A small linear model beside the rules: it hears signals in words nobody wrote a rule for.

The rules name what they found and stay the first judge; the model weighs every word piece of
a message against a labelled corpus (`klik crisis-train`), so "ik wil gewoon even stoppen met
bestaan" is heard although no rule holds "stoppen met bestaan". It runs here, in pure Python,
on the same normalised words as the rules, harmless idioms masked; no text ever leaves
the machine.

Features are word pieces (character 2- to 5-grams inside each word, with its edges), whole
words and word pairs, and skip pairs (two words with one or two others between them: "wil
... meer", "want ... die", which carry a wish or an intent across a filler or a negation), each
block weighted by sublinear term frequency times inverse document
frequency and scaled to unit length, as scikit-learn's TfidfVectorizer does. The weights file
holds, per feature, its idf and one weight per output: crisis or not, acute or worry, and one
per category.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain

from flows.crisis.lexicon import CATEGORIES
from flows.crisis.table import FeatureTable

CHAR_SIZES = range(2, 6)
OUTPUTS: tuple[str, ...] = ("crisis", "acute", *CATEGORIES)
_CHAR, _WORD, _SKIP = "c:", "w:", "s:"
BLOCKS = (_CHAR, _WORD, _SKIP)  # the feature blocks, each scaled to unit length on its own
SKIP_GAPS = (2, 3)  # a skip pair joins a word with the one two and three places on


def _grams(token: str) -> Iterator[str]:
    """A word's character n-grams with its edges."""
    padded = f" {token} "
    for size in CHAR_SIZES:
        for start in range(len(padded) - size + 1):
            yield _CHAR + padded[start : start + size]


def _words(tokens: list[str], negations: Iterable[int]) -> Counter[str]:
    """Word uni- and bigrams with their counts, a word beside a negation marked."""
    near_negation = _near(negations, len(tokens))
    in_order: list[str] = []
    for index, token in enumerate(tokens):
        in_order.append(_WORD + token)
        if index in near_negation:
            # "slaat" beside "niet" or "nooit" is another word than "slaat" alone.
            in_order.append(f"{_WORD}~{token}")
        if index:
            in_order.append(f"{_WORD}{tokens[index - 1]} {token}")
    # Counter counts in C and keeps the order features are first seen in, as a dict would:
    # the vector's order is the order its values are added up in, so it must not change.
    return Counter(in_order)


def _skips(tokens: list[str]) -> Counter[str]:
    """Skip pairs with their counts; zip stops at the shorter list, so the last `gap` words
    start no skip pair."""
    return Counter(
        f"{_SKIP}{word} {later}"
        for gap in SKIP_GAPS
        for word, later in zip(tokens, tokens[gap:], strict=False)
    )


NEGATION_REACH = 3  # words before and after a negation that it marks


def _near(negations: Iterable[int], length: int) -> set[int]:
    """Positions within NEGATION_REACH words of a negation (the lexicon's `not` concept); the
    model learns from the corpus what a negation does to them."""
    near: set[int] = set()
    for at in negations:
        near.update(range(max(0, at - NEGATION_REACH), min(length, at + NEGATION_REACH + 1)))
    return near - set(negations)


class _Sublinear(dict[int, float]):
    """1 + log(count), the sublinear term frequency, worked out once per count: most counts
    are 1, 2 or 3, and a table lookup is cheaper than a call to math.log. A count is at most
    a message's number of words, so the table stays small."""

    def __missing__(self, count: int) -> float:
        self[count] = value = 1.0 + math.log(count)
        return value


_SUBLINEAR = _Sublinear()


def feature_names(texts: Iterable[tuple[list[str], list[int]]]) -> list[dict[str, int]]:
    """Raw counts per text (given as its tokens and negation positions), for training."""
    return [
        {
            **Counter(chain.from_iterable(map(_grams, tokens))),
            **_words(tokens, negations),
            **_skips(tokens),
        }
        for tokens, negations in texts
    ]


@dataclass(frozen=True)
class Verdict:
    """What the model hears: how likely a crisis is, how likely acute, and which category."""

    crisis: float
    acute: float
    category: str


@dataclass(frozen=True)
class Stack:
    """How the model's voice and the rules' verdict add up, fitted by `klik crisis-train` on
    out-of-fold predictions: a signal when the combined probability reaches the alarm of the
    message's language (`alarm` for a language the corpus did not hold). Where an acute rule
    fired, the language's `acute_alarms` entry applies instead, when there is one: a means, a
    place or an act named with intent is the signal a miss costs most, so it gets its own,
    lower, threshold, chosen on the same false-alarm budget."""

    model: float  # weight of the model's log-odds
    acute_rule: float  # added when an acute rule fired
    worry_rule: float  # added when a worry rule fired
    bias: float
    alarm: float
    alarms: Mapping[str, float] = field(default_factory=dict)
    acute_alarms: Mapping[str, float] = field(default_factory=dict)

    def probability(self, heard: float, rule_level: str | None) -> float:
        """The combined probability of a crisis, given the model's and the rules' verdict."""
        score = self.bias + self.model * _log_odds(heard)
        if rule_level == "acute":
            score += self.acute_rule
        elif rule_level == "worry":
            score += self.worry_rule
        return _sigmoid(score)

    def signal(self, heard: float, rule_level: str | None, language: str = "") -> bool:
        """Whether the message is a crisis, given the model's probability and the rules."""
        alarm = self.alarms.get(language, self.alarm)
        if rule_level == "acute":
            alarm = self.acute_alarms.get(language, alarm)
        return self.probability(heard, rule_level) >= alarm


ROW = 1 + len(OUTPUTS)  # a feature's row: its idf, then one weight per output
TOKENS_REMEMBERED = 4096  # words whose word pieces' rows are kept: the same words come back
# all day long, and a bounded cache keeps a long-running worker's memory flat


class CrisisModel:
    """The weights of content/crisis-model.tsv, ready to score messages."""

    def __init__(self, table: FeatureTable, bias: tuple[float, ...], stack: Stack) -> None:
        self.table = table
        self.bias = bias
        self.stack = stack
        self._pieces = lru_cache(maxsize=TOKENS_REMEMBERED)(self._rows_of_pieces)

    @classmethod
    def parse(cls, lines: Iterable[str]) -> CrisisModel:
        """Read the weights file, tab-separated: a `bias` line (one value per output), a
        `stack` line (model, acute rule, worry rule, bias, alarm), an `alarm` line per language
        (language, alarm) and optionally an `acute_alarm` line per language (language, alarm
        where an acute rule fired), then one feature a line (feature, idf, one weight per
        output). Lines starting with "#" are comments. Raise ValueError naming the line when
        something is wrong."""
        table = FeatureTable(ROW)
        bias: tuple[float, ...] | None = None
        stack: Stack | None = None
        alarms: dict[str, float] = {}
        acute_alarms: dict[str, float] = {}
        for number, line in enumerate(lines, start=1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            try:
                if parts[0] == "stack":
                    if len(parts) != 6:
                        raise ValueError("stack needs 5 values")
                    model, acute, worry, bias_, alarm = map(float, parts[1:6])
                    stack = Stack(model, acute, worry, bias_, alarm)
                    continue
                if parts[0] in ("alarm", "acute_alarm"):
                    if len(parts) != 3:
                        raise ValueError(f"{parts[0]} needs a language and a value")
                    chosen = alarms if parts[0] == "alarm" else acute_alarms
                    chosen[parts[1]] = float(parts[2])
                    continue
                if parts[0] == "bias":
                    bias = tuple(float(value) for value in parts[1:])
                    if len(bias) != len(OUTPUTS):
                        raise ValueError(f"bias needs {len(OUTPUTS)} values")
                    continue
                if len(parts) != 1 + ROW:
                    raise ValueError(f"expected {1 + ROW} columns")
                table.add(parts[0], map(float, parts[1:]))
            except ValueError as error:
                raise ValueError(f"line {number}: {error}") from None
        if bias is None or stack is None:
            raise ValueError("no bias or stack line")
        table.seal()
        return cls(table, bias, replace(stack, alarms=alarms, acute_alarms=acute_alarms))

    def hear(self, tokens: list[str], negations: Iterable[int] = ()) -> Heard:
        """Score one message, given as its normalised tokens and where its negations stand."""
        return Heard(self, list(self.blocks(tokens, negations)))

    def _rows_of_pieces(self, token: str) -> tuple[int, ...]:
        """The rows of a word's character n-grams that the file holds, in their order."""
        row = self.table.row
        return tuple(found for gram in _grams(token) if (found := row(gram)) >= 0)

    def blocks(
        self, tokens: list[str], negations: Iterable[int]
    ) -> Iterator[tuple[dict[int, float], float]]:
        """Each block's weighted features (by row, those the file holds), and the length that
        scales it to one."""
        values, row = self.table.values, self.table.row
        idf = self.table.scales[0]  # a row's first value times this is its idf
        pieces = Counter(chain.from_iterable(map(self._pieces, tokens)))
        yield _scaled(
            {found: _SUBLINEAR[count] * values[found] * idf for found, count in pieces.items()}
        )
        for block in (_words(tokens, negations), _skips(tokens)):
            weighted: dict[int, float] = {}
            for name, count in block.items():
                if (found := row(name)) >= 0:
                    weighted[found] = _SUBLINEAR[count] * values[found] * idf
            yield _scaled(weighted)

    def scaled_score(self, blocks: Iterable[tuple[dict[int, float], float]], output: int) -> float:
        """One output's log-odds, added up from the weighted blocks and their lengths: the
        score of the unit-length vector, without building it."""
        total = 0.0
        values, column = self.table.values, 1 + output
        for weighted, norm in blocks:
            if norm:
                for found, value in weighted.items():
                    total += values[found + column] * (value / norm)
        return self.bias[output] + total * self.table.scales[column]


def _scaled(weighted: dict[int, float]) -> tuple[dict[int, float], float]:
    return weighted, math.sqrt(sum([value * value for value in weighted.values()]))


class Heard:
    """A scored message. Only the crisis probability is needed for every message; the acute
    probability only for a signal (a rule's worry is weighed with it), the category only when
    the model alone raises one, so those are computed on demand from the kept blocks (weighing
    the words is most of the work)."""

    def __init__(self, model: CrisisModel, blocks: list[tuple[dict[int, float], float]]) -> None:
        self._model = model
        self._blocks = blocks
        self.crisis = _sigmoid(model.scaled_score(blocks, 0))

    @property
    def acute(self) -> float:
        """How likely the message is acute; asked only of a message that raised a signal."""
        return _sigmoid(self._model.scaled_score(self._blocks, 1))

    def verdict(self) -> Verdict:
        model = self._model
        acute = self.acute
        by_category = [model.scaled_score(self._blocks, 2 + i) for i in range(len(CATEGORIES))]
        best = max(range(len(CATEGORIES)), key=lambda i: by_category[i])
        return Verdict(self.crisis, acute, CATEGORIES[best])


def _log_odds(probability: float) -> float:
    clipped = min(max(probability, 1e-6), 1 - 1e-6)
    return math.log(clipped / (1 - clipped))


def _sigmoid(score: float) -> float:
    if score < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-score))
