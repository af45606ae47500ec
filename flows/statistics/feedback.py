""" "Klikte het?" in the figures: the answers of the weeks a period touches, per week and per
language, small counts hidden with their complements. Answers are kept per week only
(flows/feedback.py), so a week counts wholly in every period it touches."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flows.feedback import ANSWERS
from flows.statistics.table import Table, counted

# What storage hands over: (week's Monday, language, answer) -> answers.
FeedbackCounts = Mapping[tuple[date, str, str], int]


def _grid(counts: FeedbackCounts, key: int) -> list[tuple[str, tuple[int, ...]]]:
    """Rows by the week (key 0) or the language (key 1), a column per answer."""
    rows: dict[str, dict[str, int]] = {}
    for parts, number in sorted(counts.items()):
        label = parts[0].isoformat() if key == 0 else str(parts[1])
        row = rows.setdefault(label, dict.fromkeys(ANSWERS, 0))
        if parts[2] in row:
            row[parts[2]] += number
    return [(label, tuple(row[a] for a in ANSWERS)) for label, row in rows.items()]


def feedback_weeks(counts: FeedbackCounts) -> Table:
    """Per week (its Monday), how many answered good, okay and bad."""
    return counted("feedback", ANSWERS, _grid(counts, 0))


def feedback_languages(counts: FeedbackCounts) -> Table:
    """Over the same weeks, the answers per language the youngsters chose."""
    return counted("feedback_language", ANSWERS, _grid(counts, 1))
