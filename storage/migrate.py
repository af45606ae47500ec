"""Bringing a database to the newest migration, with Alembic (`klik migrate`, `make run`)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from storage.db import MIGRATIONS, Database, async_url, sqlite_pragma


def alembic_config(url: str) -> Config:
    """An Alembic configuration for our migrations and this database URL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = async_url(url)
    return config


def newest_script() -> str | None:
    """The newest migration script, as Alembic reads the scripts."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def migrate(db: Database) -> None:
    """Bring the database to the newest migration."""

    def upgrade(connection: Connection) -> None:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with db.engine.connect() as connection:
        if not db.is_sqlite:
            async with connection.begin():
                await connection.run_sync(upgrade)
            return
        # SQLite alters a table by copying it (Alembic's batch mode); with foreign keys
        # enforced, dropping the old copy would take the rows that point at it along. SQLite
        # only lets them be switched off outside a transaction, so on the bare connection.
        await connection.run_sync(sqlite_pragma, "PRAGMA foreign_keys=OFF")
        try:
            async with connection.begin():
                await connection.run_sync(upgrade)
            broken = await connection.run_sync(sqlite_pragma, "PRAGMA foreign_key_check")
            if broken:
                raise RuntimeError(f"the migration left {len(broken)} broken references")
        finally:
            await connection.run_sync(sqlite_pragma, "PRAGMA foreign_keys=ON")
