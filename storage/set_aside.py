"""Updates set aside: ones that failed the same way several times, kept by id and kind (never
their text) so an operator can see what was skipped, while everyone else is served."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SetAsideUpdate


async def set_aside(
    session: AsyncSession, *, event_id: str, kind: str, reason: str, now: datetime
) -> bool:
    """Keep an update as set aside; False when it already was (a redelivery after a crash)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(SetAsideUpdate)
        .values(event_id=event_id, kind=kind[:32], reason=reason[:64], set_aside_at=now)
        .on_conflict_do_nothing()
    )
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0) == 1
