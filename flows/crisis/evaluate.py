"""Measuring the detector on a labelled corpus: recall and false alarms per language.

A corpus file has one message a line, five tab-separated columns: language, label (crisis or
none), category and level (both "-" for none), and the text. Lines starting with "#" are
comments. A crisis message counts as caught at either level, because both answers show the
help lines and ask directly about safety; an acute message must be caught, whatever level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from flows.crisis.decision import CrisisHit
from flows.crisis.lexicon import CATEGORIES, LEVELS

RECALL_TARGET = 0.95  # issue 12: per language, on the held-out split
FALSE_ALARM_TARGET = 0.05


class Detector(Protocol):
    """Whatever finds crisis signals: the rules alone, or the rules with the model."""

    def detect(self, text: str) -> CrisisHit | None: ...


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    language: str
    crisis: bool
    category: str | None
    level: str | None
    text: str
    where: str  # file:line, to find it again


class CorpusError(ValueError):
    """A corpus line that cannot be read, with where it is."""


def parse_corpus(lines: Iterable[str], name: str) -> list[Example]:
    """Read a corpus file's lines; raise CorpusError naming the first bad line."""
    examples: list[Example] = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{name}:{number}"
        parts = line.split("\t")
        if len(parts) != 5:
            raise CorpusError(f"{where}: expected 5 tab-separated columns, found {len(parts)}")
        language, label, category, level, text = parts
        if label == "none":
            examples.append(Example(language, False, None, None, text, where))
        elif label == "crisis" and category in CATEGORIES and level in LEVELS:
            examples.append(Example(language, True, category, level, text, where))
        else:
            raise CorpusError(f"{where}: label, category or level is not known")
    return examples


@dataclass
class Tally:
    """Counts for one slice of the corpus."""

    crisis: int = 0
    caught: int = 0
    acute: int = 0
    acute_caught: int = 0
    acute_as_acute: int = 0
    worry_as_acute: int = 0  # a worry answered as acute: every coach and team lead alerted
    everyday: int = 0
    alarms: int = 0

    @property
    def recall(self) -> float:
        return self.caught / self.crisis if self.crisis else 1.0

    @property
    def false_alarms(self) -> float:
        return self.alarms / self.everyday if self.everyday else 0.0


@dataclass
class Report:
    """Everything `klik crisis-eval` prints, and whether the targets are met."""

    languages: dict[str, Tally] = field(default_factory=dict)
    categories: dict[tuple[str, str], Tally] = field(default_factory=dict)
    levels: dict[tuple[str, str], Tally] = field(default_factory=dict)
    misses: list[Example] = field(default_factory=list)
    alarms: list[tuple[Example, CrisisHit]] = field(default_factory=list)

    def meets(
        self, recall: float = RECALL_TARGET, false_alarms: float = FALSE_ALARM_TARGET
    ) -> bool:
        """Per language: recall and false alarms on target, and every acute message caught."""
        return all(
            t.recall >= recall and t.false_alarms <= false_alarms and t.acute_caught == t.acute
            for t in self.languages.values()
        )


def evaluate(detector: Detector, examples: Iterable[Example]) -> Report:
    """Run the detector over every example and count."""
    report = Report()
    for example in examples:
        hit = detector.detect(example.text)
        tally = report.languages.setdefault(example.language, Tally())
        if not example.crisis:
            tally.everyday += 1
            if hit is not None:
                tally.alarms += 1
                report.alarms.append((example, hit))
            continue
        assert example.category is not None and example.level is not None
        slices = (
            tally,
            report.categories.setdefault((example.language, example.category), Tally()),
            report.levels.setdefault((example.language, example.level), Tally()),
        )
        for part in slices:
            part.crisis += 1
            part.caught += hit is not None
            if example.level == "acute":
                part.acute += 1
                part.acute_caught += hit is not None
                part.acute_as_acute += hit is not None and hit.acute
            else:
                part.worry_as_acute += hit is not None and hit.acute
        if hit is None:
            report.misses.append(example)
    return report
