"""The flood limit as written (flows/flood.py): the minute's count on the youngster's row, and
messages held for the coach in the case history until it is calm again. Never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from storage.models import Case, CaseMessage, Youngster, table_of

_youngsters = table_of(Youngster)
# Built once: building a statement costs more CPU than running a cached one.
_SAVE_FLOOD = (
    update(_youngsters)
    .where(_youngsters.c.id == bindparam("y"))
    .values(
        {name: bindparam(f"new_{name}") for name in ("flood_since", "flood_count", "flood_held")}
    )
)


async def save_flood(
    session: AsyncSession, *, youngster: Youngster, since: datetime | None, count: int, held: int
) -> None:
    """Keep the minute being counted on the youngster's row (locked by the caller)."""
    values = {"flood_since": since, "flood_count": count, "flood_held": held}
    await session.execute(
        _SAVE_FLOOD, {"y": youngster.id, **{f"new_{k}": v for k, v in values.items()}}
    )
    for name, value in values.items():
        set_committed_value(youngster, name, value)


async def hold_case_messages(
    session: AsyncSession, *, case_id: int, texts: list[str], now: datetime
) -> None:
    """Keep what a youngster wrote above the limit in their case, marked as not passed on."""
    rows = [
        {"case_id": case_id, "sender": "youngster", "text": text, "created_at": now, "held": True}
        for text in texts
    ]
    if rows:
        await session.execute(insert(table_of(CaseMessage)), rows)


async def take_held_messages(session: AsyncSession, *, youngster_id: str) -> list[str]:
    """The youngster's held messages, oldest first, now marked as passed on."""
    query = (
        select(col(CaseMessage.id), col(CaseMessage.text))
        .join(Case, col(Case.id) == col(CaseMessage.case_id))
        .where(col(Case.youngster_id) == youngster_id, col(CaseMessage.held).is_(True))
        .order_by(col(CaseMessage.id))
    )
    rows = (await session.execute(query)).all()
    if rows:
        await session.execute(
            update(CaseMessage)
            .where(col(CaseMessage.id).in_([row.id for row in rows]))
            .values(held=False)
        )
    return [row.text for row in rows]


async def calm_floods(session: AsyncSession, *, before: datetime, limit: int = 50) -> list[str]:
    """Youngsters with held messages whose flood minute began before `before`, locked (others
    skip them), with their flood ended: the release job passes their messages on."""
    query = (
        select(col(Youngster.id))
        .where(col(Youngster.flood_held) > 0, col(Youngster.flood_since) < before)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list((await session.execute(query)).scalars())
    if ids:
        await session.execute(
            update(Youngster).where(col(Youngster.id).in_(ids)).values(flood_held=0)
        )
    return ids
