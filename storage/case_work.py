"""What a coach keeps and reads on the dashboard's case page: private notes, small goals with
a tick, the case's history, and their own cases with the last message of each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.appointments.machine import UPCOMING
from flows.case import WITH_COACH
from storage.dashboard_tables import CaseGoal, CaseNote
from storage.models import Appointment, Case, CaseMessage, Staff, Youngster, table_of, utc


@dataclass(frozen=True)
class Line:
    """A message of a case's history, a note or a goal, as a page shows it."""

    id: int
    text: str
    at: datetime
    sender: str = ""  # youngster | coach | bot, for the history
    done: bool = False  # for a goal


async def add_note(
    session: AsyncSession, *, case_id: int, staff_id: int | None, text: str, now: datetime
) -> None:
    row = {"case_id": case_id, "staff_id": staff_id, "text": text, "created_at": now}
    await session.execute(insert(table_of(CaseNote)), [row])


async def notes_of(session: AsyncSession, *, case_id: int) -> list[Line]:
    """A case's private notes, oldest first."""
    query = select(CaseNote).where(col(CaseNote.case_id) == case_id).order_by(col(CaseNote.id))
    return [
        Line(n.id or 0, n.text, utc(n.created_at)) for n in (await session.execute(query)).scalars()
    ]


async def add_goal(
    session: AsyncSession, *, case_id: int, staff_id: int | None, text: str, now: datetime
) -> None:
    row = {"case_id": case_id, "staff_id": staff_id, "text": text, "created_at": now}
    await session.execute(insert(table_of(CaseGoal)), [row])


async def tick_goal(
    session: AsyncSession, *, case_id: int, goal_id: int, done: bool, now: datetime
) -> bool:
    """Mark a goal of this case done (or not yet); False when the case has no such goal."""
    result = await session.execute(
        update(CaseGoal)
        .where(col(CaseGoal.id) == goal_id, col(CaseGoal.case_id) == case_id)
        .values(done_at=now if done else None)
        .returning(col(CaseGoal.id))
    )
    return result.scalar_one_or_none() is not None


async def goals_of(session: AsyncSession, *, case_id: int) -> list[Line]:
    """A case's small goals, oldest first."""
    query = select(CaseGoal).where(col(CaseGoal.case_id) == case_id).order_by(col(CaseGoal.id))
    return [
        Line(g.id or 0, g.text, utc(g.created_at), done=g.done_at is not None)
        for g in (await session.execute(query)).scalars()
    ]


async def forget_case_work(session: AsyncSession, *, case_ids: list[int]) -> None:
    """Delete the notes and goals of these cases (an erasure)."""
    await session.execute(delete(CaseNote).where(col(CaseNote.case_id).in_(case_ids)))
    await session.execute(delete(CaseGoal).where(col(CaseGoal.case_id).in_(case_ids)))


async def history(session: AsyncSession, *, case_id: int, after: int = 0) -> list[Line]:
    """A case's messages after the message id `after`, oldest first (held ones once passed on)."""
    query = (
        select(CaseMessage)
        .where(
            col(CaseMessage.case_id) == case_id,
            col(CaseMessage.id) > after,
            col(CaseMessage.held).is_(False),
        )
        .order_by(col(CaseMessage.id))
    )
    return [
        Line(m.id or 0, m.text, utc(m.created_at), sender=m.sender)
        for m in (await session.execute(query)).scalars()
    ]


@dataclass(frozen=True)
class MyCase:
    """One of a coach's cases on their list."""

    case_id: int
    pseudonym: str
    state: str
    urgent: bool
    last: Line | None
    next_at: datetime | None = None  # the next appointment still to come (proposed or agreed)


async def my_cases(session: AsyncSession, *, staff_id: int, now: datetime) -> list[MyCase]:
    """A coach's active and paused cases, the one with the newest message first, each with
    its next appointment."""
    # Per case (ix_case_messages_case_id), not grouped over every message stored.
    last_id = (
        select(func.max(col(CaseMessage.id)))
        .where(col(CaseMessage.case_id) == col(Case.id))
        .correlate(Case)
        .scalar_subquery()
    )
    next_at = (
        select(func.min(col(Appointment.starts_at)))
        .where(
            col(Appointment.case_id) == col(Case.id),
            col(Appointment.state).in_(UPCOMING),
            col(Appointment.starts_at) > now,
        )
        .correlate(Case)
        .scalar_subquery()
    )
    query = (
        select(Case, col(Youngster.pseudonym), CaseMessage, next_at)
        .join(Youngster, col(Youngster.id) == col(Case.youngster_id))
        .outerjoin(CaseMessage, col(CaseMessage.id) == last_id)
        .where(col(Case.coach_id) == staff_id, col(Case.state).in_(WITH_COACH))
        .order_by(col(CaseMessage.id).desc().nulls_last(), col(Case.id))
    )
    found = []
    for case, pseudonym, message, coming in (await session.execute(query)).all():
        last = (
            Line(message.id or 0, message.text, utc(message.created_at), sender=message.sender)
            if message is not None
            else None
        )
        at = utc(coming) if coming is not None else None
        found.append(MyCase(case.id or 0, pseudonym, case.state, case.urgent, last, at))
    return found


@dataclass(frozen=True)
class Offered:
    """A case a colleague asked this staff member to take over."""

    case_id: int
    pseudonym: str
    coach: str  # the colleague who asked (staff see each other's names, never a youngster's)


async def handovers_for(session: AsyncSession, *, staff_id: int) -> list[Offered]:
    """The warm hand-overs waiting for this staff member's answer."""
    query = (
        select(col(Case.id), col(Youngster.pseudonym), col(Staff.name))
        .join(Youngster, col(Youngster.id) == col(Case.youngster_id))
        .join(Staff, col(Staff.id) == col(Case.coach_id))
        .where(col(Case.handover_to) == staff_id, col(Case.state).in_(WITH_COACH))
        .order_by(col(Case.id))
    )
    return [
        Offered(case_id or 0, pseudonym, coach)
        for case_id, pseudonym, coach in (await session.execute(query)).all()
    ]
