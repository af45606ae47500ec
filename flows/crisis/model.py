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
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain

from flows.crisis.lexicon import CATEGORIES

CHAR_SIZES = range(2, 6)
OUTPUTS: tuple[str, ...] = ("crisis", "acute", *CATEGORIES)
_CHAR, _WORD, _SKIP = "c:", "w:", "s:"
BLOCKS = (_CHAR, _WORD, _SKIP)  # the feature blocks, each scaled to unit length on its own
SKIP_GAPS = (2, 3)  # a skip pair joins a word with the one two and three places on


@lru_cache(maxsize=50_000)
def _grams(token: str) -> tuple[str, ...]:
    """A word's character n-grams with its edges; the same words come back all day long."""
    padded = f" {token} "
    return tuple(
        _CHAR + padded[start : start + size]
        for size in CHAR_SIZES
        for start in range(len(padded) - size + 1)
    )


def _counts(
    tokens: list[str], negations: Iterable[int]
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Character n-grams inside padded words, word uni- and bigrams, and skip pairs, with their
    counts: three blocks, each scaled to unit length on its own."""
    # Counter counts in C and keeps the order features are first seen in, as a dict would:
    # the vector's order is the order its values are added up in, so it must not change.
    chars = Counter(chain.from_iterable(map(_grams, tokens)))
    near_negation = _near(negations, len(tokens))
    in_order: list[str] = []
    for index, token in enumerate(tokens):
        in_order.append(_WORD + token)
        if index in near_negation:
            # "slaat" beside "niet" or "nooit" is another word than "slaat" alone.
            in_order.append(f"{_WORD}~{token}")
        if index:
            in_order.append(f"{_WORD}{tokens[index - 1]} {token}")
    words = Counter(in_order)
    # zip stops at the shorter list: the last `gap` words start no skip pair.
    skips = Counter(
        f"{_SKIP}{word} {later}"
        for gap in SKIP_GAPS
        for word, later in zip(tokens, tokens[gap:], strict=False)
    )
    return chars, words, skips


NEGATION_REACH = 3  # words before and after a negation that it marks


def _near(negations: Iterable[int], length: int) -> set[int]:
    """Positions within NEGATION_REACH words of a negation (the lexicon's `not` concept); the
    model learns from the corpus what a negation does to them."""
    near: set[int] = set()
    for at in negations:
        near.update(range(max(0, at - NEGATION_REACH), min(length, at + NEGATION_REACH + 1)))
    return near - set(negations)


def _blocks(
    tokens: list[str], negations: Iterable[int], idf: Mapping[str, float]
) -> Iterator[tuple[dict[str, float], float]]:
    """Each block's weighted features (those in `idf`), and the length that scales it to one."""
    for block in _counts(tokens, negations):
        weighted = {
            feature: _SUBLINEAR[count] * weight
            for feature, count in block.items()
            if (weight := idf.get(feature)) is not None
        }
        yield weighted, math.sqrt(sum([value * value for value in weighted.values()]))


def features(
    tokens: list[str], negations: Iterable[int], idf: Mapping[str, float]
) -> dict[str, float]:
    """The weighted, unit-length feature vector of a text (features outside `idf` dropped)."""
    vector: dict[str, float] = {}
    for weighted, norm in _blocks(tokens, negations, idf):
        if norm:
            vector.update({feature: value / norm for feature, value in weighted.items()})
    return vector


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
    result = []
    for tokens, negations in texts:
        chars, words, skips = _counts(tokens, negations)
        result.append({**chars, **words, **skips})
    return result


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


class Weights:
    """Every feature's weights in one flat array of doubles, a feature's row found by its name:
    a tuple of float objects per feature would hold some 20 MB more for the same numbers,
    which every worker process carries."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.values = array("d")

    def add(self, feature: str, weights: list[float]) -> None:
        self.rows[feature] = len(self.values)
        self.values.extend(weights)


class CrisisModel:
    """The weights of content/crisis-model.tsv, ready to score messages."""

    def __init__(
        self,
        idf: dict[str, float],
        weights: Weights,
        bias: tuple[float, ...],
        stack: Stack,
    ) -> None:
        self.idf = idf
        self.weights = weights
        self.bias = bias
        self.stack = stack

    @classmethod
    def parse(cls, lines: Iterable[str]) -> CrisisModel:
        """Read the weights file, tab-separated: a `bias` line (one value per output), a
        `stack` line (model, acute rule, worry rule, bias, alarm), an `alarm` line per language
        (language, alarm) and optionally an `acute_alarm` line per language (language, alarm
        where an acute rule fired), then one feature a line (feature, idf, one weight per
        output). Lines starting with "#" are comments. Raise ValueError naming the line when
        something is wrong."""
        idf: dict[str, float] = {}
        weights = Weights()
        same: dict[float, float] = {}  # one float object per idf value: few distinct ones
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
                if len(parts) != 2 + len(OUTPUTS):
                    raise ValueError(f"expected {2 + len(OUTPUTS)} columns")
                value = float(parts[1])
                idf[parts[0]] = same.setdefault(value, value)
                weights.add(parts[0], [float(value) for value in parts[2:]])
            except ValueError as error:
                raise ValueError(f"line {number}: {error}") from None
        if bias is None or stack is None:
            raise ValueError("no bias or stack line")
        return cls(idf, weights, bias, replace(stack, alarms=alarms, acute_alarms=acute_alarms))

    def hear(self, tokens: list[str], negations: Iterable[int] = ()) -> Heard:
        """Score one message, given as its normalised tokens and where its negations stand."""
        return Heard(self, tokens, list(negations))

    def crisis_score(self, tokens: list[str], negations: Iterable[int]) -> float:
        """`score(features(tokens, negations, idf), 0)` without building the vector: every
        message needs this one output, so it is added up as the blocks are scaled, with the
        same numbers in the same order (the same float, to the last bit)."""
        return self.scaled_score(_blocks(tokens, negations, self.idf), 0)

    def scaled_score(self, blocks: Iterable[tuple[dict[str, float], float]], output: int) -> float:
        """One output's log-odds, added up from the weighted blocks and their lengths."""
        total = self.bias[output]
        rows, values = self.weights.rows, self.weights.values
        # A feature's row starts at rows[feature]; its outputs follow in OUTPUTS order. The
        # crisis output (0), asked of every message, is added up without the offset.
        for weighted, norm in blocks:
            if not norm:
                continue
            if output:
                for feature, value in weighted.items():
                    total += values[rows[feature] + output] * (value / norm)
            else:
                for feature, value in weighted.items():
                    total += values[rows[feature]] * (value / norm)
        return total

    def score(self, vector: Mapping[str, float], output: int) -> float:
        """One output's log-odds for a feature vector."""
        total = self.bias[output]
        # A feature's row starts at rows[feature]; its outputs follow in OUTPUTS order.
        rows, values = self.weights.rows, self.weights.values
        for feature, value in vector.items():
            total += values[rows[feature] + output] * value
        return total


class Heard:
    """A scored message. Only the crisis probability is needed for every message; the acute
    probability only for a signal (a rule's worry is weighed with it), the category only when
    the model alone raises one, so those are computed on demand."""

    def __init__(self, model: CrisisModel, tokens: list[str], negations: list[int]) -> None:
        self._model = model
        self._tokens = tokens
        self._negations = negations
        # Kept: weighing the words is most of the work, and `acute` adds up the same blocks.
        self._blocks = list(_blocks(tokens, negations, model.idf))
        self.crisis = _sigmoid(model.scaled_score(self._blocks, 0))

    @property
    def acute(self) -> float:
        """How likely the message is acute; asked only of a message that raised a signal."""
        return _sigmoid(self._model.scaled_score(self._blocks, 1))

    def verdict(self) -> Verdict:
        vector = features(self._tokens, self._negations, self._model.idf)
        acute = _sigmoid(self._model.score(vector, 1))
        by_category = [self._model.score(vector, 2 + i) for i in range(len(CATEGORIES))]
        best = max(range(len(CATEGORIES)), key=lambda i: by_category[i])
        return Verdict(self.crisis, acute, CATEGORIES[best])


def _log_odds(probability: float) -> float:
    clipped = min(max(probability, 1e-6), 1 - 1e-6)
    return math.log(clipped / (1 - clipped))


def _sigmoid(score: float) -> float:
    if score < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-score))
