"""A case's life as written: each verb one statement in the caller's transaction.

The states come from the case machine (flows/case.py) through the staff-side rules; a verb
that moves a case names the state it expects, so a case another worker moved meanwhile is
not overwritten (the verb returns False and the caller rolls back).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import Case, CaseMessage, Contact, Staff, Youngster
from storage.queue import drop_case_plans


async def _move(session: AsyncSession, case_id: int, before: str, **values: object) -> bool:
    result = await session.execute(
        update(Case)
        .where(col(Case.id) == case_id, col(Case.state) == before)
        .values(**values)
        .returning(col(Case.id))
    )
    return result.scalar_one_or_none() is not None


async def move_case(session: AsyncSession, *, case_id: int, before: str, state: str) -> bool:
    """Pause or resume: only the state changes."""
    return await _move(session, case_id, before, state=state)


async def close_case(
    session: AsyncSession, *, case_id: int, before: str, state: str, reason: str, at: datetime
) -> bool:
    """Closed by the coach, with one of the reasons statistics count."""
    return await _move(session, case_id, before, state=state, close_reason=reason, closed_at=at)


async def reopen_case(session: AsyncSession, *, case_id: int, before: str, state: str) -> bool:
    """The youngster wrote after a close: with the same coach again."""
    return await _move(session, case_id, before, state=state, closed_at=None, close_reason=None)


async def requeue_case(
    session: AsyncSession,
    *,
    case_id: int,
    before: str,
    state: str,
    queued_at: datetime,
    deadline: datetime,
) -> bool:
    """Back in the queue before the others with a fresh promise; no coach, no hand-over, and
    who was offered it and its guard ladder forgotten."""
    moved = await _move(
        session,
        case_id,
        before,
        state=state,
        coach_id=None,
        previous_coach_id=None,
        handover_to=None,
        closed_at=None,
        close_reason=None,
        priority=True,
        queued_at=queued_at,
        deadline=deadline,
    )
    if moved:
        await drop_case_plans(session, case_id=case_id)
    return moved


async def take_over(
    session: AsyncSession,
    *,
    case_id: int,
    before: str,
    state: str,
    coach_id: int,
    previous_coach_id: int,
) -> bool:
    """A colleague accepted a hand-over; the previous coach reads along until they wrote."""
    return await _move(
        session,
        case_id,
        before,
        state=state,
        coach_id=coach_id,
        previous_coach_id=previous_coach_id,
        handover_to=None,
    )


async def ask_handover(session: AsyncSession, *, case_id: int, to: int) -> None:
    """A colleague is asked to take over (until they accept, nothing else changes)."""
    await session.execute(update(Case).where(col(Case.id) == case_id).values(handover_to=to))


async def decline_handover(session: AsyncSession, *, case_id: int, staff_id: int) -> bool:
    """The colleague asked says no; False when they were not (or no longer) the one asked."""
    result = await session.execute(
        update(Case)
        .where(col(Case.id) == case_id, col(Case.handover_to) == staff_id)
        .values(handover_to=None)
    )
    return bool(getattr(result, "rowcount", 0))


async def end_handover(session: AsyncSession, *, case_id: int) -> None:
    """The new coach wrote: the previous one steps out."""
    await session.execute(
        update(Case).where(col(Case.id) == case_id).values(previous_coach_id=None)
    )


async def set_current_case(session: AsyncSession, *, staff_id: int, case_id: int | None) -> None:
    """The conversation a staff member's plain messages go to."""
    await session.execute(
        update(Staff).where(col(Staff.id) == staff_id).values(current_case_id=case_id)
    )


async def add_case_note(
    session: AsyncSession,
    *,
    case_id: int,
    sender: str,
    text: str,
    at: datetime,
    staff_id: int | None = None,
) -> None:
    """A line in a case's history."""
    session.add(
        CaseMessage(case_id=case_id, sender=sender, staff_id=staff_id, text=text, created_at=at)
    )


async def coach_wrote_before(session: AsyncSession, *, case_id: int, staff_id: int) -> bool:
    """Whether this coach wrote in this case before (their first message carries the intro)."""
    query = select(col(CaseMessage.id)).where(
        col(CaseMessage.case_id) == case_id,
        col(CaseMessage.sender) == "coach",
        col(CaseMessage.staff_id) == staff_id,
    )
    return (await session.execute(query.limit(1))).first() is not None


async def youngster_reach(
    session: AsyncSession, *, youngster_id: str
) -> tuple[str, str, str] | None:
    """Where and how to reach a youngster: (channel, address, language)."""
    query = (
        select(col(Contact.channel), col(Contact.address), col(Youngster.language))
        .join(Youngster, col(Youngster.id) == col(Contact.youngster_id))
        .where(col(Contact.youngster_id) == youngster_id)
    )
    row = (await session.execute(query)).first()
    return (row[0], row[1], row[2]) if row else None


async def staff_by_id(session: AsyncSession, *, staff_id: int) -> Staff | None:
    """A staff member's account, active or not."""
    return await session.get(Staff, staff_id)
