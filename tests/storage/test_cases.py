"""A case's life as written (SQLite and PostgreSQL): each move names the state it expects."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from flows.case import ACTIVE, PAUSED, QUEUED
from flows.state import CaseView, Intake
from storage.cases import move_case, requeue_case, set_current_case
from storage.db import Database
from storage.guard import add_guard_steps
from storage.intakes import create_youngster
from storage.models import Case, GuardStep, Offer, Staff
from storage.queue import add_offers, claim_case
from storage.youngster_cases import open_case
from tests.conftest import Clock


async def claimed_case(db: Database, clock: Clock) -> tuple[int, int]:
    """A case Lotte claimed, offered to her and with its guard ladder: (case id, staff id)."""
    async with db.transaction() as session:
        intake = Intake(state="queued", language="nl")
        row = await create_youngster(
            session,
            channel="telegram",
            address="y1",
            intake=intake,
            now=clock(),
            rng=random.Random(1),
        )
        case = await open_case(session, youngster_id=row.id, case=CaseView(clock(), clock()))
        lotte = Staff(role="coach", name="Lotte", created_at=clock())
        session.add(lotte)
        await session.flush()
        assert case.id is not None and lotte.id is not None
        await add_offers(session, pairs=[(case.id, lotte.id)], now=clock())
        await add_guard_steps(session, case_id=case.id, steps=[("tell_youngster", clock())])
        assert await claim_case(session, case_id=case.id, staff_id=lotte.id, now=clock())
        return case.id, lotte.id


async def state_of(db: Database, case_id: int) -> str:
    async with db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        return case.state


async def test_a_move_takes_the_case_from_the_state_it_names(db: Database, clock: Clock) -> None:
    case_id, _ = await claimed_case(db, clock)
    async with db.transaction() as session:
        assert await move_case(session, case_id=case_id, before=ACTIVE, state=PAUSED)
    assert await state_of(db, case_id) == PAUSED


async def test_a_case_moved_meanwhile_is_not_overwritten(db: Database, clock: Clock) -> None:
    case_id, _ = await claimed_case(db, clock)
    async with db.transaction() as session:
        assert not await move_case(session, case_id=case_id, before=PAUSED, state=ACTIVE)
    assert await state_of(db, case_id) == ACTIVE


async def test_a_requeued_case_forgets_its_coach_offers_and_guard(
    db: Database, clock: Clock
) -> None:
    case_id, lotte = await claimed_case(db, clock)
    async with db.transaction() as session:
        await set_current_case(session, staff_id=lotte, case_id=case_id)
        assert await requeue_case(
            session,
            case_id=case_id,
            before=ACTIVE,
            state=QUEUED,
            queued_at=clock(),
            deadline=clock(),
        )
    async with db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        assert (case.state, case.coach_id, case.priority) == (QUEUED, None, True)
        for table in (Offer, GuardStep):
            assert (await session.execute(select(func.count()).select_from(table))).scalar() == 0
