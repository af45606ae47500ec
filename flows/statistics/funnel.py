"""The funnel: how many journeys started in the period reached each stage, how many stopped
before the next, and at which question of the intake those who stopped were."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import tzinfo
from itertools import pairwise

from flows.statistics.cells import Nothing, hide, shown
from flows.statistics.facts import CaseTimes, JourneyEvent
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
ANSWERS = frozenset({"answered", "skipped"})
DOORWAY = "age"  # asked before the questions, after consent


def reached(events: Iterable[JourneyEvent], questions: Sequence[str]) -> dict[str, set[str]]:
    """The journeys that reached each stage but the last (which comes from the cases)."""
    stages: dict[str, set[str]] = {stage: set() for stage in STAGES[:-1]}
    last = questions[-1] if questions else None
    for event in events:
        if event.kind in ("consent_given", "consent_declined"):
            stages["started"].add(event.journey)
        if event.kind == "consent_given":
            stages["consented"].add(event.journey)
        finished = event.kind in ("talk_now", "queued") or (
            event.kind in ANSWERS and event.step == last
        )
        if finished:
            stages["finished"].add(event.journey)
        if event.kind == "queued":
            stages["queued"].add(event.journey)
        if event.kind == "claimed":
            stages["claimed"].add(event.journey)
        if event.kind == "coach_first_message":
            stages["first_coach_message"].add(event.journey)
    # A later stage implies the earlier ones, also for a journey whose first events fell
    # before the period's first hour was counted.
    for earlier, later in pairwise(STAGES[:-1]):
        stages[earlier] |= stages[later]
    return stages


def funnel(events: Sequence[JourneyEvent], questions: Sequence[str], second: int) -> Table:
    """Each stage with the people who reached it and those who stopped there. A stage is the
    next one plus those who stopped, so small counts are hidden along each of those sums."""
    stages = reached(events, questions)
    counts = [len(stages[stage]) for stage in STAGES[:-1]] + [second]
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


def stops(events: Sequence[JourneyEvent], questions: Sequence[str]) -> Table:
    """Where the consented who did not finish stopped: the question after the last one they
    answered or skipped (the age question first)."""
    order = [DOORWAY, *questions]
    stages = reached(events, questions)
    furthest: dict[str, int] = {}
    for event in events:
        if event.kind in ANSWERS and event.step in order:
            place = order.index(event.step)
            furthest[event.journey] = max(furthest.get(event.journey, -1), place)
    at = dict.fromkeys(order, 0)
    for journey in stages["consented"] - stages["finished"]:
        place = min(furthest.get(journey, -1) + 1, len(order) - 1)
        at[order[place]] += 1
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
