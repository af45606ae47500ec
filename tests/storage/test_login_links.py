"""One-time sign-in links as stored: used once, within their time."""

from __future__ import annotations

from datetime import timedelta

from storage.db import Database
from storage.login_links import add_login_link, redeem_login_link
from storage.models import Staff
from tests.conftest import Clock


async def a_link(db: Database, clock: Clock) -> int:
    async with db.transaction() as session:
        staff = Staff(role="coach", name="Lotte", created_at=clock())
        session.add(staff)
        await session.flush()
        assert staff.id is not None
        await add_login_link(
            session,
            staff_id=staff.id,
            digest="d" * 64,
            expires_at=clock() + timedelta(minutes=10),
            now=clock(),
        )
        return staff.id


async def test_a_link_signs_in_its_staff_member_once(db: Database, clock: Clock) -> None:
    staff_id = await a_link(db, clock)
    async with db.transaction() as session:
        assert await redeem_login_link(session, digest="d" * 64, now=clock()) == staff_id
        assert await redeem_login_link(session, digest="d" * 64, now=clock()) is None


async def test_a_link_out_of_time_signs_nobody_in(db: Database, clock: Clock) -> None:
    await a_link(db, clock)
    clock.advance(minutes=10)
    async with db.transaction() as session:
        assert await redeem_login_link(session, digest="d" * 64, now=clock()) is None


async def test_an_unknown_digest_signs_nobody_in(db: Database, clock: Clock) -> None:
    await a_link(db, clock)
    async with db.transaction() as session:
        assert await redeem_login_link(session, digest="e" * 64, now=clock()) is None
