"""The chat queue on SQLite and PostgreSQL: each chat's updates handled in order and once,
whichever worker stores them, and what a dead worker left picked up by the sweep."""

from __future__ import annotations

import asyncio
import contextlib
import json

from bot.services.inbox import LEASE, ChatQueue
from storage.db import Database
from storage.inbox import check_turn
from storage.outbox import first_time_seen
from tests.conftest import Clock


class Recorder:
    """A channel handler that marks each update handled, as the conversation service does,
    and keeps the order it saw them in; it fails the updates listed in `failing`."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.handled: list[int] = []
        self.failing: set[int] = set()

    async def __call__(self, payload: str) -> bool:
        seq = json.loads(payload)["update_id"]
        if seq in self.failing:
            return False
        async with self.db.transaction() as session:
            # As storage.arrival.arrive does: an update taking its chat's turn checks it first.
            await check_turn(session, event_id=f"tg:{seq}")
            if await first_time_seen(session, event_id=f"tg:{seq}", now=self.clock()):
                self.handled.append(seq)
        return True


def queue(db: Database, clock: Clock, recorder: Recorder) -> ChatQueue:
    return ChatQueue(db, channel="telegram", handle=recorder, clock=clock)


async def receive(chats: ChatQueue, seq: int, address: str = "7") -> None:
    await chats.receive(
        event_id=f"tg:{seq}", address=address, seq=seq, payload=json.dumps({"update_id": seq})
    )


async def test_a_received_update_is_handled_before_receive_returns(
    db: Database, clock: Clock
) -> None:
    recorder = Recorder(db, clock)
    await receive(queue(db, clock, recorder), 11)
    assert recorder.handled == [11]


async def test_an_update_received_twice_is_handled_once(db: Database, clock: Clock) -> None:
    recorder = Recorder(db, clock)
    chats = queue(db, clock, recorder)
    await receive(chats, 11)
    await receive(chats, 11)
    assert recorder.handled == [11]


async def test_a_later_update_waits_behind_an_earlier_one_that_failed(
    db: Database, clock: Clock
) -> None:
    recorder = Recorder(db, clock)
    recorder.failing.add(11)
    chats = queue(db, clock, recorder)
    await receive(chats, 11)
    await receive(chats, 12)
    assert recorder.handled == []
    recorder.failing.clear()
    clock.advance(seconds=3)
    await chats.sweep()
    assert recorder.handled == [11, 12]


async def test_the_sweep_picks_up_what_a_worker_that_died_had_claimed(
    database_url: str, clock: Clock
) -> None:
    dead, alive = Database(database_url), Database(database_url)
    try:
        dying = Recorder(dead, clock)
        dying.failing.add(11)
        await receive(queue(dead, clock, dying), 11)  # failed once: kept as pending

        async def killed(_: str) -> bool:
            raise asyncio.CancelledError  # SIGKILL: nothing after the claim happens

        clock.advance(seconds=3)
        with contextlib.suppress(asyncio.CancelledError):
            await ChatQueue(dead, channel="telegram", handle=killed, clock=clock).sweep()
        recorder = Recorder(alive, clock)
        survivor = queue(alive, clock, recorder)
        await receive(survivor, 12)  # the chat's next update finds 11 claimed and waits
        assert recorder.handled == []
        clock.advance(seconds=LEASE.total_seconds() + 1)
        await survivor.sweep()
        assert recorder.handled == [11, 12]
    finally:
        await dead.close()
        await alive.close()


async def test_an_update_whose_worker_died_before_it_was_kept_is_handled_when_sent_again(
    database_url: str, clock: Clock
) -> None:
    """Handled at once, an update is kept by the commit that handles it: a worker that dies
    before that commit kept nothing and answered nothing, so Telegram sends it again."""
    dead, alive = Database(database_url), Database(database_url)
    try:

        async def killed(_: str) -> bool:
            raise asyncio.CancelledError

        with contextlib.suppress(asyncio.CancelledError):
            await receive(ChatQueue(dead, channel="telegram", handle=killed, clock=clock), 11)
        recorder = Recorder(alive, clock)
        survivor = queue(alive, clock, recorder)
        await receive(survivor, 12)  # nothing of the chat is pending: 12 need not wait
        await receive(survivor, 11)  # Telegram's second try
        assert recorder.handled == [12, 11]
    finally:
        await dead.close()
        await alive.close()


async def test_pending_updates_of_one_chat_drained_by_two_workers_at_once_go_in_order(
    database_url: str, clock: Clock
) -> None:
    """Twenty updates of one chat wait (their handling failed once); then both workers
    drain the chat at the same moment, three times each: each is handled once, in order."""
    workers = [Database(database_url), Database(database_url)]
    try:
        recorder = Recorder(workers[0], clock)
        queues = [queue(db, clock, recorder) for db in workers]
        seqs = list(range(100, 120))
        recorder.failing.update(seqs)
        for seq in seqs:
            await receive(queues[seq % 2], seq)
        recorder.failing.clear()
        clock.advance(seconds=3)
        await asyncio.gather(*(q.drain("7") for q in queues for _ in range(3)))
        assert recorder.handled == seqs
    finally:
        for db in workers:
            await db.close()


async def test_updates_of_one_chat_received_by_two_workers_at_once_are_each_handled_once(
    database_url: str, clock: Clock
) -> None:
    workers = [Database(database_url), Database(database_url)]
    try:
        recorder = Recorder(workers[0], clock)
        queues = [queue(db, clock, recorder) for db in workers]
        seqs = list(range(100, 120))
        await asyncio.gather(*(receive(queues[n % 2], seq) for n, seq in enumerate(seqs)))
        await asyncio.gather(*(receive(queues[n % 2], seq) for n, seq in enumerate(seqs)))
        assert sorted(recorder.handled) == seqs
    finally:
        for db in workers:
            await db.close()


async def test_one_busy_chat_holds_up_no_other(db: Database, clock: Clock) -> None:
    recorder = Recorder(db, clock)
    recorder.failing.add(11)
    chats = queue(db, clock, recorder)
    await receive(chats, 11, address="7")
    await receive(chats, 12, address="8")
    assert recorder.handled == [12]


async def test_a_failed_update_is_tried_again_by_the_sweep_after_a_pause(
    db: Database, clock: Clock
) -> None:
    recorder = Recorder(db, clock)
    recorder.failing.add(11)
    chats = queue(db, clock, recorder)
    await receive(chats, 11)
    recorder.failing.clear()
    assert await chats.sweep() == 0
    clock.advance(seconds=3)
    assert await chats.sweep() == 1
