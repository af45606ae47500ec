"""Notes, goals and a coach's list of cases as stored, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import text

from flows.state import CaseView, Intake
from storage.case_work import (
    add_goal,
    add_note,
    forget_case_work,
    goals_of,
    my_cases,
    notes_of,
    tick_goal,
)
from storage.cases import add_case_note
from storage.db import Database
from storage.intakes import create_youngster
from storage.models import Staff
from storage.queue import claim_case
from storage.youngster_cases import open_case
from tests.conftest import Clock


async def claimed(db: Database, clock: Clock, address: str = "1") -> tuple[int, int]:
    """A case claimed by a new coach: (case id, staff id)."""
    async with db.transaction() as session:
        staff = Staff(role="coach", name=f"Coach{address}", created_at=clock())
        session.add(staff)
        await session.flush()
        youngster = await create_youngster(
            session,
            channel="telegram",
            address=address,
            intake=Intake(state="queued", language="nl"),
            now=clock(),
            rng=random.Random(address),
        )
        view = CaseView(clock(), clock() + timedelta(days=1), False)
        case_id = (await open_case(session, youngster_id=youngster.id, case=view)).id
        assert staff.id is not None and case_id is not None
        assert await claim_case(session, case_id=case_id, staff_id=staff.id, now=clock())
        return case_id, staff.id


async def test_a_note_is_read_back_and_stored_sealed(db: Database, clock: Clock) -> None:
    case_id, staff_id = await claimed(db, clock)
    async with db.transaction() as session:
        await add_note(session, case_id=case_id, staff_id=staff_id, text="Geheim", now=clock())
    async with db.transaction() as session:
        assert [n.text for n in await notes_of(session, case_id=case_id)] == ["Geheim"]
        raw = (await session.execute(text("SELECT text FROM case_notes"))).scalar_one()
    assert "Geheim" not in raw


async def test_a_goal_is_ticked_and_unticked(db: Database, clock: Clock) -> None:
    case_id, staff_id = await claimed(db, clock)
    async with db.transaction() as session:
        await add_goal(session, case_id=case_id, staff_id=staff_id, text="Bellen", now=clock())
        (goal,) = await goals_of(session, case_id=case_id)
        assert await tick_goal(session, case_id=case_id, goal_id=goal.id, done=True, now=clock())
        assert (await goals_of(session, case_id=case_id))[0].done
        await tick_goal(session, case_id=case_id, goal_id=goal.id, done=False, now=clock())
        assert not (await goals_of(session, case_id=case_id))[0].done


async def test_a_goal_of_another_case_cannot_be_ticked(db: Database, clock: Clock) -> None:
    case_id, staff_id = await claimed(db, clock, "1")
    other, _ = await claimed(db, clock, "2")
    async with db.transaction() as session:
        await add_goal(session, case_id=case_id, staff_id=staff_id, text="Bellen", now=clock())
        (goal,) = await goals_of(session, case_id=case_id)
        assert not await tick_goal(session, case_id=other, goal_id=goal.id, done=True, now=clock())


async def test_my_cases_show_the_last_message_of_each(db: Database, clock: Clock) -> None:
    case_id, staff_id = await claimed(db, clock)
    async with db.transaction() as session:
        for said in ("eerste", "laatste"):
            await add_case_note(session, case_id=case_id, sender="youngster", text=said, at=clock())
        (mine,) = await my_cases(session, staff_id=staff_id, now=clock())
    assert mine.case_id == case_id and mine.last is not None and mine.last.text == "laatste"


async def test_forgetting_a_case_takes_its_notes_and_goals(db: Database, clock: Clock) -> None:
    case_id, staff_id = await claimed(db, clock)
    async with db.transaction() as session:
        await add_note(session, case_id=case_id, staff_id=staff_id, text="a", now=clock())
        await add_goal(session, case_id=case_id, staff_id=staff_id, text="b", now=clock())
        await forget_case_work(session, case_ids=[case_id])
        assert await notes_of(session, case_id=case_id) == []
        assert await goals_of(session, case_id=case_id) == []


async def test_erasing_a_youngster_takes_the_notes_and_goals_of_their_cases(
    db: Database, clock: Clock
) -> None:
    from storage.models import Case
    from storage.own_data import forget_youngster

    case_id, staff_id = await claimed(db, clock)
    async with db.transaction() as session:
        await add_note(session, case_id=case_id, staff_id=staff_id, text="a", now=clock())
        await add_goal(session, case_id=case_id, staff_id=staff_id, text="b", now=clock())
        youngster_id = (await session.get(Case, case_id)).youngster_id  # type: ignore[union-attr]
    async with db.transaction() as session:
        await forget_youngster(session, youngster_id=youngster_id)
    async with db.transaction() as session:
        assert await notes_of(session, case_id=case_id) == []
        assert await goals_of(session, case_id=case_id) == []
