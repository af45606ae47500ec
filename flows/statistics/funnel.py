"""The funnel: how many journeys started in the period reached each stage, how many stopped
before the next, and at which question of the intake those who stopped were."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from itertools import pairwise

from flows.statistics.cells import Nothing, hide, shown
from flows.statistics.facts import CaseTimes, Journey
from flows.statistics.table import Row, Table, counted

STAGES = (
    "started",  # answered the consent question, yes or no
    "consented",
    "finished",  # through the last question (or "talk now")
    "queued",
    "claimed",
    "first_coach_message",
    "second_conversation",
)
ANSWERS = ("answered", "skipped")
DOORWAY = "age"  # asked before the questions, after consent


def reached(journeys: Sequence[Journey]) -> list[int]:
    """How many journeys reached each stage but the last (which comes from the cases). A later
    stage implies the earlier ones, also when an earlier event was not counted."""
    counts = [
        len(journeys),
        sum(j.consented or j.finished or j.queued or j.claims > 0 for j in journeys),
        sum(j.finished or j.queued or j.claims > 0 for j in journeys),
        sum(j.queued or j.claims > 0 for j in journeys),
        sum(j.claims > 0 or j.first_message for j in journeys),
        sum(j.first_message for j in journeys),
    ]
    return counts


def funnel(journeys: Sequence[Journey], second: int) -> Table:
    """Each stage with the people who reached it and those who stopped there. A stage is the
    next one plus those who stopped, so small counts are hidden along each of those sums."""
    counts = [*reached(journeys), second]
    stopped = [max(a - b, 0) for a, b in pairwise(counts)]
    values = counts + stopped  # places: stage i at i, stopped after stage i at n + i
    n = len(counts)
    lines = [[i + 1, n + i, i] for i in range(n - 1)]
    cells = shown(values, hide(values, lines))
    rows = tuple(
        Row(stage, (cells[i], cells[n + i] if i < n - 1 else Nothing()))
        for i, stage in enumerate(STAGES)
    )
    return Table("funnel", ("people", "stopped"), rows)


def stops(journeys: Sequence[Journey], questions: Sequence[str]) -> Table:
    """Where the consented who did not finish stopped: the question after the last one they
    answered or skipped (the age question first)."""
    order = [DOORWAY, *questions]
    at = dict.fromkeys(order, 0)
    for journey in journeys:
        if journey.consented and not (journey.finished or journey.queued or journey.claims):
            at[order[min(journey.furthest + 1, len(order) - 1)]] += 1
    return counted("stops", ("people",), [(question, (at[question],)) for question in order])


def second_conversations(cases: Sequence[CaseTimes], zone: tzinfo) -> int:
    """Cases in which the coach wrote again on a later day (in the service's time zone) than
    their first message: the youngster came back for a second conversation."""
    return sum(
        1
        for case in cases
        if case.first_reply_at is not None
        and case.last_reply_at is not None
        and case.last_reply_at.astimezone(zone).date() > case.first_reply_at.astimezone(zone).date()
    )
