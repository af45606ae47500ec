"""One-time sign-in links to the dashboard, kept as the SHA-256 of their secret only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.dashboard_tables import LoginLink
from storage.models import table_of


async def add_login_link(
    session: AsyncSession, *, staff_id: int, digest: str, expires_at: datetime, now: datetime
) -> None:
    """Keep a new link's digest; links of anyone that ran out are deleted on the way."""
    await session.execute(delete(LoginLink).where(col(LoginLink.expires_at) < now))
    row = {"digest": digest, "staff_id": staff_id, "expires_at": expires_at}
    await session.execute(insert(table_of(LoginLink)), [row])


async def redeem_login_link(session: AsyncSession, *, digest: str, now: datetime) -> int | None:
    """The staff id a link signs in, marking it used; None when it is unknown, used or out of
    time. One conditional UPDATE: of two tabs opening the same link, one signs in."""
    result = await session.execute(
        update(LoginLink)
        .where(
            col(LoginLink.digest) == digest,
            col(LoginLink.used_at).is_(None),
            col(LoginLink.expires_at) > now,
        )
        .values(used_at=now)
        .returning(col(LoginLink.staff_id))
    )
    found: int | None = result.scalar_one_or_none()
    return found
