"""Stored steps of the 24-hour guard, claimed by whichever worker runs the guard first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.db import insert_new
from storage.models import GuardStep, table_of


async def add_guard_steps(
    session: AsyncSession, *, case_id: int, steps: Sequence[tuple[str, datetime]]
) -> None:
    """Create a case's ladder, unless it has one already (one statement; steps already
    there stay as they are)."""
    if not steps:
        return
    rows = [{"case_id": case_id, "rung": rung, "due_at": due_at} for rung, due_at in steps]
    await session.execute(insert_new(session, table_of(GuardStep)), rows)


async def claim_due_steps(
    session: AsyncSession, *, now: datetime, limit: int = 50
) -> list[GuardStep]:
    """Due steps not done yet, oldest first, locked so no other worker takes them."""
    query = (
        select(GuardStep)
        .where(col(GuardStep.done_at).is_(None), col(GuardStep.due_at) <= now)
        .order_by(col(GuardStep.due_at), col(GuardStep.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(query)).scalars())


async def mark_step_done(
    session: AsyncSession, *, step_id: int, outcome: str, now: datetime
) -> None:
    """A step was taken (fired or skipped): it never fires again."""
    await session.execute(
        update(GuardStep).where(col(GuardStep.id) == step_id).values(done_at=now, outcome=outcome)
    )
