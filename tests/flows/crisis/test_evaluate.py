"""Measuring detection: reading a corpus, counting, the target, and the real test split."""

from __future__ import annotations

import pytest

from flows.crisis import CrisisDetector
from flows.crisis.evaluate import CorpusError, evaluate, parse_corpus, report_lines

LINES = [
    "# language\tlabel\tcategory\tlevel\ttext",
    "nl\tcrisis\tsuicide\tacute\tik sta op de brug en ik ga springen",
    "nl\tcrisis\tsuicide\tworry\tsoms wil ik niet meer leven",
    "nl\tcrisis\tabuse\tworry\tik vind mijn fiets niet meer",
    "nl\tnone\t-\t-\tik ga dood van het lachen",
    "nl\tnone\t-\t-\tik heb geen slaapplek vannacht",
]


def test_a_corpus_line_with_too_few_columns_is_refused_with_its_place() -> None:
    with pytest.raises(CorpusError, match=r"x.tsv:2: expected 5 tab-separated columns, found 2"):
        parse_corpus(["# header", "nl\tik wil dood"], "x.tsv")


def test_a_corpus_line_with_an_unknown_label_is_refused() -> None:
    with pytest.raises(CorpusError, match=r"x\.tsv:1: label, category or level is not known"):
        parse_corpus(["nl\tcrisis\tsuicide\turgent\tik wil dood"], "x.tsv")


def test_recall_false_alarms_misses_and_alarms_are_counted(detector: CrisisDetector) -> None:
    report = evaluate(detector, parse_corpus(LINES, "x.tsv"))
    nl = report.languages["nl"]
    assert (nl.crisis, nl.caught, nl.acute, nl.acute_caught) == (3, 2, 1, 1)
    assert (nl.everyday, nl.alarms) == (2, 1)
    assert [m.where for m in report.misses] == ["x.tsv:4"]
    assert [example.where for example, _ in report.alarms] == ["x.tsv:6"]
    assert not report.meets()


def test_the_report_lists_every_miss_and_false_alarm_with_its_place(
    detector: CrisisDetector,
) -> None:
    lines = report_lines(evaluate(detector, parse_corpus(LINES, "x.tsv")))
    assert "  x.tsv:4  abuse/worry  ik vind mijn fiets niet meer" in lines
    assert any(line.startswith("  x.tsv:6  homeless_tonight/acute/") for line in lines)
