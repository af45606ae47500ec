"""/healthz and /readyz of the process application: ready only when the database is there and
migrated, Telegram answers and a crisis would reach somebody; a 503 names what failed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from storage.db import Database
from tests.bot.served import Serve
from tests.bot.team import Team


@asynccontextmanager
async def migration_set_to(database_url: str, revision: str) -> AsyncIterator[None]:
    """The database says it is at another migration, and at the newest again afterwards (the
    PostgreSQL test database is shared by the whole run)."""
    db = Database(database_url)
    async with db.transaction() as session:
        head = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar()
        await session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    try:
        yield
    finally:
        async with db.transaction() as session:
            await session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": head})
        await db.close()


async def test_healthz_answers_200_while_the_process_runs(serve: Serve) -> None:
    async with serve() as it:
        answer = await it.client.get("/healthz")
        assert (answer.status, await answer.json()) == (200, {"alive": True})


async def test_readyz_is_503_naming_staff_when_a_crisis_would_reach_nobody(serve: Serve) -> None:
    async with serve() as it:
        answer = await it.client.get("/readyz")
        assert (answer.status, await answer.json()) == (503, {"ready": False, "failed": ["staff"]})


async def test_readyz_is_200_when_database_telegram_and_staff_are_fit(
    team: Team, serve: Serve
) -> None:
    async with serve() as it:
        answer = await it.client.get("/readyz")
        assert (answer.status, await answer.json()) == (200, {"ready": True})


async def test_readyz_is_503_naming_the_migration_when_the_database_is_not_at_the_newest(
    team: Team, serve: Serve, database_url: str
) -> None:
    async with serve() as it:
        async with migration_set_to(database_url, "0010"):
            answer = await it.client.get("/readyz")
        assert (answer.status, await answer.json()) == (
            503,
            {"ready": False, "failed": ["migration"]},
        )


async def test_readyz_is_503_naming_telegram_when_it_stops_answering(
    team: Team, serve: Serve
) -> None:
    async with serve() as it:
        it.request.fail("getMe", status=502, description="Bad Gateway")
        team.clock.advance(seconds=31)  # the last answer from Telegram is too old now
        answer = await it.client.get("/readyz")
        assert (answer.status, await answer.json()) == (
            503,
            {"ready": False, "failed": ["telegram"]},
        )
