"""What happens once a coach has a case: coach changes per case, appointments kept and missed.
Counted per journey from the anonymous events, never per coach."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from flows.statistics.cells import Count, measure
from flows.statistics.facts import Journey, JourneyEvent
from flows.statistics.table import Row, Table, counted

# Written by the appointments work when a coach marks one; counted once those events exist.
APPOINTMENT_KINDS = {"appointment_done": "kept", "appointment_missed": "missed"}
CHANGES = ("0", "1", "2+")


def coach_changes(journeys: Sequence[Journey]) -> Table:
    """Cases by how often their coach changed: every claim after the first (after
    /andere_coach or a coach who left) and every accepted hand-over is a change."""
    changes = [j.claims - 1 + j.handovers for j in journeys if j.claims > 0]
    buckets = Counter(min(change, 2) for change in changes)
    table = counted("coach_changes", ("cases",), [(CHANGES[i], (buckets[i],)) for i in range(3)])
    mean = measure(
        sum(changes) / len(changes) if changes else None, "per_case", people=len(changes)
    )
    return Table(table.name, table.columns, (*table.rows, Row("mean", (mean,))))


def appointments(events: Sequence[JourneyEvent]) -> Table:
    """Appointments kept and missed in the period, with the total."""
    tally = Counter(APPOINTMENT_KINDS[e.kind] for e in events if e.kind in APPOINTMENT_KINDS)
    table = counted(
        "appointments", ("appointments",), [(k, (tally[k],)) for k in ("kept", "missed")]
    )
    return (
        table
        if tally
        else Table(
            table.name, table.columns, tuple(Row(row.label, (Count(0),)) for row in table.rows)
        )
    )
