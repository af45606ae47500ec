"""Anonymous statistics: events with a random journey key, the hour, and categories only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.intake import Stat
from storage.models import StatEvent


def to_the_hour(moment: datetime) -> datetime:
    """Coarsen a time to the hour, so an event cannot be matched to a message."""
    return moment.replace(minute=0, second=0, microsecond=0)


async def record_stats(
    session: AsyncSession, *, journey: str, at: datetime, stats: Sequence[Stat]
) -> None:
    """Add anonymous events for one journey."""
    for stat in stats:
        session.add(
            StatEvent(
                journey=journey,
                hour=to_the_hour(at),
                kind=stat.kind,
                step=stat.step,
                value=stat.value,
            )
        )


async def count_events(session: AsyncSession) -> dict[str, int]:
    """How many events of each kind there are (a first figure; the dashboard comes later)."""
    query = select(col(StatEvent.kind), func.count()).group_by(col(StatEvent.kind))
    return {kind: count for kind, count in (await session.execute(query)).tuples()}
