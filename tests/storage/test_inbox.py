"""The inbox as a queue per chat (webhook mode) on SQLite and PostgreSQL: update order per
chat, one worker per chat at a time, leases, redelivery, and the sweep."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.services.purge import purge
from flows.retention import Retention
from storage.db import Database
from storage.inbox import Pending, chats_waiting, claim_next, release, store_pending
from storage.models import InboxEvent
from storage.outbox import first_time_seen
from tests.conftest import Clock

LEASE = timedelta(seconds=10)


async def store(db: Database, clock: Clock, seq: int, address: str = "7") -> bool:
    async with db.transaction() as session:
        return await store_pending(
            session,
            event_id=f"tg:{seq}",
            channel="telegram",
            address=address,
            seq=seq,
            payload=f'{{"update_id": {seq}}}',
            now=clock(),
        )


async def claim(
    db: Database, clock: Clock, address: str = "7", done: str | None = None
) -> Pending | None:
    async with db.transaction() as session:
        return await claim_next(
            session, channel="telegram", address=address, now=clock(), lease=LEASE, done=done
        )


async def handle(db: Database, clock: Clock, pending: Pending) -> bool:
    async with db.transaction() as session:
        return await first_time_seen(session, event_id=pending.event_id, now=clock())


async def test_a_chat_s_pending_updates_are_claimed_lowest_update_id_first(
    db: Database, clock: Clock
) -> None:
    await store(db, clock, 12)
    await store(db, clock, 11)
    first = await claim(db, clock)
    assert first is not None and first.seq == 11
    await handle(db, clock, first)
    second = await claim(db, clock, done=first.event_id)
    assert second is not None and second.seq == 12


async def test_no_update_of_a_chat_is_claimed_while_another_of_it_is_claimed(
    db: Database, clock: Clock
) -> None:
    await store(db, clock, 11)
    assert await claim(db, clock) is not None
    await store(db, clock, 12)
    assert await claim(db, clock) is None


async def test_other_chats_are_claimed_while_one_chat_is_busy(db: Database, clock: Clock) -> None:
    await store(db, clock, 11, address="7")
    await store(db, clock, 12, address="8")
    assert await claim(db, clock, address="7") is not None
    other = await claim(db, clock, address="8")
    assert other is not None and other.seq == 12


async def test_an_earlier_update_arriving_late_is_still_handled(db: Database, clock: Clock) -> None:
    await store(db, clock, 12)
    later = await claim(db, clock)
    assert later is not None
    await handle(db, clock, later)
    await store(db, clock, 11)
    late = await claim(db, clock, done=later.event_id)
    assert late is not None and late.seq == 11


async def test_a_redelivered_update_is_stored_once_and_never_after_it_was_handled(
    db: Database, clock: Clock
) -> None:
    assert await store(db, clock, 11)
    assert not await store(db, clock, 11)
    pending = await claim(db, clock)
    assert pending is not None
    assert await handle(db, clock, pending)
    assert not await store(db, clock, 11)
    assert await claim(db, clock, done=pending.event_id) is None


async def test_an_update_is_handled_once_even_when_two_workers_hold_it(
    db: Database, clock: Clock
) -> None:
    await store(db, clock, 11)
    pending = await claim(db, clock)
    assert pending is not None
    assert await handle(db, clock, pending)
    assert not await handle(db, clock, pending)


async def test_the_claim_of_a_worker_that_died_runs_out_after_the_lease(
    db: Database, clock: Clock
) -> None:
    await store(db, clock, 11)
    await store(db, clock, 12)
    assert await claim(db, clock) is not None
    clock.advance(seconds=LEASE.total_seconds() + 1)
    again = await claim(db, clock)
    assert again is not None and again.seq == 11


async def test_a_released_update_keeps_its_chat_waiting_until_the_pause_is_over(
    db: Database, clock: Clock
) -> None:
    await store(db, clock, 11)
    await store(db, clock, 12)
    failed = await claim(db, clock)
    assert failed is not None
    async with db.transaction() as session:
        await release(
            session,
            event_id=failed.event_id,
            channel="telegram",
            address="7",
            until=clock() + timedelta(seconds=2),
        )
    assert await claim(db, clock) is None
    clock.advance(seconds=3)
    again = await claim(db, clock)
    assert again is not None and again.seq == 11


async def test_the_sweep_finds_chats_left_pending_and_not_those_being_handled(
    db: Database, clock: Clock
) -> None:
    await store(db, clock, 11, address="7")
    await store(db, clock, 12, address="8")
    await store(db, clock, 13, address="9")
    assert await claim(db, clock, address="9") is not None
    clock.advance(seconds=5)
    await store(db, clock, 14, address="10")
    async with db.transaction() as session:
        waiting = await chats_waiting(
            session, channel="telegram", now=clock(), older_than=timedelta(seconds=2)
        )
    assert waiting == ["7", "8"]


async def test_a_handled_update_keeps_neither_its_chat_nor_its_text(
    db: Database, clock: Clock
) -> None:
    await store(db, clock, 11)
    pending = await claim(db, clock)
    assert pending is not None
    await handle(db, clock, pending)
    async with db.transaction() as session:
        row = (await session.execute(select(InboxEvent))).scalar_one()
    assert (row.pending, row.address, row.payload) == (False, None, None)


async def test_pending_updates_outlive_the_purge_of_handled_ids(db: Database, clock: Clock) -> None:
    await store(db, clock, 11)
    clock.advance(days=8)
    await purge(db, Retention(), clock)
    pending = await claim(db, clock)
    assert pending is not None and pending.seq == 11


async def test_two_workers_draining_one_chat_at_once_handle_it_in_order_and_once(
    database_url: str, clock: Clock
) -> None:
    """Two connections race over one chat's ten updates; each handling appends its update
    id, so the record shows both the order and any update handled twice."""
    workers = [Database(database_url), Database(database_url)]
    for seq in range(1, 11):
        await store(workers[0], clock, seq)
    handled: list[int] = []

    async def drain(db: Database) -> None:
        done: str | None = None
        while (pending := await claim(db, clock, done=done)) is not None:
            async with db.transaction() as session:
                if await first_time_seen(session, event_id=pending.event_id, now=clock()):
                    handled.append(pending.seq)
            done = pending.event_id
            await asyncio.sleep(0)

    try:
        await asyncio.gather(*(drain(db) for db in workers for _ in range(3)))
    finally:
        for db in workers:
            await db.close()
    assert handled == list(range(1, 11))
