"""An update arriving, on SQLite and PostgreSQL: marked handled once, and the staff member
behind its chat found with it."""

from __future__ import annotations

from sqlalchemy import select

from storage.arrival import Arrival, arrive
from storage.db import Database
from storage.inbox import store_pending
from storage.models import InboxEvent, Staff
from storage.staff import deactivate_staff, link_contact
from tests.conftest import Clock

COACH_CHAT = "5550001"


async def arrival(db: Database, clock: Clock, event_id: str | None, address: str) -> Arrival:
    async with db.transaction() as session:
        return await arrive(
            session, event_id=event_id, channel="telegram", address=address, now=clock()
        )


async def add_coach(db: Database, clock: Clock) -> int:
    async with db.transaction() as session:
        staff = Staff(role="coach", name="Lotte", created_at=clock())
        session.add(staff)
        await session.flush()
        assert staff.id is not None
        await link_contact(session, staff_id=staff.id, channel="telegram", address=COACH_CHAT)
        return staff.id


async def test_a_new_update_is_fresh_and_the_same_update_again_is_not(
    db: Database, clock: Clock
) -> None:
    first = await arrival(db, clock, "tg:1", "42")
    again = await arrival(db, clock, "tg:1", "42")
    other = await arrival(db, clock, "tg:2", "42")
    assert (first.fresh, again.fresh, other.fresh) == (True, False, True)


async def test_an_update_without_an_id_is_fresh_every_time_and_not_kept(
    db: Database, clock: Clock
) -> None:
    assert (await arrival(db, clock, None, "42")).fresh
    assert (await arrival(db, clock, None, "42")).fresh
    async with db.transaction() as session:
        assert (await session.execute(select(InboxEvent))).first() is None


async def test_the_active_staff_member_behind_the_chat_comes_with_the_update(
    db: Database, clock: Clock
) -> None:
    coach_id = await add_coach(db, clock)
    from_coach = await arrival(db, clock, "tg:1", COACH_CHAT)
    from_youngster = await arrival(db, clock, "tg:2", "42")
    assert from_coach.staff is not None and from_coach.staff.id == coach_id
    assert from_youngster.staff is None


async def test_a_deactivated_staff_members_chat_is_nobodys(db: Database, clock: Clock) -> None:
    coach_id = await add_coach(db, clock)
    async with db.transaction() as session:
        await deactivate_staff(session, staff_id=coach_id)
    assert (await arrival(db, clock, "tg:1", COACH_CHAT)).staff is None


async def test_an_update_stored_as_pending_arrives_once_and_forgets_its_chat(
    db: Database, clock: Clock
) -> None:
    async with db.transaction() as session:
        await store_pending(
            session,
            event_id="tg:1",
            channel="telegram",
            address="42",
            seq=1,
            payload='{"update_id": 1}',
            now=clock(),
        )
    assert (await arrival(db, clock, "tg:1", "42")).fresh
    assert not (await arrival(db, clock, "tg:1", "42")).fresh
    async with db.transaction() as session:
        row = (await session.execute(select(InboxEvent))).scalar_one()
    assert (row.pending, row.address, row.payload) == (False, None, None)
