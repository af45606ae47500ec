"""Migrations and the refusal to run on an unmigrated database."""

from __future__ import annotations

import random
import re
from pathlib import Path

from flows.pseudonyms import make_pseudonym
from storage.db import Database, async_url
from storage.migrate import migrate
from storage.schema import REVISION, current_revision


async def test_an_empty_database_has_no_revision_until_migrated(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/empty.db")
    assert await current_revision(db) is None
    await migrate(db)
    assert await current_revision(db) == REVISION
    await migrate(db)  # running it again changes nothing
    assert await current_revision(db) == REVISION
    await db.close()


async def test_the_test_databases_are_at_the_newest_migration(db: Database) -> None:
    assert await current_revision(db) == REVISION


def test_plain_urls_get_an_async_driver() -> None:
    assert async_url("sqlite:///var/klik.db") == "sqlite+aiosqlite:///var/klik.db"
    assert async_url("postgresql://u:p@h/db") == "postgresql+asyncpg://u:p@h/db"


def test_pseudonyms_are_a_name_and_four_digits_and_not_sequential() -> None:
    rng = random.Random(2026)
    names = [make_pseudonym(rng) for _ in range(200)]
    assert all(re.fullmatch(r"[A-Z][a-z]+-\d{4}", n) for n in names)
    numbers = [int(n.split("-")[1]) for n in names]
    assert numbers != sorted(numbers)
    assert len(set(names)) > 190


async def test_every_migration_can_be_undone_and_done_again(database_url: str) -> None:
    from alembic import command

    from storage.migrate import alembic_config

    db = Database(database_url)

    def down_and_up(connection: object) -> None:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        command.upgrade(config, "head")

    async with db.engine.begin() as connection:
        await connection.run_sync(down_and_up)
    assert await current_revision(db) == REVISION
    await db.close()


async def test_the_tables_in_the_code_match_the_migrations(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import storage.models  # noqa: F401  (registers the tables)

    def differences(connection: object) -> list[object]:
        context = MigrationContext.configure(connection)  # type: ignore[arg-type]
        return list(compare_metadata(context, SQLModel.metadata))

    async with db.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_a_migrated_sqlite_database_never_hands_out_an_id_twice(tmp_path: Path) -> None:
    from sqlalchemy import text

    db = Database(f"sqlite:///{tmp_path}/ids.db")
    await migrate(db)
    async with db.engine.connect() as connection:
        tables = (
            await connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type='table'"))
        ).all()
    numbered = {name: sql for name, sql in tables if re.search(r"\bid INTEGER NOT NULL", sql)}
    assert "cases" in numbered and "intake_media" in numbered
    assert [name for name, sql in numbered.items() if "AUTOINCREMENT" not in sql] == []
    await db.close()


async def test_every_sqlite_connection_zeroes_what_it_deletes(tmp_path: Path) -> None:
    # Asking the pragma proves nothing where the build has it on by default (Debian's): look
    # for the deleted words' bytes in the file itself instead.
    words = "Zebrapaardje42 woont bij haar oma " * 8
    path = tmp_path / "klik.db"
    db = Database(f"sqlite:///{path}")
    async with db.engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE kept (words TEXT)")
        await connection.exec_driver_sql("INSERT INTO kept VALUES (?)", (words,))
    await db.after_erasure()  # into the file's own pages
    assert words.encode() in path.read_bytes()  # the test would see them if they stayed
    async with db.engine.begin() as connection:
        await connection.exec_driver_sql("DELETE FROM kept")
    await db.after_erasure()
    left = path.read_bytes() + path.with_name("klik.db-wal").read_bytes()
    assert b"Zebrapaardje42" not in left
    await db.close()


async def test_after_an_erasure_the_sqlite_wal_is_emptied(tmp_path: Path) -> None:
    path = tmp_path / "klik.db"
    db = Database(f"sqlite:///{path}")
    await migrate(db)
    wal = path.with_name("klik.db-wal")
    async with db.engine.connect():  # an open connection keeps the WAL file in place
        assert wal.stat().st_size > 0
        await db.after_erasure()
        assert wal.stat().st_size == 0
    await db.close()
