"""Anonymous statistics: events with a random journey key, the hour, and categories only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from flows.state import Stat
from storage.models import StatEvent, table_of

# Built once, and inline: no id is read back (a single row would otherwise ask for it).
_INSERT = insert(table_of(StatEvent)).inline()


def to_the_hour(moment: datetime) -> datetime:
    """Coarsen a time to the hour, so an event cannot be matched to a message."""
    return moment.replace(minute=0, second=0, microsecond=0)


async def record_stats(
    session: AsyncSession, *, journey: str, at: datetime, stats: Sequence[Stat]
) -> None:
    """Add anonymous events for one journey (one statement, no ids read back)."""
    if not stats:
        return
    hour = to_the_hour(at)
    rows = [
        {
            "journey": journey,
            "hour": hour,
            "kind": stat.kind,
            "step": stat.step,
            "value": stat.value,
        }
        for stat in stats
    ]
    await session.execute(_INSERT, rows)
