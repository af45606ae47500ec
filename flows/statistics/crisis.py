"""Crisis signals per week (ISO week of the hour they were counted), per category."""

from __future__ import annotations

from collections.abc import Sequence

from flows.statistics.facts import JourneyEvent
from flows.statistics.table import Table, counted


def week_of(event: JourneyEvent) -> str:
    year, week, _ = event.hour.isocalendar()
    return f"{year}-W{week:02d}"


def crisis_weeks(events: Sequence[JourneyEvent], categories: Sequence[str]) -> Table:
    """Signals seen, one row per week that had any, one column per category."""
    signals = [event for event in events if event.kind == "crisis"]
    known = list(categories) + sorted({e.value or "other" for e in signals} - set(categories))
    weeks = sorted({week_of(event) for event in signals})
    grid = [
        (
            week,
            tuple(
                sum(1 for e in signals if week_of(e) == week and (e.value or "other") == c)
                for c in known
            ),
        )
        for week in weeks
    ]
    return counted("crisis", tuple(known), grid, chart="line")
