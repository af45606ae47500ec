"""The block list as written (flows/coaching/block.py): on the youngster's own row, so erasing
them erases it too. Functions never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import Youngster


async def block_youngster(
    session: AsyncSession, *, youngster_id: str, staff_id: int, reason: str, at: datetime
) -> None:
    """Block a youngster; they are told once, with their next message."""
    await session.execute(
        update(Youngster)
        .where(col(Youngster.id) == youngster_id)
        .values(blocked_at=at, blocked_by=staff_id, block_reason=reason, block_told=False)
    )


async def unblock_youngster(session: AsyncSession, *, youngster_id: str) -> None:
    """Undo a block; nothing of it is kept."""
    await session.execute(
        update(Youngster)
        .where(col(Youngster.id) == youngster_id)
        .values(blocked_at=None, blocked_by=None, block_reason=None, block_told=False)
    )


async def note_block_told(session: AsyncSession, *, youngster_id: str) -> None:
    """The blocked youngster got their one answer."""
    await session.execute(
        update(Youngster).where(col(Youngster.id) == youngster_id).values(block_told=True)
    )


async def youngster_named(session: AsyncSession, *, pseudonym: str) -> Youngster | None:
    """The youngster a team lead names, ignoring case (Sam-4821 or sam-4821)."""
    query = select(Youngster).where(func.lower(col(Youngster.pseudonym)) == pseudonym.lower())
    return (await session.execute(query)).scalar_one_or_none()
