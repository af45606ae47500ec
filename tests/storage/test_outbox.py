"""Outbox and inbox on SQLite and PostgreSQL: order per address, urgency across addresses,
leases, redelivery."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from bot.services.purge import purge
from flows.messages import Outbound
from flows.parameters import parameters
from flows.retention import Retention
from storage.db import Database
from storage.outbox import (
    Letter,
    claim_due,
    enqueue_letters,
    enqueue_messages,
    first_time_seen,
    mark_sent,
    message_of,
    outbox_depth,
    retry_later,
)
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
            # Whatever each text needs filled in: the outbox only cares which text it is.
            messages=[Outbound(k, dict.fromkeys(parameters(k), "x")) for k in keys],
            now=clock(),
        )


async def claim(db: Database, clock: Clock, limit: int = 50) -> list[tuple[str, str]]:
    async with db.transaction() as session:
        rows = await claim_due(session, channel="telegram", now=clock(), lease=LEASE, limit=limit)
        return [(r.address, message_of(r).key) for r in rows]


async def test_each_address_gives_only_its_oldest_message_at_a_time(
    db: Database, clock: Clock
) -> None:
    await put(db, clock, "1", "help.text", "status.new")
    await put(db, clock, "2", "help.text")
    assert await claim(db, clock) == [("1", "help.text"), ("2", "help.text")]


async def test_letters_to_several_chats_saved_at_once_keep_each_chats_order(
    db: Database, clock: Clock
) -> None:
    def message(key: str) -> Outbound:
        return Outbound(key, dict.fromkeys(parameters(key), "x"))

    letters = [
        Letter("telegram", "1", None, "nl", (message("help.text"), message("status.new"))),
        Letter("telegram", "2", None, "en", (message("help.text"),)),
    ]
    async with db.transaction() as session:
        await enqueue_letters(session, letters, now=clock())
        first = await claim_due(session, channel="telegram", now=clock(), lease=LEASE)
        assert [(r.address, message_of(r).key) for r in first] == [
            ("1", "help.text"),
            ("2", "help.text"),
        ]
        for row in first:
            await mark_sent(session, message_id=row.id)
    assert await claim(db, clock) == [("1", "status.new")]


async def test_the_next_message_to_an_address_comes_once_the_one_before_was_sent(
    db: Database, clock: Clock
) -> None:
    await put(db, clock, "1", "help.text", "status.new")
    async with db.transaction() as session:
        (first,) = await claim_due(session, channel="telegram", now=clock(), lease=LEASE)
        assert first.id is not None
        await mark_sent(session, message_id=first.id)
    assert await claim(db, clock) == [("1", "status.new")]


async def test_a_claimed_message_holds_back_the_next_to_its_address_until_its_lease_ends(
    db: Database, clock: Clock
) -> None:
    await put(db, clock, "1", "welcome", "consent.ask")
    assert await claim(db, clock) == [("1", "welcome")]
    # Its sender may have died after Telegram took it: nothing after it may overtake it.
    assert await claim(db, clock) == []
    clock.advance(seconds=61)
    assert await claim(db, clock) == [("1", "welcome")]


async def test_a_postponed_message_holds_back_later_ones_to_the_same_chat_only(
    db: Database, clock: Clock
) -> None:
    await put(db, clock, "1", "help.text", "status.new")
    await put(db, clock, "2", "help.text")
    async with db.transaction() as session:
        rows = await claim_due(session, channel="telegram", now=clock(), lease=LEASE)
        first = rows[0]
        assert first.id is not None
        await retry_later(session, message_id=first.id, not_before=clock() + timedelta(seconds=120))
    clock.advance(seconds=61)  # every lease has ended
    assert await claim(db, clock) == [("2", "help.text")]
    clock.advance(seconds=60)  # the postponement is over; "2" is still leased
    assert await claim(db, clock) == [("1", "help.text")]


async def test_sixty_replies_to_a_rate_limited_chat_do_not_hold_back_a_crisis_reply_to_another(
    db: Database, clock: Clock
) -> None:
    await put(db, clock, "1", *["edited.kept"] * 60)
    async with db.transaction() as session:
        (head,) = await claim_due(session, channel="telegram", now=clock(), lease=LEASE)
        assert head.id is not None
        await retry_later(session, message_id=head.id, not_before=clock() + timedelta(seconds=30))
    await put(db, clock, "2", "crisis.safe_ask")
    assert await claim(db, clock) == [("2", "crisis.safe_ask")]


async def test_crisis_replies_go_first_then_first_replies_then_answers_then_offers(
    db: Database, clock: Clock
) -> None:
    await put(db, clock, "1", "offer.new")
    await put(db, clock, "2", "help.text")
    await put(db, clock, "3", "welcome")
    await put(db, clock, "4", "crisis.safe_ask")
    assert await claim(db, clock, limit=1) == [("4", "crisis.safe_ask")]
    assert await claim(db, clock) == [("3", "welcome"), ("2", "help.text"), ("1", "offer.new")]


async def test_within_one_chat_a_crisis_reply_still_waits_for_the_message_before_it(
    db: Database, clock: Clock
) -> None:
    await put(db, clock, "1", "help.text", "crisis.safe_ask")
    await put(db, clock, "2", "offer.new")
    assert await claim(db, clock) == [("1", "help.text"), ("2", "offer.new")]


# SQLite runs one writing transaction at a time: there, nothing is ever skipped.
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_second_worker_skips_what_the_first_is_claiming_on_postgresql(
    db: Database, clock: Clock
) -> None:
    await put(db, clock, "1", "help.text", "status.new")
    await put(db, clock, "2", "help.text")
    async with db.transaction() as first:
        claimed = await claim_due(first, channel="telegram", now=clock(), lease=LEASE, limit=1)
        assert [r.address for r in claimed] == ["1"]  # not committed yet: the row is locked
        assert await claim(db, clock) == [("2", "help.text")]


async def test_an_update_is_seen_for_the_first_time_only_once(db: Database, clock: Clock) -> None:
    async with db.transaction() as session:
        assert await first_time_seen(session, event_id="tg:1", now=clock())
    async with db.transaction() as session:
        assert not await first_time_seen(session, event_id="tg:1", now=clock())
        assert await first_time_seen(session, event_id="tg:2", now=clock())


async def test_the_purge_forgets_only_update_ids_older_than_seven_days(
    db: Database, clock: Clock
) -> None:
    async with db.transaction() as session:
        await first_time_seen(session, event_id="tg:old", now=clock())
    clock.advance(days=7, hours=1)
    async with db.transaction() as session:
        await first_time_seen(session, event_id="tg:new", now=clock())
    await purge(db, Retention(), clock)
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
    await purge(db, Retention(), clock)
    async with db.transaction() as session:
        assert await find_sent(session, channel="telegram", address="1", tag="case:1") == "5"
    clock.advance(days=2)
    await purge(db, Retention(), clock)
    async with db.transaction() as session:
        assert await find_sent(session, channel="telegram", address="1", tag="case:1") is None


async def test_a_delivered_message_leaves_the_outbox_and_its_tag_remembers_where_it_landed(
    db: Database, clock: Clock
) -> None:
    from storage.outbox import Delivered, find_sent, mark_delivered

    await put(db, clock, "1", "help.text")
    async with db.transaction() as session:
        (row,) = await claim_due(session, channel="telegram", now=clock(), lease=LEASE)
        assert row.id is not None
    async with db.at_once() as session:
        await mark_delivered(
            session,
            channel="telegram",
            delivered=Delivered(row.id, "1", "77", "relay:3"),
            now=clock(),
        )
    clock.advance(seconds=61)
    assert await claim(db, clock) == []
    async with db.transaction() as session:
        assert await find_sent(session, channel="telegram", address="1", tag="relay:3") == "77"


@pytest.mark.parametrize("together", [1, 2])
async def test_a_message_deleted_while_on_its_way_leaves_no_message_id_behind(
    db: Database, clock: Clock, together: int
) -> None:
    """Its youngster erased everything meanwhile: nothing may point at their chat again."""
    from storage.outbox import Delivered, find_sent, mark_delivered, mark_delivered_many

    gone = [Delivered(9000 + n, "1", f"7{n}", f"relay:{n}") for n in range(together)]
    async with db.at_once() as session:
        if together == 1:
            await mark_delivered(session, channel="telegram", delivered=gone[0], now=clock())
        else:
            await mark_delivered_many(session, channel="telegram", delivered=gone, now=clock())
    async with db.transaction() as session:
        for d in gone:
            assert await find_sent(session, channel="telegram", address="1", tag=d.tag) is None


async def depth(db: Database) -> tuple[int, datetime | None]:
    async with db.transaction() as session:
        return await outbox_depth(session)


async def test_an_empty_outbox_has_depth_zero_and_no_oldest_message(db: Database) -> None:
    assert await depth(db) == (0, None)


async def test_the_outbox_depth_counts_waiting_messages_and_tells_when_the_oldest_was_saved(
    db: Database, clock: Clock
) -> None:
    first = clock()
    await put(db, clock, "1", "help.text", "status.new")
    clock.advance(minutes=5)
    await put(db, clock, "2", "help.text")
    assert await depth(db) == (3, first)


async def test_a_sent_message_leaves_the_outbox_depth(db: Database, clock: Clock) -> None:
    await put(db, clock, "1", "help.text")
    clock.advance(minutes=5)
    await put(db, clock, "2", "help.text")
    async with db.transaction() as session:
        (oldest, _) = await claim_due(session, channel="telegram", now=clock(), lease=LEASE)
        assert oldest.id is not None
        await mark_sent(session, message_id=oldest.id)
    assert await depth(db) == (1, clock())


async def test_a_sender_whose_lease_ran_out_cannot_give_back_a_message_claimed_since(
    db: Database, clock: Clock
) -> None:
    await put(db, clock, "1", "help.text")
    async with db.transaction() as session:
        (stalled,) = await claim_due(session, channel="telegram", now=clock(), lease=LEASE)
        assert stalled.id is not None and stalled.claimed_until is not None
        message_id, held = stalled.id, stalled.claimed_until
    clock.advance(seconds=61)
    assert await claim(db, clock) == [("1", "help.text")]  # another sender has it now
    async with db.transaction() as session:
        await retry_later(session, message_id=message_id, not_before=clock(), held=held)
    assert await claim(db, clock) == []  # still theirs: nobody else may send it meanwhile


async def test_two_senders_claiming_at_once_send_each_message_once_and_each_chat_in_order(
    database_url: str, clock: Clock
) -> None:
    """Two engines (two workers) claim, 'send' and mark over and over at the same time; the
    record of sends shows any message sent twice and any chat out of order."""
    senders = [Database(database_url), Database(database_url)]
    for address in ("1", "2", "3"):
        await put(senders[0], clock, address, *["help.text"] * 8)
    sent: list[tuple[str, int]] = []

    async def send(db: Database) -> None:
        for _ in range(40):
            async with db.transaction() as session:
                rows = await claim_due(session, channel="telegram", now=clock(), lease=LEASE)
                claimed = [(r.address, r.id) for r in rows]
            for address, message_id in claimed:
                assert message_id is not None
                sent.append((address, message_id))
                async with db.transaction() as session:
                    await mark_sent(session, message_id=message_id)
            await asyncio.sleep(0)

    try:
        await asyncio.gather(*(send(db) for db in senders))
    finally:
        for db in senders:
            await db.close()
    assert len(sent) == 24 and len(set(sent)) == 24
    for address in ("1", "2", "3"):
        ids = [message_id for a, message_id in sent if a == address]
        assert ids == sorted(ids)


async def test_two_hundred_replies_to_one_flooder_do_not_hold_back_another_youngster_s_reply(
    db: Database, clock: Clock
) -> None:
    for _ in range(200):  # one event each, as a flooder's messages come in
        await put(db, clock, "flooder", "edited.kept")
    await put(db, clock, "other", "edited.kept")
    assert await claim(db, clock, limit=2) == [
        ("flooder", "edited.kept"),
        ("other", "edited.kept"),
    ]
