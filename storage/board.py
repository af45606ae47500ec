"""What the team lead's live board reads beyond the queue's figures (storage/queue.py):
the guard steps fired for the cases that wait. Counts come from the rules, never per person."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.case import QUEUED
from storage.models import Case, GuardStep


async def fired_steps(session: AsyncSession) -> list[tuple[int, str]]:
    """(case id, step) of every guard step that fired for a case still waiting."""
    query = (
        select(col(GuardStep.case_id), col(GuardStep.rung))
        .join(Case, col(Case.id) == col(GuardStep.case_id))
        .where(col(Case.state) == QUEUED, col(GuardStep.outcome) == "fired")
    )
    return [(int(case_id), str(rung)) for case_id, rung in (await session.execute(query)).all()]
