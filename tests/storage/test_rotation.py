"""`klik rotate-key` at the storage level: every sealed row moves to the new key in small
batches, and the service's lookups find every row before, during and after."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlmodel import col

from storage import sealing
from storage.arrival import arrive
from storage.db import Database
from storage.inbox import chats_waiting, claim_next
from storage.intakes import find_youngster
from storage.models import Contact, IntakeAnswer, Staff, StaffContact
from storage.outbox import find_sent, remember_sent, tag_of
from storage.rotation import count_behind, rotate_all, rotate_batch, tables
from storage.sealing import KeyRing
from storage.staff import find_staff
from storage.youngster_read import find_youngster_with_case
from tests.conftest import Clock
from tests.storage.test_inbox import LEASE, store
from tests.storage.test_outbox import claim, put
from tests.storage.test_sealing import _case_with_message

OLD = b"the-old-data-key-of-thirty-two-bytes-0001"
NEW = b"the-new-data-key-of-thirty-two-bytes-0002"
CHAT, COACH = "987654321012", "987654321099"


@pytest.fixture
def old_key(data_keys: KeyRing) -> Iterator[None]:
    """The database's rows are sealed with OLD; the test ring comes back afterwards."""
    sealing.install(KeyRing(OLD))
    yield
    sealing.install(data_keys)


def rotating() -> KeyRing:
    """DATA_KEY = NEW, DATA_KEY_OLD = OLD: what the service runs with during a rotation."""
    ring = KeyRing(NEW, [OLD])
    sealing.install(ring)
    return ring


async def seed(db: Database, clock: Clock) -> None:
    """One of everything sealed: a contact, an answer, a message, a coach, replies, a
    delivered message and a pending update."""
    await _case_with_message(db, "Zebrapaardje42")
    async with db.transaction() as session:
        session.add(Contact(youngster_id="y1", channel="telegram", address=CHAT))
        session.add(IntakeAnswer(youngster_id="y1", question="health", text="slaap slecht"))
        staff = Staff(role="coach", name="Lotte", created_at=clock())
        session.add(staff)
        await session.flush()
        assert staff.id is not None
        session.add(StaffContact(staff_id=staff.id, channel="telegram", address=COACH))
        await remember_sent(
            session, channel="telegram", address=COACH, message_id="55", tag="case:1", now=clock()
        )
    await put(db, clock, CHAT, "help.text", "status.new")
    await store(db, clock, 1, address=CHAT)


async def found_everything(db: Database) -> bool:
    async with db.transaction() as session:
        youngster = await find_youngster(session, channel="telegram", address=CHAT)
        coach = await find_staff(session, channel="telegram", address=COACH)
        sent = await find_sent(session, channel="telegram", address=COACH, tag="case:1")
        tag = await tag_of(session, channel="telegram", address=COACH, message_id="55")
        answer = (await session.execute(select(col(IntakeAnswer.text)))).scalar_one()
        # As an update finds them: the coach behind their chat, the youngster with answers.
        arrival = await arrive(
            session, event_id=None, channel="telegram", address=COACH, now=datetime.now(UTC)
        )
        found = await find_youngster_with_case(session, channel="telegram", address=CHAT)
    return (
        youngster is not None
        and coach is not None
        and arrival.staff is not None
        and found is not None
        and [row[2] for row in found.kept] == ["slaap slecht"]
        and (sent, tag, answer) == ("55", "case:1", "slaap slecht")
    )


@pytest.mark.usefixtures("old_key")
async def test_a_rotation_reencrypts_every_row_and_then_the_old_key_is_not_needed(
    db: Database, clock: Clock
) -> None:
    await seed(db, clock)
    done = await rotate_all(db, rotating())
    # contact, coach's contact, answer, message, two replies, delivered message, update
    assert sum(done.values()) == 8
    sealing.install(KeyRing(NEW))  # DATA_KEY_OLD removed
    assert await found_everything(db)
    assert await claim(db, clock) == [(CHAT, "help.text")]


@pytest.mark.usefixtures("old_key")
async def test_a_second_rotation_finds_nothing_left_to_do(db: Database, clock: Clock) -> None:
    await seed(db, clock)
    await rotate_all(db, rotating())
    again = await rotate_all(db, rotating())
    assert sum(again.values()) == 0


@pytest.mark.usefixtures("old_key")
async def test_every_lookup_still_works_halfway_through_a_rotation(
    db: Database, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed(db, clock)
    ring = rotating()
    monkeypatch.setattr("storage.rotation.BATCH", 1)
    for table in tables():  # one row of each table moved, as if interrupted
        async with db.transaction() as session:
            await rotate_batch(session, table, ring)
    assert await found_everything(db)
    async with db.transaction() as session:
        left = sum([await count_behind(session, table, ring) for table in tables()])
    assert left > 0


@pytest.mark.usefixtures("old_key")
async def test_a_reply_queued_during_a_rotation_waits_behind_the_chats_older_reply(
    db: Database, clock: Clock
) -> None:
    await put(db, clock, CHAT, "help.text")
    rotating()
    await put(db, clock, CHAT, "status.new")
    assert await claim(db, clock) == [(CHAT, "help.text")]


@pytest.mark.usefixtures("old_key")
async def test_a_chats_pending_updates_stay_one_queue_through_a_rotation(
    db: Database, clock: Clock
) -> None:
    await store(db, clock, 1, address=CHAT)
    ring = rotating()
    await store(db, clock, 2, address=CHAT)
    clock.advance(minutes=5)
    async with db.transaction() as session:
        assert await chats_waiting(session, channel="telegram", now=clock(), older_than=LEASE) == [
            CHAT
        ]
    await rotate_all(db, ring)
    async with db.transaction() as session:
        first = await claim_next(
            session, channel="telegram", address=CHAT, now=clock(), lease=LEASE
        )
    assert first is not None and first.seq == 1


@pytest.mark.usefixtures("old_key")
async def test_after_a_rotation_no_stored_value_names_the_old_key(
    db: Database, clock: Clock
) -> None:
    await seed(db, clock)
    old_id = KeyRing(OLD).current.id
    await rotate_all(db, rotating())
    async with db.transaction() as session:
        for table in tables():
            for row in (await session.execute(text(f"SELECT * FROM {table.name}"))).all():
                assert not any(str(v).startswith(old_id) for v in row), table.name
