"""How many statements an update sends, and how many connections a burst opens, on SQLite and
PostgreSQL: round trips are what an update costs, so their number is pinned here (their time
is measured in `make bench`, never in a test)."""

from __future__ import annotations

import asyncio

from sqlalchemy import event
from sqlalchemy.pool import ConnectionPoolEntry

from flows.messages import Inbound
from storage.db import POSTGRES_POOL, SQLITE_POOL
from tests.bot.team import MONEY_AND_HOME, Team
from tests.support.statements import counting


async def test_entering_the_queue_and_offering_the_case_takes_at_most_13_statements(
    team: Team,
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME[:-1])
    with counting(team.db.engine) as sent:
        await team.say("y1", Inbound("choice", choice=MONEY_AND_HOME[-1]))
    assert "INSERT INTO cases" in " ".join(sent.sent)
    assert len(sent) <= 13, "\n".join(sent.sent)


async def test_answering_a_question_takes_at_most_5_statements(team: Team) -> None:
    await team.youngster("y1", "age:16_17")
    with counting(team.db.engine) as sent:
        await team.say("y1", Inbound("choice", choice="q.health:2"))
    assert len(sent) <= 5, "\n".join(sent.sent)


async def test_the_youngster_and_their_case_are_read_once_per_update(team: Team) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    with counting(team.db.engine) as sent:
        await team.say("y1", Inbound("text", text="is er al iemand?"))
    reads = [s for s in sent.sent if s.lstrip().startswith("SELECT")]
    assert sum("FROM youngsters" in s for s in reads) == 1, "\n".join(reads)
    assert sum("FROM cases" in s and "youngsters" not in s for s in reads) == 0, "\n".join(reads)


async def test_a_burst_of_updates_reuses_the_pooled_connections(team: Team) -> None:
    opened: list[int] = []

    def connected(_dbapi: object, _record: ConnectionPoolEntry) -> None:
        opened.append(1)

    event.listen(team.db.engine.sync_engine, "connect", connected)
    try:
        for burst in range(3):
            await asyncio.gather(*(team.youngster(f"y{burst}-{n}", "age:16_17") for n in range(20)))
    finally:
        event.remove(team.db.engine.sync_engine, "connect", connected)
    assert len(opened) <= (SQLITE_POOL if team.db.is_sqlite else POSTGRES_POOL)


async def test_an_answer_s_writes_go_to_postgresql_as_one_statement_and_to_sqlite_at_once(
    team: Team,
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME[:2])
    with counting(team.db.engine) as sent:
        await team.say("y1", Inbound("choice", choice=MONEY_AND_HOME[2]))
    writes = [s for s in sent.sent if s.lstrip().startswith(("INSERT", "UPDATE", "WITH w"))]
    # The youngster's row, the answer, the statistics and the reply: one round trip on
    # PostgreSQL; SQLite, with no round trips to save, writes each at once.
    assert len(writes) == (4 if team.db.is_sqlite else 1), "\n".join(writes)
