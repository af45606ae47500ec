"""The bot a database belongs to, on SQLite and PostgreSQL."""

from __future__ import annotations

from storage.bots import remember_bot
from storage.db import Database
from tests.conftest import Clock


async def remember(db: Database, clock: Clock, bot_id: str, username: str) -> tuple[str, str]:
    async with db.transaction() as session:
        owner = await remember_bot(
            session, channel="telegram", bot_id=bot_id, username=username, now=clock()
        )
        return owner.bot_id, owner.username


async def test_the_first_bot_to_start_is_remembered(db: Database, clock: Clock) -> None:
    assert await remember(db, clock, "123456789", "klik_gent_bot") == ("123456789", "klik_gent_bot")


async def test_another_bot_is_told_which_bot_the_database_belongs_to(
    db: Database, clock: Clock
) -> None:
    await remember(db, clock, "123456789", "klik_gent_bot")

    assert await remember(db, clock, "555666777", "klik_test_bot") == (
        "123456789",
        "klik_gent_bot",
    )


async def test_a_new_username_of_the_same_bot_is_kept(db: Database, clock: Clock) -> None:
    await remember(db, clock, "123456789", "klik_gent_bot")
    await remember(db, clock, "123456789", "klik_gent_official_bot")

    assert await remember(db, clock, "555666777", "klik_test_bot") == (
        "123456789",
        "klik_gent_official_bot",
    )
