"""Appointments and their due work as written: each verb a statement or two in the caller's
transaction. A move names the state it expects, so an appointment another worker moved
meanwhile is not overwritten (the verb returns False and the caller rolls back). Due rows are
claimed with FOR UPDATE SKIP LOCKED and marked done in the same transaction, like the guard's
steps (storage/guard.py): a restart loses none, two workers never take one twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.appointments.facts import Appointment as Facts
from flows.appointments.facts import Draft
from storage.db import insert_new
from storage.models import Appointment, AppointmentDue, Case, CaseMessage, table_of, utc

QUIET = "quiet"


def facts_of(row: Appointment) -> Facts:
    """A stored appointment as the rules see it."""
    assert row.id is not None
    return Facts(
        id=row.id,
        case_id=row.case_id,
        state=row.state,
        mode=row.mode,
        starts_at=utc(row.starts_at) if row.starts_at is not None else None,
        link=row.link or "",
        place=row.place or "",
        proposed_by=row.proposed_by,
        remind=row.remind,
    )


async def add_draft(session: AsyncSession, *, draft: Draft, state: str, now: datetime) -> Facts:
    """A coach's proposal while they pick its moment: stored, not yet shown to anyone."""
    row = Appointment(
        case_id=draft.case_id,
        state=state,
        mode=draft.mode,
        link=draft.link or None,
        place=draft.place or None,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return facts_of(row)


async def appointment_by_id(
    session: AsyncSession, *, appointment_id: int, lock: bool = True
) -> Facts | None:
    """One appointment, locked for the tap that changes it."""
    query = select(Appointment).where(col(Appointment.id) == appointment_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    return facts_of(row) if row is not None else None


async def appointments_of_case(
    session: AsyncSession, *, case_id: int, states: Sequence[str]
) -> list[Facts]:
    """A case's appointments in these states, soonest first."""
    query = (
        select(Appointment)
        .where(col(Appointment.case_id) == case_id, col(Appointment.state).in_(states))
        .order_by(col(Appointment.starts_at), col(Appointment.id))
    )
    return [facts_of(row) for row in (await session.execute(query)).scalars()]


async def move_appointment(
    session: AsyncSession,
    *,
    appointment_id: int,
    before: str,
    state: str,
    starts_at: datetime | None,
    proposed_by: str | None,
) -> bool:
    """A step of the machine; a new moment and who asked for it, when given."""
    values: dict[str, object] = {"state": state}
    if starts_at is not None:
        values["starts_at"] = starts_at
    if proposed_by is not None:
        values["proposed_by"] = proposed_by
    result = await session.execute(
        update(Appointment)
        .where(col(Appointment.id) == appointment_id, col(Appointment.state) == before)
        .values(**values)
        .returning(col(Appointment.id))
    )
    return result.scalar_one_or_none() is not None


async def set_reminder(session: AsyncSession, *, appointment_id: int, remind: str) -> None:
    await session.execute(
        update(Appointment).where(col(Appointment.id) == appointment_id).values(remind=remind)
    )


async def plan_due(
    session: AsyncSession,
    *,
    case_id: int,
    appointment_id: int | None,
    clear: Sequence[str],
    rows: Sequence[tuple[str, datetime]],
) -> None:
    """Drop the pending rows of these kinds (of the appointment, or the case's own), then add
    the new ones; a quiet check already waiting stays as it is."""
    if clear:
        owner = (
            col(AppointmentDue.appointment_id) == appointment_id
            if appointment_id is not None
            else and_(
                col(AppointmentDue.case_id) == case_id,
                col(AppointmentDue.appointment_id).is_(None),
            )
        )
        await session.execute(
            delete(AppointmentDue).where(
                owner, col(AppointmentDue.kind).in_(clear), col(AppointmentDue.done_at).is_(None)
            )
        )
    if rows:
        values = [
            {"case_id": case_id, "appointment_id": appointment_id, "kind": kind, "due_at": at}
            for kind, at in rows
        ]
        await session.execute(insert_new(session, table_of(AppointmentDue)), values)


async def claim_due(
    session: AsyncSession, *, now: datetime, limit: int = 100
) -> list[AppointmentDue]:
    """Due rows not done yet, oldest first, locked so no other worker takes them."""
    query = (
        select(AppointmentDue)
        .where(col(AppointmentDue.done_at).is_(None), col(AppointmentDue.due_at) <= now)
        .order_by(col(AppointmentDue.due_at), col(AppointmentDue.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(query)).scalars())


async def mark_due(
    session: AsyncSession, *, due_ids: Sequence[int], outcome: str, now: datetime
) -> None:
    """Taken (sent, dropped, skipped, later): never taken again."""
    if due_ids:
        await session.execute(
            update(AppointmentDue)
            .where(col(AppointmentDue.id).in_(due_ids))
            .values(done_at=now, outcome=outcome)
        )


async def arm_quiet(session: AsyncSession, *, case_id: int, due_at: datetime) -> None:
    """A case just turned active gets a quiet check, unless one waits already (the partial
    unique index keeps one per case, also when two workers arm it at once). Armed at the
    move, not by a periodic scan of every active case, so its cost does not grow with them."""
    values = {"case_id": case_id, "kind": QUIET, "due_at": due_at}
    await session.execute(insert_new(session, table_of(AppointmentDue)).values(values))


async def last_heard(session: AsyncSession, *, case_id: int) -> datetime | None:
    """When the youngster last wrote in the case, or else when a coach took it."""
    said = await session.execute(
        select(func.max(col(CaseMessage.created_at))).where(
            col(CaseMessage.case_id) == case_id, col(CaseMessage.sender) == "youngster"
        )
    )
    at = said.scalar_one_or_none()
    if at is None:
        claimed = await session.execute(select(col(Case.claimed_at)).where(col(Case.id) == case_id))
        at = claimed.scalar_one_or_none()
    return utc(at) if at is not None else None


async def forget_appointments(session: AsyncSession, *, case_ids: Sequence[int]) -> int:
    """Delete the appointments of these cases and all their due rows (an erasure, or the
    case past its retention). Returns how many appointments went."""
    if not case_ids:
        return 0
    await session.execute(delete(AppointmentDue).where(col(AppointmentDue.case_id).in_(case_ids)))
    result = await session.execute(
        delete(Appointment).where(col(Appointment.case_id).in_(case_ids))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
