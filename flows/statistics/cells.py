"""What a statistics cell can hold, and the rule that nobody can be picked out of a table.

A count under five is never shown: it comes back as `Small` ("< 5"). Where a row or column
total is shown, one hidden cell could be worked out by subtraction, so a second cell in that
line is hidden too (`Withheld`, complementary suppression), repeated until no line has exactly
one hidden entry. A figure made from fewer than five people (a median, a share) is `Small` too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 5  # counts below this are never shown


@dataclass(frozen=True)
class Count:
    """A count of five or more (or zero, which picks out nobody)."""

    value: int

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class Small:
    """Fewer than five people: shown as "< 5", never as the number."""

    def __str__(self) -> str:
        return "< 5"


@dataclass(frozen=True)
class Withheld:
    """Hidden only so that a shown total does not give away a small count beside it."""

    def __str__(self) -> str:
        return "*"


@dataclass(frozen=True)
class Amount:
    """A measure made from at least five people: hours, minutes or a percentage."""

    value: float
    unit: str  # hours | minutes | percent | per_case

    def __str__(self) -> str:
        if self.unit == "percent":
            return f"{self.value:.0f}%"
        return f"{self.value:.1f}"


@dataclass(frozen=True)
class Nothing:
    """No one to measure in the period (no small group: nobody at all)."""

    def __str__(self) -> str:
        return "-"


Cell = Count | Small | Withheld | Amount | Nothing
HIDDEN = (Small, Withheld)


def count(value: int) -> Count | Small:
    """One count on its own, with nothing beside it to subtract from."""
    return Small() if 0 < value < THRESHOLD else Count(value)


def measure(value: float | None, unit: str, *, people: int) -> Amount | Small | Nothing:
    """A figure about `people` persons: hidden when they are fewer than five."""
    if people == 0 or value is None:
        return Nothing()
    if people < THRESHOLD:
        return Small()
    return Amount(value, unit)


def share(part: int, whole: int) -> Amount | Small | Nothing:
    """`part` of `whole` as a percentage; hidden when either could pick someone out."""
    if whole == 0:
        return Nothing()
    if whole < THRESHOLD or 0 < part < THRESHOLD or 0 < whole - part < THRESHOLD:
        return Small()
    return Amount(100 * part / whole, "percent")


def hide(values: Sequence[int], lines: Sequence[Sequence[int]]) -> list[bool]:
    """Which of `values` to hide. Each line lists the places of a sum and its parts (the sum
    last): small counts first, then, wherever a line has exactly one hidden entry, the smallest
    count above zero among its parts, else its sum, until no line gives a hidden one away."""
    hidden = [0 < value < THRESHOLD for value in values]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[place] for place in line) != 1:
                continue
            parts = [(values[p], p) for p in line[:-1] if not hidden[p] and values[p]]
            if not parts and hidden[line[-1]]:
                continue  # every part is zero, the sum hides only itself: nothing to subtract
            hidden[min(parts)[1] if parts else line[-1]] = True
            changed = True
    return hidden


def shown(values: Sequence[int], hidden: Sequence[bool]) -> list[Count | Small | Withheld]:
    """Counts as cells: a hidden small count "< 5", a hidden complement "*"."""
    return [
        (Small() if 0 < value < THRESHOLD else Withheld()) if hide else Count(value)
        for value, hide in zip(values, hidden, strict=True)
    ]


def suppress(grid: Sequence[Sequence[int]]) -> list[list[Count | Small | Withheld]]:
    """A table of counts with its totals: the grid, each row with its total as the last
    column, and a last row of column totals (with the grand total), small counts and their
    complements hidden along every row and column."""
    rows = [[*row, sum(row)] for row in grid]
    width = len(rows[0]) if rows else 1
    rows.append([sum(row[i] for row in rows) for i in range(width)])
    height = len(rows)
    values = [value for row in rows for value in row]
    lines = [[r * width + c for c in range(width)] for r in range(height)]
    lines += [[r * width + c for r in range(height)] for c in range(width)]
    cells = shown(values, hide(values, lines))
    return [cells[r * width : (r + 1) * width] for r in range(height)]
