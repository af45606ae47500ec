"""Outbox and inbox on SQLite and PostgreSQL: order per address, leases, redelivery."""

from __future__ import annotations

from datetime import timedelta

from bot.jobs import purge_handled_updates
from flows.messages import Outbound
from storage.db import Database
from storage.outbox import claim_due, enqueue_messages, first_time_seen, message_of, retry_later
from tests.conftest import Clock

LEASE = timedelta(seconds=60)


async def put(db: Database, clock: Clock, address: str, *keys: str) -> None:
    async with db.transaction() as session:
        await enqueue_messages(
            session,
            channel="telegram",
            address=address,
            youngster_id=None,
            language="nl",
            messages=[Outbound(k) for k in keys],
            now=clock(),
        )


async def claim(db: Database, clock: Clock) -> list[tuple[str, str]]:
    async with db.transaction() as session:
        rows = await claim_due(session, channel="telegram", now=clock(), lease=LEASE)
        return [(r.address, message_of(r).key) for r in rows]


async def test_due_messages_come_out_oldest_first(db: Database, clock: Clock) -> None:
    await put(db, clock, "1", "status.new", "consent.ask")
    await put(db, clock, "2", "stop.nothing")
    assert await claim(db, clock) == [
        ("1", "status.new"),
        ("1", "consent.ask"),
        ("2", "stop.nothing"),
    ]


async def test_a_claimed_message_is_not_claimed_again_until_its_lease_ends(
    db: Database, clock: Clock
) -> None:
    await put(db, clock, "1", "status.new")
    assert await claim(db, clock) == [("1", "status.new")]
    assert await claim(db, clock) == []
    clock.advance(seconds=61)
    assert await claim(db, clock) == [("1", "status.new")]


async def test_a_postponed_message_holds_back_later_ones_to_the_same_chat_only(
    db: Database, clock: Clock
) -> None:
    await put(db, clock, "1", "status.new", "consent.ask")
    await put(db, clock, "2", "stop.nothing")
    async with db.transaction() as session:
        rows = await claim_due(session, channel="telegram", now=clock(), lease=LEASE)
        first = rows[0]
        assert first.id is not None
        await retry_later(session, message_id=first.id, not_before=clock() + timedelta(seconds=120))
    clock.advance(seconds=61)  # every lease has ended
    assert await claim(db, clock) == [("2", "stop.nothing")]
    clock.advance(seconds=60)  # the postponement is over; "2" is still leased
    assert await claim(db, clock) == [("1", "status.new"), ("1", "consent.ask")]


async def test_an_update_is_seen_for_the_first_time_only_once(db: Database, clock: Clock) -> None:
    async with db.transaction() as session:
        assert await first_time_seen(session, event_id="tg:1", now=clock())
    async with db.transaction() as session:
        assert not await first_time_seen(session, event_id="tg:1", now=clock())
        assert await first_time_seen(session, event_id="tg:2", now=clock())


async def test_the_purge_forgets_only_update_ids_older_than_two_days(
    db: Database, clock: Clock
) -> None:
    async with db.transaction() as session:
        await first_time_seen(session, event_id="tg:old", now=clock())
    clock.advance(days=2, hours=1)
    async with db.transaction() as session:
        await first_time_seen(session, event_id="tg:new", now=clock())
    await purge_handled_updates(db, clock)
    async with db.transaction() as session:
        assert await first_time_seen(session, event_id="tg:old", now=clock())
        assert not await first_time_seen(session, event_id="tg:new", now=clock())


async def test_delivered_message_ids_are_forgotten_after_thirty_days(
    db: Database, clock: Clock
) -> None:
    from storage.outbox import find_sent, remember_sent

    async with db.transaction() as session:
        await remember_sent(
            session, channel="telegram", address="1", message_id="5", tag="case:1", now=clock()
        )
    clock.advance(days=29)
    await purge_handled_updates(db, clock)
    async with db.transaction() as session:
        assert await find_sent(session, channel="telegram", address="1", tag="case:1") == "5"
    clock.advance(days=2)
    await purge_handled_updates(db, clock)
    async with db.transaction() as session:
        assert await find_sent(session, channel="telegram", address="1", tag="case:1") is None
