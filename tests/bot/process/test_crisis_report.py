"""The report `klik crisis-eval` prints."""

from __future__ import annotations

import pytest

from bot.process.crisis_report import report_lines
from flows.content import Detector, load_content
from flows.crisis.evaluate import evaluate, parse_corpus
from tests.flows.crisis.test_evaluate import LINES


@pytest.fixture(scope="module")
def detector() -> Detector:
    return load_content().detector


def test_the_report_lists_every_miss_and_false_alarm_with_its_place(
    detector: Detector,
) -> None:
    lines = report_lines(evaluate(detector, parse_corpus(LINES, "x.tsv")))
    assert "  x.tsv:4  abuse/worry  ik vind mijn fiets niet meer" in lines
    assert any(line.startswith("  x.tsv:6  homeless_tonight/acute/") for line in lines)


def test_the_report_counts_worry_messages_answered_as_acute(detector: Detector) -> None:
    lines = report_lines(evaluate(detector, parse_corpus(LINES, "x.tsv")))
    assert "nl        worry        2   50.0 %  1/2 (0 as acute)" in lines
