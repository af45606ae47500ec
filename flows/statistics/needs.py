"""Needs per domain: how the youngsters who started in the period scored each check-in domain
on the five-point scale (1-2 a need, 3 so-so, 4-5 fine) or skipped it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flows.statistics.table import Table, counted

COLUMNS = ("need", "so_so", "fine", "skipped")
BANDS = {"1": "need", "2": "need", "3": "so_so", "4": "fine", "5": "fine", "skip": "skipped"}


def needs(answers: Mapping[tuple[str, str], int], domains: Sequence[str]) -> Table:
    """One row per check-in domain. `answers`: (domain, scale value or "skip") -> journeys
    that gave it."""
    grid = []
    for domain in domains:
        row = dict.fromkeys(COLUMNS, 0)
        for (step, value), people in answers.items():
            if step == domain and value in BANDS:
                row[BANDS[value]] += people
        grid.append((domain, tuple(row[c] for c in COLUMNS)))
    return counted("needs", COLUMNS, grid)
