"""How long youngsters wait: from the queue to a claim and to the coach's first message.
Median and 90th percentile in clock hours, the median in service hours, the share within
24 hours and the share within 30 minutes of service time (flows/hours.py)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import timedelta, tzinfo

from flows.hours import OpenClock, ServiceHours
from flows.statistics.cells import Amount, Cell, Nothing, count, measure, share
from flows.statistics.facts import CaseTimes
from flows.statistics.table import Row, Table

HOUR = timedelta(hours=1)
DAY = timedelta(hours=24)
QUICK = timedelta(minutes=30)  # of service time
COLUMNS = (
    "cases",
    "median_hours",
    "p90_hours",
    "median_service_hours",
    "within_24h",
    "within_30min_service",
)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with `fraction` of them at or below."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def waits(
    cases: Sequence[CaseTimes], which: str, hours: ServiceHours, zone: tzinfo
) -> tuple[Cell, ...]:
    """The row of figures for one wait: `which` is "claim" or "first_reply"."""
    pairs = [
        (case.queued_at, end)
        for case in cases
        if (end := case.claimed_at if which == "claim" else case.first_reply_at) is not None
    ]
    clock = [(end - start) / HOUR for start, end in pairs]
    service: list[float] = []
    if pairs:
        # The open time of every day the waits span, counted once (not once per wait).
        first = min(start for start, _ in pairs).astimezone(zone).date()
        last = max(end for _, end in pairs).astimezone(zone).date()
        open_clock = OpenClock(hours, zone, first, last)
        service = [open_clock.between(start, end) / HOUR for start, end in pairs]
    people = len(clock)
    return (
        count(len(cases)),
        measure(statistics.median(clock) if clock else None, "hours", people=people),
        measure(percentile(clock, 0.9) if clock else None, "hours", people=people),
        measure(statistics.median(service) if service else None, "hours", people=people),
        share(sum(wait <= DAY / timedelta(hours=1) for wait in clock), len(cases)),
        share(sum(wait <= QUICK / timedelta(hours=1) for wait in service), len(cases)),
    )


def timing(
    cases: Sequence[CaseTimes],
    hours: ServiceHours,
    zone: tzinfo,
    aims: dict[str, float],
) -> Table:
    """The waits beside the team's aims (`aims`: column -> target, flows/statistics/targets)."""
    target = tuple(
        Amount(aims[column], "percent" if column.startswith("within") else "hours")
        if column in aims
        else Nothing()
        for column in COLUMNS
    )
    rows = (
        Row("claim", waits(cases, "claim", hours, zone)),
        Row("first_reply", waits(cases, "first_reply", hours, zone)),
        Row("target_first_reply", target),
    )
    return Table("timing", COLUMNS, rows)
