"""Migration 0015 seals what an existing database holds in plain text, with the key from the
settings, and the service finds every chat by its keyed hash afterwards."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic import command
from sqlalchemy import Connection, DateTime, bindparam, select, text
from sqlmodel import col

from storage.db import Database
from storage.intakes import find_youngster
from storage.migrate import alembic_config
from storage.models import CaseMessage, IntakeAnswer
from storage.outbox import find_sent
from storage.staff import find_staff

NOW = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
PLAIN_ROWS = [
    "INSERT INTO youngsters (id, pseudonym, language, state, paused, journey, created_at,"
    " last_seen) VALUES ('y1', 'Sam-4821', 'nl', 'queued', false, 'j1', :now, :now)",
    "INSERT INTO contacts (youngster_id, channel, address)"
    " VALUES ('y1', 'telegram', '987654321012')",
    "INSERT INTO intake_answers (youngster_id, question, text) VALUES ('y1', 'health',"
    " 'Zebrapaardje42 slaapt slecht')",
    "INSERT INTO cases (youngster_id, state, urgent, priority, shared, queued_at, deadline)"
    " VALUES ('y1', 'queued', false, false, true, :now, :now)",
    "INSERT INTO case_messages (case_id, sender, text, created_at) VALUES (1, 'youngster',"
    " 'Giraffenek77 wacht', :now)",
    "INSERT INTO staff (role, name, intro, languages, focus, regions, modes, capacity, hours,"
    " active, created_at) VALUES ('coach', 'Lotte', '', 'nl', '', '', 'chat', 8, '', true, :now)",
    "INSERT INTO staff_contacts (staff_id, channel, address)"
    " VALUES (1, 'telegram', '987654321099')",
    "INSERT INTO sent_messages (channel, address, message_id, tag, created_at) VALUES"
    " ('telegram', '987654321099', '55', 'case:1', :now)",
]


async def _to(db: Database, revision: str, then: list[str] | None = None) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        if revision == "head":
            command.upgrade(config, "head")
        else:
            command.downgrade(config, revision)
        for statement in then or []:
            query = text(statement)
            if ":now" in statement:
                query = query.bindparams(bindparam("now", type_=DateTime(timezone=True)))
            connection.execute(query, {"now": NOW} if ":now" in statement else {})

    async with db.engine.connect() as connection:
        # As `klik migrate` does (storage/db.py): SQLite copies a table to alter it, which
        # enforced foreign keys forbid while rows point at it.
        await connection.run_sync(_foreign_keys, "OFF")
        try:
            async with connection.begin():
                await connection.run_sync(run)
        finally:
            await connection.run_sync(_foreign_keys, "ON")


def _foreign_keys(connection: Connection, switch: str) -> None:
    if connection.dialect.name == "sqlite":
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(f"PRAGMA foreign_keys={switch}")
        cursor.close()


async def test_migrating_seals_the_plain_rows_and_every_lookup_still_finds_them(
    db: Database,
) -> None:
    await _to(db, "0014", PLAIN_ROWS)
    await _to(db, "head")
    async with db.transaction() as session:
        raw: list[Any] = [
            *(await session.execute(text("SELECT address, address_key FROM contacts"))).one(),
            (await session.execute(text("SELECT text FROM intake_answers"))).scalar_one(),
            (await session.execute(text("SELECT text FROM case_messages"))).scalar_one(),
            (await session.execute(text("SELECT address FROM sent_messages"))).scalar_one(),
        ]
        youngster = await find_youngster(session, channel="telegram", address="987654321012")
        coach = await find_staff(session, channel="telegram", address="987654321099")
        sent = await find_sent(session, channel="telegram", address="987654321099", tag="case:1")
        answer = (await session.execute(select(col(IntakeAnswer.text)))).scalar_one()
        message = (await session.execute(select(col(CaseMessage.text)))).scalar_one()
    assert not any(
        secret in str(value)
        for value in raw
        for secret in ("987654321012", "987654321099", "Zebrapaardje42", "Giraffenek77")
    )
    assert youngster is not None and coach is not None and sent == "55"
    assert (answer, message) == ("Zebrapaardje42 slaapt slecht", "Giraffenek77 wacht")


async def test_undoing_the_migration_gives_the_plain_rows_back(db: Database) -> None:
    await _to(db, "0014", PLAIN_ROWS)
    await _to(db, "head")
    await _to(db, "0014")
    async with db.transaction() as session:
        address = (await session.execute(text("SELECT address FROM contacts"))).scalar_one()
        words = (await session.execute(text("SELECT text FROM intake_answers"))).scalar_one()
    assert (address, words) == ("987654321012", "Zebrapaardje42 slaapt slecht")
    await _to(db, "head")
