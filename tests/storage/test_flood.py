"""The flood limit and the block list as written: on the youngster's row, held messages taken
once, floods that are over found once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.blocks import block_youngster, unblock_youngster, youngster_named
from storage.db import Database
from storage.flood import calm_floods, hold_case_messages, save_flood, take_held_messages
from storage.models import Case, CaseMessage, Youngster
from tests.conftest import Clock


async def _youngster_with_case(db: Database, clock: Clock) -> tuple[str, int]:
    async with db.transaction() as session:
        youngster = Youngster(
            id="y1",
            pseudonym="Sam-4821",
            language="nl",
            state="done",
            journey="j1",
            created_at=clock(),
            last_seen=clock(),
        )
        session.add(youngster)
        await session.flush()
        case = Case(
            youngster_id="y1",
            state="active",
            queued_at=clock(),
            deadline=clock() + timedelta(hours=24),
        )
        session.add(case)
        await session.flush()
        assert case.id is not None
        return youngster.id, case.id


async def test_held_messages_are_taken_once_in_the_order_written(
    db: Database, clock: Clock
) -> None:
    youngster_id, case_id = await _youngster_with_case(db, clock)
    async with db.transaction() as session:
        await hold_case_messages(session, case_id=case_id, texts=["een", "twee"], now=clock())
        await hold_case_messages(session, case_id=case_id, texts=["drie"], now=clock())
    async with db.transaction() as session:
        assert await take_held_messages(session, youngster_id=youngster_id) == [
            "een",
            "twee",
            "drie",
        ]
        assert await take_held_messages(session, youngster_id=youngster_id) == []
        kept = (await session.execute(select(CaseMessage.text))).scalars().all()
    assert sorted(kept) == ["drie", "een", "twee"]  # passed on, still in the history


async def test_a_flood_is_found_over_once_and_only_after_its_minute(
    db: Database, clock: Clock
) -> None:
    youngster_id, _ = await _youngster_with_case(db, clock)
    async with db.transaction() as session:
        youngster = await session.get(Youngster, youngster_id)
        assert youngster is not None
        await save_flood(session, youngster=youngster, since=clock(), count=25, held=5)
    async with db.transaction() as session:
        assert await calm_floods(session, before=clock() - timedelta(minutes=1)) == []
    clock.advance(seconds=61)
    async with db.transaction() as session:
        assert await calm_floods(session, before=clock() - timedelta(minutes=1)) == ["y1"]
    async with db.transaction() as session:
        assert await calm_floods(session, before=clock() - timedelta(minutes=1)) == []


async def test_a_block_is_kept_on_the_youngster_and_undone_without_a_trace(
    db: Database, clock: Clock
) -> None:
    youngster_id, _ = await _youngster_with_case(db, clock)
    async with db.transaction() as session:
        await block_youngster(
            session, youngster_id=youngster_id, staff_id=3, reason="scheldt", at=clock()
        )
        found = await youngster_named(session, pseudonym="sam-4821")
        assert found is not None and (found.blocked_by, found.block_reason) == (3, "scheldt")
    async with db.transaction() as session:
        await unblock_youngster(session, youngster_id=youngster_id)
        row = await session.get(Youngster, youngster_id)
        assert row is not None
        assert (row.blocked_at, row.blocked_by, row.block_reason) == (None, None, None)
