"""Whom Klik reaches, beside whom it is for: per group (age band, school or work, housing,
region, language, how they found us) the people, their share, and the share intended."""

from __future__ import annotations

from collections.abc import Mapping

from flows.statistics.cells import Amount, Cell, Count, Nothing
from flows.statistics.table import TOTAL, Row, Table, counted

UNANSWERED = "unanswered"


def reach(dimension: str, counts: Mapping[str | None, int], intended: Mapping[str, float]) -> Table:
    """One group's table: categories seen or intended, those not answered last."""
    categories = sorted({*(c for c in counts if c is not None), *intended})
    grid = [(category, (counts.get(category, 0),)) for category in categories]
    if counts.get(None):
        grid.append((UNANSWERED, (counts[None],)))
    people = counted(f"reach.{dimension}", ("people",), grid)
    total = sum(counts.values())
    rows = []
    for row in people.rows:
        cell = row.cells[0]
        # A share of a hidden count is hidden the same way; of a shown one, it is safe.
        part: Cell = (
            Amount(100 * cell.value / total, "percent")
            if (isinstance(cell, Count) and total)
            else (cell if not isinstance(cell, Count) else Nothing())
        )
        target: Cell = (
            Amount(intended[row.label], "percent") if row.label in intended else Nothing()
        )
        if row.label == TOTAL:
            target = Amount(sum(intended.values()), "percent") if intended else Nothing()
        rows.append(Row(row.label, (cell, part, target)))
    return Table(f"reach.{dimension}", ("people", "share", "target"), tuple(rows))
