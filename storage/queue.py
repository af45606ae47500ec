"""The queue as stored: who can be told about a case, offers, and the atomic claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, cast, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.case import ACTIVE, OPEN, QUEUED, WITH_COACH, after, sources
from storage.db import insert_new
from storage.models import (
    AppointmentDue,
    Case,
    CaseMessage,
    GuardStep,
    Offer,
    Staff,
    StaffContact,
    Youngster,
    table_of,
    utc,
)
from storage.youngster_read import THEIR_ANSWERS, THEIR_MEDIA, kept_rows


@dataclass(frozen=True)
class Reachable:
    """A linked staff member with the address to reach them and their number of active cases."""

    staff: Staff
    address: str
    active_cases: int


async def reachable_staff(session: AsyncSession, *, channel: str) -> list[Reachable]:
    """Every active, linked coach and team lead, with their active case count.

    The count is per staff member (ix_cases_coach_state), so it costs the same with 100 or
    100,000 cases stored; a count over all active cases grouped by coach grows with them."""
    active = (
        select(func.count())
        .where(col(Case.coach_id) == col(Staff.id), col(Case.state) == ACTIVE)
        .correlate(Staff)
        .scalar_subquery()
    )
    query = (
        select(Staff, col(StaffContact.address), active)
        .join(StaffContact, col(StaffContact.staff_id) == col(Staff.id))
        .where(col(Staff.active).is_(True), col(StaffContact.channel) == channel)
        .order_by(col(Staff.id))
    )
    rows = (await session.execute(query)).all()
    return [Reachable(staff, address, int(count)) for staff, address, count in rows]


async def add_offers(session: AsyncSession, *, pairs: list[tuple[int, int]], now: datetime) -> None:
    """Record that these (case, staff member) pairs were shown the case (and so may claim
    it); one statement, and an offer made before stays as it was."""
    if not pairs:
        return
    rows = [
        {"case_id": case_id, "staff_id": staff_id, "created_at": now} for case_id, staff_id in pairs
    ]
    await session.execute(insert_new(session, table_of(Offer)), rows)


async def offered_staff(session: AsyncSession, *, case_id: int) -> set[int]:
    """Who has been shown a case."""
    query = select(col(Offer.staff_id)).where(col(Offer.case_id) == case_id)
    return set((await session.execute(query)).scalars())


async def claim_case(session: AsyncSession, *, case_id: int, staff_id: int, now: datetime) -> bool:
    """Give a waiting case to a staff member; False when it was not waiting any more.

    One conditional UPDATE: of two coaches tapping at the same moment exactly one wins,
    on PostgreSQL by the row lock, on SQLite because writers are serialised.
    """
    result = await session.execute(
        update(Case)
        .where(col(Case.id) == case_id, col(Case.state).in_(sources("claim")))
        .values(state=after(QUEUED, "claim"), coach_id=staff_id, claimed_at=now)
        .returning(col(Case.id))
    )
    won = result.scalar_one_or_none() is not None
    if won:
        await session.execute(
            update(Staff).where(col(Staff.id) == staff_id).values(current_case_id=case_id)
        )
    return won


async def case_with_youngster(
    session: AsyncSession, *, case_id: int, lock: bool = False
) -> tuple[Case, Youngster] | None:
    """A case and its youngster; with `lock`, the case row is locked until the transaction
    ends (a claim on another worker waits, or is waited for and then seen)."""
    query = (
        select(Case, Youngster)
        .join(Youngster, col(Youngster.id) == col(Case.youngster_id))
        .where(col(Case.id) == case_id)
    )
    if lock:
        query = query.with_for_update(of=Case)
    row = (await session.execute(query)).first()
    return (row[0], row[1]) if row else None


async def open_case_with_youngster(
    session: AsyncSession, *, youngster_id: str
) -> tuple[Case, Youngster, str | None] | None:
    """A youngster's case while it waits for or has a coach, the youngster, and the coach's
    name: one statement."""
    query = (
        select(Case, Youngster, col(Staff.name))
        .join(Youngster, col(Youngster.id) == col(Case.youngster_id))
        .outerjoin(Staff, col(Staff.id) == col(Case.coach_id))
        .where(col(Case.youngster_id) == youngster_id, col(Case.state).in_(OPEN))
        .order_by(col(Case.id).desc())
        .limit(1)
    )
    row = (await session.execute(query)).first()
    return (row[0], row[1], row[2]) if row else None


@dataclass(frozen=True)
class WaitingRow:
    """A case waiting for a coach, its youngster, and their answers and kept media as
    `storage.intakes.load_intake` reads them."""

    case: Case
    youngster: Youngster
    kept: list[tuple[Any, ...]]


# Every waiting case with its youngster's answers (as JSON, storage/json_rows.py): one
# statement however long the queue is, not one more per youngster.
_WAITING = (
    select(Case, Youngster, THEIR_ANSWERS, THEIR_MEDIA)
    .join(Youngster, col(Youngster.id) == col(Case.youngster_id))
    .where(col(Case.state) == QUEUED)
)


async def waiting_cases(session: AsyncSession) -> list[WaitingRow]:
    """Every case waiting for a coach, with its youngster and their answers."""
    return [
        WaitingRow(case, youngster, kept_rows(answers, media))
        for case, youngster, answers, media in (await session.execute(_WAITING)).all()
    ]


@dataclass(frozen=True)
class QueueFigures:
    """The queue in numbers, for the metrics: no case, no youngster."""

    waiting: int
    urgent: int
    oldest_queued_at: datetime | None  # None: nobody waits
    first_deadline: datetime | None  # the promise that runs out first


async def queue_figures(session: AsyncSession) -> QueueFigures:
    """How many cases wait (how many urgent), since when, and the first deadline: one
    statement on the queue index (ix_cases_queue starts with the state)."""
    query = select(
        func.count(),
        func.coalesce(func.sum(cast(col(Case.urgent), Integer)), 0),
        func.min(col(Case.queued_at)),
        func.min(col(Case.deadline)),
    ).where(col(Case.state) == QUEUED)
    waiting, urgent, oldest, first = (await session.execute(query)).one()
    return QueueFigures(
        int(waiting),
        int(urgent),
        utc(oldest) if oldest is not None else None,
        utc(first) if first is not None else None,
    )


async def case_notes(session: AsyncSession, *, case_id: int) -> list[str]:
    """What the youngster wrote while waiting, oldest first."""
    query = (
        select(col(CaseMessage.text))
        .where(col(CaseMessage.case_id) == case_id, col(CaseMessage.sender) == "youngster")
        .order_by(col(CaseMessage.id))
    )
    return list((await session.execute(query)).scalars())


async def active_cases_of(session: AsyncSession, *, staff_id: int) -> list[tuple[Case, Youngster]]:
    """A coach's current conversations, oldest first."""
    query = (
        select(Case, Youngster)
        .join(Youngster, col(Youngster.id) == col(Case.youngster_id))
        .where(col(Case.coach_id) == staff_id, col(Case.state).in_(WITH_COACH))
        .order_by(col(Case.claimed_at))
    )
    return [(case, youngster) for case, youngster in (await session.execute(query)).all()]


async def drop_case_plans(session: AsyncSession, *, case_id: int) -> None:
    """Forget who was offered a case, its guard ladder and the reminders of its appointments
    with the coach it had, before it is queued again."""
    await session.execute(delete(Offer).where(col(Offer.case_id) == case_id))
    await session.execute(
        delete(AppointmentDue).where(
            col(AppointmentDue.case_id) == case_id, col(AppointmentDue.done_at).is_(None)
        )
    )
    await session.execute(delete(GuardStep).where(col(GuardStep.case_id) == case_id))
