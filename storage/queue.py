"""The queue as stored: who can be told about a case, offers, and the atomic claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.case import ACTIVE, QUEUED, WITH_COACH
from storage.models import Case, CaseMessage, GuardStep, Offer, Staff, StaffContact, Youngster


@dataclass(frozen=True)
class Reachable:
    """A linked staff member with the address to reach them and their number of active cases."""

    staff: Staff
    address: str
    active_cases: int


async def reachable_staff(session: AsyncSession, *, channel: str) -> list[Reachable]:
    """Every active, linked coach and team lead, with their active case count."""
    active = (
        select(col(Case.coach_id), func.count().label("n"))
        .where(col(Case.state) == ACTIVE)
        .group_by(col(Case.coach_id))
        .subquery()
    )
    query = (
        select(Staff, col(StaffContact.address), func.coalesce(active.c.n, 0))
        .join(StaffContact, col(StaffContact.staff_id) == col(Staff.id))
        .outerjoin(active, active.c.coach_id == col(Staff.id))
        .where(col(Staff.active).is_(True), col(StaffContact.channel) == channel)
        .order_by(col(Staff.id))
    )
    rows = (await session.execute(query)).all()
    return [Reachable(staff, address, int(count)) for staff, address, count in rows]


async def add_offers(
    session: AsyncSession, *, case_id: int, staff_ids: list[int], now: datetime
) -> None:
    """Record that these staff members were shown the case (and so may claim it)."""
    known = set(
        (
            await session.execute(select(col(Offer.staff_id)).where(col(Offer.case_id) == case_id))
        ).scalars()
    )
    for staff_id in staff_ids:
        if staff_id not in known:
            session.add(Offer(case_id=case_id, staff_id=staff_id, created_at=now))
    await session.flush()


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
        .where(col(Case.id) == case_id, col(Case.state) == QUEUED)
        .values(state=ACTIVE, coach_id=staff_id, claimed_at=now)
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


async def waiting_cases(session: AsyncSession) -> list[tuple[Case, Youngster]]:
    """Every case waiting for a coach, with its youngster."""
    query = (
        select(Case, Youngster)
        .join(Youngster, col(Youngster.id) == col(Case.youngster_id))
        .where(col(Case.state) == QUEUED)
    )
    return [(case, youngster) for case, youngster in (await session.execute(query)).all()]


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
    """Forget who was offered a case and its guard ladder, before it is queued again."""
    await session.execute(delete(Offer).where(col(Offer.case_id) == case_id))
    await session.execute(delete(GuardStep).where(col(GuardStep.case_id) == case_id))
