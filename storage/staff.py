"""Coach and team-lead accounts, their invite codes and contacts. Functions never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.hours import parse_service_hours
from flows.staff import INVITE_VALID, StaffMember, code_digest
from storage.models import Staff, StaffContact, StaffInvite, utc


def split(value: str) -> tuple[str, ...]:
    """A comma-separated column as a tuple."""
    return tuple(part.strip() for part in value.split(",") if part.strip())


def member_of(row: Staff) -> StaffMember:
    """The rules' view of a staff row."""
    assert row.id is not None
    return StaffMember(
        id=row.id,
        role=row.role,
        name=row.name,
        languages=split(row.languages),
        focus=split(row.focus),
        capacity=row.capacity,
        active=row.active,
        hours=parse_service_hours(row.hours) if row.hours else None,
        away_until=utc(row.away_until) if row.away_until else None,
    )


async def add_staff(session: AsyncSession, *, staff: Staff) -> Staff:
    """Add a coach or team lead."""
    session.add(staff)
    await session.flush()
    return staff


async def add_invite(session: AsyncSession, *, staff_id: int, code: str, now: datetime) -> datetime:
    """Store a new invite code (as a digest) for a staff member; return when it expires."""
    expires = now + INVITE_VALID
    session.add(StaffInvite(digest=code_digest(code), staff_id=staff_id, expires_at=expires))
    await session.flush()
    return expires


async def redeem_invite(session: AsyncSession, *, code: str, now: datetime) -> int | None:
    """Use a code once: the staff id it belongs to, or None if unknown, used or expired."""
    result = await session.execute(
        update(StaffInvite)
        .where(
            col(StaffInvite.digest) == code_digest(code),
            col(StaffInvite.used_at).is_(None),
            col(StaffInvite.expires_at) > now,
        )
        .values(used_at=now)
        .returning(col(StaffInvite.staff_id))
    )
    return result.scalar_one_or_none()


async def link_contact(session: AsyncSession, *, staff_id: int, channel: str, address: str) -> None:
    """Link a staff member to a chat, replacing an earlier link of either."""
    await session.execute(
        delete(StaffContact).where(
            (col(StaffContact.staff_id) == staff_id)
            | ((col(StaffContact.channel) == channel) & (col(StaffContact.address) == address))
        )
    )
    session.add(StaffContact(staff_id=staff_id, channel=channel, address=address))


async def find_staff(session: AsyncSession, *, channel: str, address: str) -> Staff | None:
    """The active staff member behind a chat, if any."""
    query = (
        select(Staff)
        .join(StaffContact, col(StaffContact.staff_id) == col(Staff.id))
        .where(
            col(StaffContact.channel) == channel,
            col(StaffContact.address) == address,
            col(Staff.active).is_(True),
        )
    )
    return (await session.execute(query)).scalar_one_or_none()


async def get_staff(session: AsyncSession, *, ref: str) -> Staff | None:
    """A staff member by id or (case-insensitive, unique) first name."""
    if ref.isdigit():
        return await session.get(Staff, int(ref))
    rows = list((await session.execute(select(Staff).where(col(Staff.name).ilike(ref)))).scalars())
    return rows[0] if len(rows) == 1 else None


async def list_staff(session: AsyncSession) -> list[tuple[Staff, bool]]:
    """Every staff member, with whether they linked a chat."""
    linked = set((await session.execute(select(col(StaffContact.staff_id)))).scalars())
    rows = (await session.execute(select(Staff).order_by(col(Staff.id)))).scalars()
    return [(row, row.id in linked) for row in rows]


async def deactivate_staff(session: AsyncSession, *, staff_id: int) -> None:
    """Stop offering youngsters to a staff member and unlink their chat."""
    await session.execute(update(Staff).where(col(Staff.id) == staff_id).values(active=False))
    await session.execute(delete(StaffContact).where(col(StaffContact.staff_id) == staff_id))
