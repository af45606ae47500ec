"""Which migration the database is at, and which one this code works with.

The serving process checks this at start and in /readyz. It does so without Alembic, which
with its template engine would add some 11 MB to every worker for a question one SELECT
answers; Alembic is loaded only to migrate (storage/migrate.py).
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

from storage.db import Database

# The newest script in storage/migrations/versions. A new migration changes it too:
# tests/storage/test_schema.py fails until it does.
REVISION = "0022"

_VERSIONS = "alembic_version"  # the table where Alembic writes the revision it migrated to


async def current_revision(db: Database) -> str | None:
    """The migration the database is at, or None for an empty database. A database with two
    (it was migrated along two branches) reads as both, which no code works with."""

    def read(connection: Connection) -> str | None:
        if not inspect(connection).has_table(_VERSIONS):
            return None
        versions = connection.execute(text(f"SELECT version_num FROM {_VERSIONS}")).scalars()
        return ",".join(sorted(versions)) or None

    async with db.engine.connect() as connection:
        return await connection.run_sync(read)
