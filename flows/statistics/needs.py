"""Needs per domain: how the youngsters who started in the period scored each check-in domain
on the five-point scale (1-2 a need, 3 so-so, 4-5 fine) or skipped it."""

from __future__ import annotations

from collections.abc import Sequence

from flows.statistics.facts import JourneyEvent
from flows.statistics.table import Table, counted

COLUMNS = ("need", "so_so", "fine", "skipped")
BANDS = {"1": "need", "2": "need", "3": "so_so", "4": "fine", "5": "fine"}


def needs(events: Sequence[JourneyEvent], domains: Sequence[str]) -> Table:
    """One row per check-in domain; a journey's last answer to a domain counts."""
    latest: dict[tuple[str, str], str] = {}
    for event in sorted(events, key=lambda e: e.hour):
        if event.step is None or event.step not in domains:
            continue
        if event.kind == "skipped":
            latest[(event.journey, event.step)] = "skipped"
        elif event.kind == "answered" and event.value in BANDS:
            latest[(event.journey, event.step)] = BANDS[event.value]
    grid = []
    for domain in domains:
        row = dict.fromkeys(COLUMNS, 0)
        for (_, step), column in latest.items():
            if step == domain:
                row[column] += 1
        grid.append((domain, tuple(row[c] for c in COLUMNS)))
    return counted("needs", COLUMNS, grid)
