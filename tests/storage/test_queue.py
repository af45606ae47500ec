"""The queue's figures for the metrics on SQLite and PostgreSQL: counts and moments only."""

from __future__ import annotations

import random
from datetime import timedelta

from flows.state import CaseView, Intake
from storage.db import Database
from storage.intakes import create_youngster
from storage.queue import QueueFigures, queue_figures
from storage.youngster_cases import open_case, withdraw_case
from tests.conftest import Clock


async def queued(db: Database, clock: Clock, address: str, *, urgent: bool = False) -> str:
    """A youngster queued now, with a deadline a day later; the youngster's id."""
    async with db.transaction() as session:
        youngster = await create_youngster(
            session,
            channel="telegram",
            address=address,
            intake=Intake(state="queued", language="nl"),
            now=clock(),
            rng=random.Random(address),
        )
        view = CaseView(clock(), clock() + timedelta(days=1), urgent)
        await open_case(session, youngster_id=youngster.id, case=view)
        return youngster.id


async def figures(db: Database) -> QueueFigures:
    async with db.transaction() as session:
        return await queue_figures(session)


async def test_an_empty_queue_has_no_oldest_case_and_no_deadline(db: Database) -> None:
    assert await figures(db) == QueueFigures(0, 0, None, None)


async def test_the_queue_figures_count_waiting_and_urgent_cases_and_the_oldest_wait(
    db: Database, clock: Clock
) -> None:
    first = clock()
    await queued(db, clock, "1")
    clock.advance(hours=1)
    await queued(db, clock, "2", urgent=True)
    assert await figures(db) == QueueFigures(2, 1, first, first + timedelta(days=1))


async def test_a_withdrawn_case_no_longer_counts_as_waiting(db: Database, clock: Clock) -> None:
    gone = await queued(db, clock, "1")
    clock.advance(hours=1)
    await queued(db, clock, "2")
    async with db.transaction() as session:
        await withdraw_case(session, youngster_id=gone, now=clock())
    later = clock()
    assert await figures(db) == QueueFigures(1, 0, later, later + timedelta(days=1))
