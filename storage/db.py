"""Database engines and transactions, for SQLite (embedded default) and PostgreSQL.

SQLite silently ignores FOR UPDATE, so every SQLite transaction begins with BEGIN IMMEDIATE:
writers are serialised and no concurrent update can lose an answer. On PostgreSQL the
conversation service locks the youngster's row instead.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from storage import deferred
from storage.sealing import KeyRing, install
from storage.turns import WriteTurns

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
POSTGRES_POOL = 10  # connections per worker process


class KeepingSession(Session):
    """A session that sends the writes its transaction kept (storage/deferred.py) before any
    other statement or flush of its own."""


deferred.install(KeepingSession)
SQLITE_POOL = 4


def async_url(url: str) -> str:
    """Accept plain sqlite:/// and postgresql:// URLs and pick the async driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    """Whether the URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, **options: Any) -> AsyncEngine:
    """An async engine; on SQLite with WAL, a busy timeout and BEGIN IMMEDIATE."""
    url = async_url(url)
    # A failed statement's parameters are a youngster's words: never in an error's text or a
    # log. Forced, not a default: every engine (the service's, the migrations', a command's)
    # is made here. Echo is off for the same reason: SQLAlchemy echoes through a handler of
    # its own, past the log's privacy filter (bot/process/redaction.py).
    options["hide_parameters"] = True
    options["echo"] = options["echo_pool"] = False
    if make_url(url).database in (None, "", ":memory:"):
        # An in-memory SQLite database lives in one connection (SQLAlchemy's StaticPool).
        return create_async_engine(url, **options)
    # A fixed set of connections, all kept: an overflow connection would be opened for a burst
    # and closed again at its end, a new connection (and on PostgreSQL a new server process)
    # for every few updates. Updates beyond the pool wait for a connection instead, which
    # costs nothing: the database is the bottleneck then anyway.
    options.setdefault("max_overflow", 0)
    options.setdefault("pool_timeout", 60)
    if not is_sqlite(url):
        # Enough for the handlers, the sender and the jobs of one worker at once.
        options.setdefault("pool_size", POSTGRES_POOL)
        # No pre-ping: it costs a round trip per transaction. A connection that died fails its
        # transaction, and the channel retries the update (bot/channels/telegram/polling.py).
        return create_async_engine(url, **options)
    # SQLite runs one writer at a time (BEGIN IMMEDIATE): more connections would only wait on
    # the file lock, each in its own thread.
    options.setdefault("pool_size", SQLITE_POOL)
    # No folder is made here: `klik migrate` makes only the default one (storage/location.py).
    engine = create_async_engine(url, connect_args={"timeout": 30}, **options)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # A deleted row's bytes are overwritten with zeros, not left in a free page: an
        # erased youngster's words must not be readable in a copy of the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def insert_new(session: AsyncSession, table: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING into a table (`Model.__table__`: a Core insert,
    cheaper than the ORM's bulk path) for the session's database (both SQLite and PostgreSQL
    have it): rows already there stay as they are, without reading them first."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    return insert(table).on_conflict_do_nothing()


class Database:
    """An engine plus a session factory; `transaction()` is the one way to change data.
    `keys`: the data key ring from the settings, installed for every sealed column of this
    process (storage/sealing.py); tests install theirs once."""

    def __init__(self, url: str, *, keys: KeyRing | None = None, **options: Any) -> None:
        if keys is not None:
            install(keys)
        self.url = async_url(url)
        self._is_sqlite = is_sqlite(url)  # asked at every transaction: parsed once
        self.engine = make_engine(url, **options)
        # On PostgreSQL a transaction keeps its last writes to send them as one statement
        # (storage/deferred.py); SQLite has no round trips to save, and writes at once.
        self.sessions = async_sessionmaker(
            self.engine,
            expire_on_commit=False,
            sync_session_class=Session if self._is_sqlite else KeepingSession,
        )
        # SQLite has one writer at a time: its transactions take turns here, in order, with
        # the urgent ones first, rather than in the file lock's busy-wait, which favours no
        # one and let a burst of updates keep a sent message unmarked for seconds.
        self.turns = WriteTurns()

    @property
    def is_sqlite(self) -> bool:
        """Whether this is the embedded SQLite store."""
        return self._is_sqlite

    @asynccontextmanager
    async def transaction(self, *, urgent: bool = False) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed on success, rolled back on any error.
        `urgent` (SQLite): before every transaction still waiting for the one writer."""
        if not self.is_sqlite:
            async with self.sessions() as session, session.begin():
                kept = _keeping(session)
                yield session
                if kept.kept:
                    await session.run_sync(kept.send)
            return
        async with self.turns.turn(urgent=urgent), self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def at_once(self, *, urgent: bool = False) -> AsyncIterator[AsyncSession]:
        """A session whose every statement commits by itself (PostgreSQL autocommit): one
        statement, one round trip, durable when it returns. For a write that must land in
        the least time, such as marking a message sent. On SQLite, whose commit costs no
        round trip, an ordinary transaction."""
        if self.is_sqlite:
            async with self.transaction(urgent=urgent) as session:
                yield session
            return
        async with self.engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            async with AsyncSession(bind=autocommit, expire_on_commit=False) as session:
                yield session

    async def after_erasure(self) -> None:
        """After an erasure was committed: on SQLite, copy the WAL into the database file
        and empty it (a TRUNCATE checkpoint), so the old pages with the erased words, kept in
        the WAL until a checkpoint, are gone too (secure_delete has already zeroed them in
        the file's own pages). It waits for readers for at most the busy timeout and blocks
        writers only while it copies, which is a few pages. A checkpoint that cannot finish
        now (a reader holds an old snapshot) is finished by SQLite's next automatic one.
        PostgreSQL needs nothing: `pg_dump` writes only live rows, and dead tuples are
        reclaimed by autovacuum."""
        if not self.is_sqlite:
            return
        try:
            async with self.engine.connect() as connection:
                await connection.run_sync(sqlite_pragma, "PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception as error:  # the erasure is committed; the next checkpoint will do
            log.warning("event=checkpoint_failed error=%s", type(error).__name__)

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def _keeping(session: AsyncSession) -> deferred.Deferred:
    """The session keeps its writes (storage/deferred.py); they are sent before the commit."""
    kept = deferred.Deferred()
    session.info[deferred.KEY] = kept
    return kept


def sqlite_pragma(connection: Connection, pragma: str) -> list[Any]:
    """Run a PRAGMA on the driver's connection, outside SQLAlchemy's transactions."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(pragma)
        return list(cursor.fetchall())
    finally:
        cursor.close()
