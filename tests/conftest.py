"""Fixtures that build real objects: the real content, a clock tests move by hand, and a
migrated database on SQLite and on PostgreSQL.

PostgreSQL tests need a server (KLIK_TEST_POSTGRES_URL, default 127.0.0.1:5432 database
"test"). Without one they are skipped with a plain reason; with KLIK_REQUIRE_POSTGRES=1 (as
in CI) a missing server is a failure instead.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.services.render import Renderer
from flows.content import Content, load_content
from flows.hours import parse_service_hours
from flows.intake import IntakeFlow, Rules
from storage.db import Database, async_url
from storage.migrate import migrate
from storage.sealing import KeyRing, decode_key, install

# python-telegram-bot gives retry_after as a timedelta (and warns otherwise), as in `klik`.
os.environ.setdefault("PTB_TIMEDELTA", "true")

# A fixed data key: every database the tests build is sealed with it. Settings read from the
# environment in tests get it too, so a service under test opens what the fixtures sealed.
TEST_DATA_KEY = "dGVzdC1rZXktZm9yLWtsaWstdGVzdHMtb25seS0wMTIzNDU2Nzg5"
os.environ.setdefault("DATA_KEY", TEST_DATA_KEY)
POSTGRES_URL = os.environ.get("KLIK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("KLIK_REQUIRE_POSTGRES") == "1"
BRUSSELS = ZoneInfo("Europe/Brussels")
TABLES = (
    "web_messages",
    "web_media",
    "web_codes",
    "web_visitors",
    "case_notes",
    "case_goals",
    "login_links",
    "guard_steps",
    "offers",
    "sent_messages",
    "case_messages",
    "appointment_due",
    "appointments",
    "cases",
    "intake_media",
    "intake_answers",
    "contacts",
    "outbox",
    "inbox",
    "set_aside_updates",
    "channel_bots",
    "stat_events",
    "youngsters",
    "staff_contacts",
    "staff_invites",
    "link_attempts",
    "staff",
    "audit_events",
    "feedback_counts",
    "feedback_lines",
)


class Clock:
    """A clock tests move by hand; every time it gives is aware UTC."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session", autouse=True)
def data_keys() -> KeyRing:
    """The test key ring, installed for the whole session (the service installs its own
    from the settings when it opens the database)."""
    ring = KeyRing(decode_key(TEST_DATA_KEY))
    install(ring)
    return ring


@pytest.fixture
def clock() -> Clock:
    # Monday 23 November 2026, 13:00 UTC = 14:00 in Brussels, inside service hours.
    return Clock(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="session")
def rules() -> Rules:
    return Rules(
        promise_hours=24,
        min_age=12,
        timezone=BRUSSELS,
        service_hours=parse_service_hours("mon-fri 09:00-21:00"),
    )


@pytest.fixture(scope="session")
def flow(content: Content, rules: Rules) -> IntakeFlow:
    return IntakeFlow(content, rules)


@pytest.fixture(scope="session")
def renderer(content: Content) -> Renderer:
    return Renderer(content, timezone=BRUSSELS, country="BE")


# -- databases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PostgresTestDatabase:
    url: str | None
    reason: str


async def _make_postgres_database() -> PostgresTestDatabase:
    admin = create_async_engine(async_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"klik_test_{secrets.token_hex(4)}"
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # any reason the server cannot be used
        return PostgresTestDatabase(None, f"PostgreSQL not reachable at {POSTGRES_URL}: {error}")
    finally:
        await admin.dispose()
    url = make_url(async_url(POSTGRES_URL)).set(database=name).render_as_string(False)
    db = Database(url)
    await migrate(db)
    await db.close()
    return PostgresTestDatabase(url, "")


async def _drop_postgres_database(url: str) -> None:
    admin = create_async_engine(async_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = make_url(url).database
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresTestDatabase]:
    made = asyncio.run(_make_postgres_database())
    yield made
    if made.url is not None:
        asyncio.run(_drop_postgres_database(made.url))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy, which is much faster than migrating."""
    path = tmp_path_factory.mktemp("template") / "klik.db"

    async def build() -> None:
        db = Database(f"sqlite:///{path}")
        await migrate(db)
        await db.close()

    asyncio.run(build())
    return path


def postgres_url_or_skip(made: PostgresTestDatabase) -> str:
    """The test database URL, or skip (fail in CI) with the reason."""
    if made.url is None:
        if REQUIRE_POSTGRES:
            pytest.fail(f"KLIK_REQUIRE_POSTGRES=1 but {made.reason}")
        pytest.skip(made.reason)
    return made.url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_database: PostgresTestDatabase,
) -> str:
    """A migrated, empty database URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "klik.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = postgres_url_or_skip(postgres_database)

    async def empty() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        await engine.dispose()

    asyncio.run(empty())
    return url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say in one line how many PostgreSQL tests were skipped, and why."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "PostgreSQL not reachable" in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.write_line(
            f"NOTE: {len(skipped)} PostgreSQL tests were SKIPPED: no server at {POSTGRES_URL}. "
            "Start one (or set KLIK_TEST_POSTGRES_URL) to run them; CI requires them.",
            yellow=True,
            bold=True,
        )
