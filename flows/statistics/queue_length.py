"""The queue over time: how many cases waited for a coach at noon (service time zone) on each
day of the period, and the most that waited at once that day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta, tzinfo

from flows.statistics.cells import count
from flows.statistics.facts import CaseTimes, Period
from flows.statistics.table import Row, Table


def changes(cases: Sequence[CaseTimes]) -> list[tuple[datetime, int]]:
    """+1 when a case joins the queue, -1 when it is claimed or closed, leavers first at a tie
    (a case claimed at a moment no longer waits at it)."""
    steps: list[tuple[datetime, int]] = []
    for case in cases:
        steps.append((case.queued_at, 1))
        ends = [moment for moment in (case.claimed_at, case.closed_at) if moment is not None]
        if ends:
            steps.append((min(ends), -1))
    return sorted(steps)


def queue_length(cases: Sequence[CaseTimes], period: Period, zone: tzinfo) -> Table:
    """One row per day: waiting at noon, and the longest the queue was that day."""
    steps = changes(cases)
    place, waiting, rows = 0, 0, []
    day = period.start.astimezone(zone).date()
    last = (period.end - timedelta(microseconds=1)).astimezone(zone).date()
    while day <= last:
        start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        noon = datetime.combine(day, time(12), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
        while place < len(steps) and steps[place][0] < start:
            waiting += steps[place][1]
            place += 1
        longest = waiting
        at_noon = None
        while place < len(steps) and steps[place][0] < end:
            if at_noon is None and steps[place][0] > noon:
                at_noon = waiting
            waiting += steps[place][1]
            longest = max(longest, waiting)
            place += 1
        rows.append(
            Row(day.isoformat(), (count(waiting if at_noon is None else at_noon), count(longest)))
        )
        day += timedelta(days=1)
    return Table("queue_length", ("at_noon", "longest"), tuple(rows), chart="line")
