"""Invite codes as stored: a salted slow digest of the secret, used once, and the count of codes
that did not link."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.db import Database
from storage.models import LinkAttempt, Staff, StaffInvite
from storage.staff import (
    add_invite,
    add_staff,
    link_attempts_since,
    note_link_attempt,
    redeem_invite,
)
from tests.conftest import Clock

CODE = "KLIK-7F3K-Q9ZD-4MNP-R8WX-YT2H-ABCD"
SAME_CODE_OTHER_SECRET = "KLIK-7F3K-Q9ZD-4MNP-R8WX-YT2H-ABCE"


async def _lotte(db: Database, clock: Clock, code: str = CODE) -> int:
    async with db.transaction() as session:
        staff = await add_staff(
            session, staff=Staff(role="coach", name="Lotte", languages="nl", created_at=clock())
        )
        assert staff.id is not None
        await add_invite(session, staff_id=staff.id, code=code, now=clock())
        return staff.id


async def test_the_stored_invite_holds_neither_the_secret_nor_its_plain_sha256(
    db: Database, clock: Clock
) -> None:
    import hashlib

    await _lotte(db, clock)
    async with db.transaction() as session:
        (row,) = (await session.execute(select(StaffInvite))).scalars().all()
    stored = f"{row.code_id} {row.salt} {row.digest}"
    assert "Q9ZD4MNPR8WXYT2HABCD" not in stored
    assert hashlib.sha256(b"Q9ZD4MNPR8WXYT2HABCD").hexdigest() not in stored
    assert row.code_id == "7F3K"


async def test_two_invites_with_one_secret_are_stored_with_different_salts(
    db: Database, clock: Clock
) -> None:
    await _lotte(db, clock)
    async with db.transaction() as session:
        staff = await add_staff(
            session, staff=Staff(role="coach", name="Ahmed", languages="nl", created_at=clock())
        )
        assert staff.id is not None
        await add_invite(
            session, staff_id=staff.id, code="KLIK-2222-Q9ZD-4MNP-R8WX-YT2H-ABCD", now=clock()
        )
        digests = {row.digest for row in (await session.execute(select(StaffInvite))).scalars()}
    assert len(digests) == 2


async def test_the_right_code_links_once(db: Database, clock: Clock) -> None:
    lotte = await _lotte(db, clock)
    async with db.transaction() as session:
        assert await redeem_invite(session, code=CODE.lower(), now=clock()) == lotte
        assert await redeem_invite(session, code=CODE, now=clock()) is None


async def test_a_code_with_the_right_first_group_and_a_wrong_secret_links_nobody(
    db: Database, clock: Clock
) -> None:
    await _lotte(db, clock)
    async with db.transaction() as session:
        assert await redeem_invite(session, code=SAME_CODE_OTHER_SECRET, now=clock()) is None
        assert await redeem_invite(session, code=CODE, now=clock()) is not None


async def test_a_code_after_48_hours_links_nobody(db: Database, clock: Clock) -> None:
    await _lotte(db, clock)
    clock.advance(hours=48, seconds=1)
    async with db.transaction() as session:
        assert await redeem_invite(session, code=CODE, now=clock()) is None


async def test_attempts_older_than_the_window_are_not_counted_and_not_kept(
    db: Database, clock: Clock
) -> None:
    async with db.transaction() as session:
        for _ in range(3):
            await note_link_attempt(session, now=clock(), since=clock() - timedelta(hours=1))
    clock.advance(minutes=61)
    async with db.transaction() as session:
        since = clock() - timedelta(hours=1)
        assert await link_attempts_since(session, since=since) == 0
        await note_link_attempt(session, now=clock(), since=since)
        assert await link_attempts_since(session, since=since) == 1
        assert len((await session.execute(select(LinkAttempt))).scalars().all()) == 1
