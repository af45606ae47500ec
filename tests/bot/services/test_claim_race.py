"""Two coaches tap "Ik neem dit op" at the same moment, from two processes: one wins."""

from __future__ import annotations

import asyncio
import multiprocessing
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.services.conversation import ConversationService
from bot.services.staff import StaffService
from flows.intake import IntakeFlow, Rules
from flows.messages import Inbound
from storage.db import Database
from storage.models import Case
from storage.sealing import KeyRing, decode_key
from tests.bot.team import BRAM, LOTTE, MONEY_AND_HOME, Team, add
from tests.conftest import TEST_DATA_KEY, Clock

NOW = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


def claim_from_another_process(
    url: str, address: str, case_id: int, barrier: Any, results: Any
) -> None:
    """Runs in its own process: its own engine and connections, then a claim on the signal."""
    from zoneinfo import ZoneInfo

    from flows.content import load_content
    from flows.hours import parse_service_hours

    rules = Rules(24, 12, ZoneInfo("Europe/Brussels"), parse_service_hours("mon-fri 09:00-21:00"))
    flow = IntakeFlow(load_content(), rules)

    async def claim() -> str:
        # A new process: the test's key ring, as a worker gets its key from the settings.
        db = Database(url, keys=KeyRing(decode_key(TEST_DATA_KEY)))
        service = ConversationService(
            db, flow, clock=lambda: NOW, matchteam=StaffService(flow, rules)
        )
        barrier.wait(timeout=60)
        handled = await service.handle(
            channel="telegram", address=address, event=Inbound("choice", choice=f"claim:{case_id}")
        )
        await db.close()
        return handled.tap.kind if handled.tap else "none"

    results.put((address, asyncio.run(claim())))


async def test_two_coaches_claiming_at_once_from_two_processes_get_one_winner(
    db: Database, database_url: str, flow: IntakeFlow, rules: Rules, clock: Clock
) -> None:
    ids = {
        LOTTE: await add(
            db, clock, LOTTE, role="coach", name="Lotte", languages="nl", focus="money", capacity=8
        ),
        BRAM: await add(
            db, clock, BRAM, role="coach", name="Bram", languages="nl", focus="money", capacity=8
        ),
    }
    team = Team(
        ConversationService(db, flow, clock=clock, matchteam=StaffService(flow, rules)),
        db,
        clock,
        ids,
    )
    await team.youngster("y1", *MONEY_AND_HOME)
    case = await team.case()
    assert case.id is not None
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    processes = [
        context.Process(
            target=claim_from_another_process, args=(database_url, who, case.id, barrier, results)
        )
        for who in (LOTTE, BRAM)
    ]
    for process in processes:
        process.start()
    outcomes = dict(results.get(timeout=90) for _ in processes)
    for process in processes:
        process.join(timeout=30)
    assert sorted(outcomes.values()) == ["quiet", "taken"]
    winner = next(who for who, kind in outcomes.items() if kind == "quiet")
    async with db.transaction() as session:
        stored = (await session.execute(select(Case))).scalar_one()
    assert (stored.state, stored.coach_id) == ("active", ids[winner])
