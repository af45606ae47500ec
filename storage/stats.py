"""Anonymous statistics: events with a random journey key, the hour, and categories only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from flows.state import Stat
from storage.deferred import insert_rows
from storage.models import StatEvent, table_of

# Built once, and inline: no id is read back (a single row would otherwise ask for it).
_EVENTS = table_of(StatEvent)
_INSERT = insert(_EVENTS).inline()


def to_the_hour(moment: datetime) -> datetime:
    """Coarsen a time to the hour, so an event cannot be matched to a message."""
    return moment.replace(minute=0, second=0, microsecond=0)


async def record_stats(
    session: AsyncSession, *, journey: str, at: datetime, stats: Sequence[Stat]
) -> None:
    """Add anonymous events for one journey (no ids read back; sent with the transaction's
    other kept writes, storage/deferred.py)."""
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
    await insert_rows(session, _EVENTS, rows, _INSERT)
