"""Alembic environment: migrations run on the connection Klik hands over (`klik migrate`),
or, for developers running `alembic` by hand, on DATABASE_URL."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.db import async_url, make_engine
from storage.location import default_database_url

target_metadata = SQLModel.metadata


def run_on(connection: Connection) -> None:
    """Run the migrations on one connection; batch mode lets SQLite alter tables."""
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_with_url(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


def install_keys() -> None:
    """Run by hand (`alembic upgrade`), the migrations that seal rows need the data key from
    the settings; `klik migrate` installed it already."""
    from bot.process.config import settings_or_exit
    from bot.process.data_key import key_ring
    from storage import sealing

    try:
        sealing.ring()
    except sealing.NoKeyRing:
        sealing.install(key_ring(settings_or_exit(), create=True))


given = context.config.attributes.get("connection")
if given is not None:
    run_on(given)
else:
    install_keys()
    url = context.config.attributes.get("url") or os.environ.get(
        "DATABASE_URL", default_database_url()
    )
    asyncio.run(run_with_url(async_url(url)))
