"""Coach and team-lead accounts, their invite codes and contacts. Functions never commit."""

from __future__ import annotations

import asyncio
import hmac
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.hours import parse_service_hours
from flows.staff import INVITE_VALID, Profile, StaffMember, read_code, secret_digest
from storage.models import (
    Case,
    CaseMessage,
    LinkAttempt,
    Offer,
    OutboxMessage,
    Staff,
    StaffContact,
    StaffInvite,
    table_of,
    utc,
)
from storage.sealing import lookup_binding, lookups, matches_lookup


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


def _columns(profile: Profile) -> dict[str, Any]:
    """A profile's given fields as column values (lists comma-separated, a cleared gender
    NULL)."""
    values: dict[str, Any] = {}
    for field, value in profile.__dict__.items():
        if value is None:
            continue
        if isinstance(value, tuple):
            value = ",".join(value)
        elif isinstance(value, str):
            value = value.strip()
        values[field] = None if field == "gender" and not value else value
    return values


async def add_profile(
    session: AsyncSession, *, role: str, profile: Profile, now: datetime
) -> Staff:
    """Add a coach or team lead as an operator described them (checked by flows/staff.py)."""
    return await add_staff(session, staff=Staff(role=role, created_at=now, **_columns(profile)))


async def edit_staff(session: AsyncSession, *, staff_id: int, profile: Profile) -> None:
    """Change the fields a profile gives; the others stay."""
    await session.execute(
        update(Staff).where(col(Staff.id) == staff_id).values(**_columns(profile))
    )


async def set_away(session: AsyncSession, *, staff_id: int, until: datetime) -> None:
    """Out of office until a moment; a moment already past ends an absence."""
    await session.execute(update(Staff).where(col(Staff.id) == staff_id).values(away_until=until))


async def add_invite(session: AsyncSession, *, staff_id: int, code: str, now: datetime) -> datetime:
    """Store a new invite code (its secret as a salted slow digest) for a staff member; return
    when it expires. A used or expired invite with the same first group makes way."""
    parsed = read_code(code)
    if parsed is None:
        raise ValueError("not an invite code of the current kind")
    salt = secrets.token_bytes(16)
    digest = await asyncio.to_thread(secret_digest, parsed.secret, salt)
    await session.execute(
        delete(StaffInvite).where(
            col(StaffInvite.code_id) == parsed.code_id,
            or_(col(StaffInvite.used_at).is_not(None), col(StaffInvite.expires_at) <= now),
        )
    )
    expires = now + INVITE_VALID
    session.add(
        StaffInvite(
            code_id=parsed.code_id,
            staff_id=staff_id,
            salt=salt.hex(),
            digest=digest,
            expires_at=expires,
        )
    )
    await session.flush()
    return expires


async def redeem_invite(session: AsyncSession, *, code: str, now: datetime) -> int | None:
    """Use a code once: the staff id it belongs to, or None if unknown, used or expired."""
    parsed = read_code(code)
    if parsed is None:
        return None
    row = (
        await session.execute(
            select(col(StaffInvite.salt), col(StaffInvite.digest)).where(
                col(StaffInvite.code_id) == parsed.code_id,
                col(StaffInvite.used_at).is_(None),
                col(StaffInvite.expires_at) > now,
            )
        )
    ).first()
    if row is None:
        return None
    # scrypt takes tens of milliseconds: in a thread, so other chats are served meanwhile.
    digest = await asyncio.to_thread(secret_digest, parsed.secret, bytes.fromhex(row.salt))
    if not hmac.compare_digest(digest, row.digest):
        return None
    # One conditional write: two chats using one code at once link only one.
    result = await session.execute(
        update(StaffInvite)
        .where(col(StaffInvite.code_id) == parsed.code_id, col(StaffInvite.used_at).is_(None))
        .values(used_at=now)
        .returning(col(StaffInvite.staff_id))
    )
    return result.scalar_one_or_none()


async def note_link_attempt(session: AsyncSession, *, now: datetime, since: datetime) -> None:
    """Count a /coach CODE that did not link; attempts from before `since` are forgotten."""
    await session.execute(delete(LinkAttempt).where(col(LinkAttempt.at) < since))
    await session.execute(insert(table_of(LinkAttempt)), [{"at": now}])


async def link_attempts_since(session: AsyncSession, *, since: datetime) -> int:
    """How many /coach CODEs did not link since a moment, from every chat."""
    query = select(func.count()).select_from(LinkAttempt).where(col(LinkAttempt.at) >= since)
    return int((await session.execute(query)).scalar_one())


async def link_contact(session: AsyncSession, *, staff_id: int, channel: str, address: str) -> None:
    """Link a staff member to a chat, replacing an earlier link of either."""
    await session.execute(
        delete(StaffContact).where(
            (col(StaffContact.staff_id) == staff_id)
            | (
                (col(StaffContact.channel) == channel)
                & col(StaffContact.address_key).in_(lookups(address))
            )
        )
    )
    session.add(StaffContact(staff_id=staff_id, channel=channel, address=address))


# Built once: every update asks it first (is this chat a coach's?). A Core statement of the
# id alone, so the common answer (no) costs no ORM loading; the row is loaded when it is yes.
# One for a chat with one lookup hash, one for several (storage/sealing.py matches_lookup).
STAFF_AT = {
    several: select(table_of(Staff).c.id)
    .join(table_of(StaffContact), table_of(StaffContact).c.staff_id == table_of(Staff).c.id)
    .where(
        table_of(StaffContact).c.channel == bindparam("channel"),
        matches_lookup(table_of(StaffContact).c.address_key, several=several),
        table_of(Staff).c.active.is_(True),
    )
    for several in (False, True)
}


async def find_staff(session: AsyncSession, *, channel: str, address: str) -> Staff | None:
    """The active staff member behind a chat, if any."""
    several, keys = lookup_binding(address)
    params = {"channel": channel, "keys": keys}
    staff_id = (await session.execute(STAFF_AT[several], params)).scalar_one_or_none()
    return await session.get(Staff, staff_id) if staff_id is not None else None


async def find_by_ref(session: AsyncSession, *, ref: str) -> list[Staff]:
    """The staff members an operator may mean: by id, or by name ignoring case (more than one
    only in a database from before names were unique)."""
    if ref.strip().isdigit():
        row = await session.get(Staff, int(ref))
        return [row] if row is not None else []
    query = select(Staff).where(func.lower(col(Staff.name)) == ref.strip().lower())
    return list((await session.execute(query.order_by(col(Staff.id)))).scalars())


async def names_taken(session: AsyncSession, *, other_than: int | None = None) -> set[str]:
    """Every staff member's name in lower case, except one's own."""
    query = select(col(Staff.name)).where(col(Staff.id) != (other_than or 0))
    return {name.lower() for name in (await session.execute(query)).scalars()}


async def list_staff(session: AsyncSession) -> list[tuple[Staff, bool]]:
    """Every staff member, with whether they linked a chat."""
    linked = set((await session.execute(select(col(StaffContact.staff_id)))).scalars())
    rows = (await session.execute(select(Staff).order_by(col(Staff.id)))).scalars()
    return [(row, row.id in linked) for row in rows]


async def deactivate_staff(session: AsyncSession, *, staff_id: int) -> None:
    """Stop offering youngsters to a staff member, unlink their chat and void the invite codes
    they did not use yet, so no one links this account until it is reactivated. What was
    still on its way to their chat (a youngster's message, an offer, an alert) is not sent:
    a deactivated account receives nothing more."""
    await session.execute(update(Staff).where(col(Staff.id) == staff_id).values(active=False))
    chats = (
        await session.execute(
            select(col(StaffContact.channel), col(StaffContact.address)).where(
                col(StaffContact.staff_id) == staff_id
            )
        )
    ).all()
    for channel, address in chats:
        await session.execute(
            delete(OutboxMessage).where(
                col(OutboxMessage.channel) == channel,
                col(OutboxMessage.address_key).in_(lookups(address)),
            )
        )
    await session.execute(delete(StaffContact).where(col(StaffContact.staff_id) == staff_id))
    await session.execute(
        delete(StaffInvite).where(
            col(StaffInvite.staff_id) == staff_id, col(StaffInvite.used_at).is_(None)
        )
    )


async def reactivate_staff(session: AsyncSession, *, staff_id: int) -> None:
    """Let a deactivated staff member be offered youngsters again (once they link a chat)."""
    await session.execute(update(Staff).where(col(Staff.id) == staff_id).values(active=True))


async def remove_staff(session: AsyncSession, *, staff_id: int) -> int:
    """Delete a staff member who holds no conversation (flows/staff.py checks that first).
    Their past cases and messages stay, without them; their link, codes and offers go.
    Returns how many past cases they had."""
    past = (
        await session.execute(
            select(func.count()).select_from(Case).where(col(Case.coach_id) == staff_id)
        )
    ).scalar_one()
    for column in (Case.coach_id, Case.previous_coach_id, Case.handover_to):
        await session.execute(update(Case).where(col(column) == staff_id).values({column: None}))
    await session.execute(
        update(CaseMessage).where(col(CaseMessage.staff_id) == staff_id).values(staff_id=None)
    )
    for table in (Offer, StaffInvite, StaffContact):
        await session.execute(delete(table).where(col(table.staff_id) == staff_id))
    await session.execute(delete(Staff).where(col(Staff.id) == staff_id))
    return int(past)
