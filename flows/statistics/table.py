"""A statistics table as data: a title key, column names, labelled rows of cells; the one shape
every figure takes, so the command line, the CSV, the charts and the web pages show the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flows.statistics.cells import Cell, suppress

TOTAL = "total"


@dataclass(frozen=True)
class Row:
    label: str  # a code: a funnel stage, a question id, an age band, a week
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """One figure. `name` is also its text key (stats.<name>) and its file name."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    chart: str = "bar"  # bar | line: how the figure is drawn beside its table


def counted(
    name: str,
    columns: Sequence[str],
    grid: Sequence[tuple[str, Sequence[int]]],
    *,
    chart: str = "bar",
) -> Table:
    """A table of counts with row and column totals, small counts and their complements
    hidden (flows/statistics/cells.py)."""
    # One column needs no row totals: each would repeat its cell.
    names = (*columns, TOTAL) if len(columns) > 1 else tuple(columns)
    if not grid:
        return Table(name, names, (), chart)
    cells = suppress([list(values) for _, values in grid])
    labels = [label for label, _ in grid] + [TOTAL]
    rows = tuple(
        Row(label, tuple(row[: len(names)])) for label, row in zip(labels, cells, strict=True)
    )
    return Table(name, names, rows, chart)
