"""Assembles the running service from the settings: content, database, flow, renderer.
Refuses to start, with a message that says what to do, on invalid content or an unmigrated
database; every command that touches the database goes through database_or_refuse (or, for
`klik migrate`, migrate_or_refuse)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.process.config import Settings, SettingsError
from bot.process.data_key import key_ring
from bot.services.conversation import Clock, ConversationService, Wake
from bot.services.observer import UNOBSERVED, Observer
from bot.services.render import Renderer
from bot.services.staff import StaffService
from flows.content import Content, ContentError, load_content
from flows.intake import IntakeFlow
from storage.db import Database
from storage.location import default_data_dir, sqlite_file
from storage.schema import REVISION, current_revision
from storage.sealing import KeyRing


class StartupError(Exception):
    """The service cannot start; the message says why and what to do."""


def utc_now() -> datetime:
    """The real clock, read only at the edges; everything else gets `now` passed in."""
    return datetime.now(UTC)


class ShiftedClock:
    """The wall clock moved on by the seconds written in a file (CLOCK_OFFSET_FILE): for
    drills and the end-to-end tests, which rehearse an evening-before reminder or a missed
    check without waiting a day. The file is read again only when it changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: float | None = None
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        try:
            changed = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return utc_now() + self.offset
        if changed != self.seen:
            self.seen = changed
            self.offset = timedelta(seconds=float(self.path.read_text().strip() or 0))
        return utc_now() + self.offset


def shown_url(url: str) -> str:
    """A database URL fit for a message: never with its password."""
    return make_url(url).render_as_string(hide_password=True)


def content_or_refuse(settings: Settings) -> Content:
    """The checked content, or StartupError listing every problem."""
    try:
        return load_content(settings.content_dir)
    except ContentError as error:
        lines = "\n".join(f"  {problem}" for problem in error.problems)
        raise StartupError(
            f"klik: content in {settings.content_dir} has {len(error.problems)} problem(s):\n"
            f"{lines}\nFix them and check with: klik check-content"
        ) from None


def keys_or_refuse(settings: Settings) -> KeyRing:
    """The data key ring (made beside an embedded database on its first run); StartupError
    (one line, never the key) when there is none."""
    try:
        return key_ring(settings, create=True)
    except SettingsError as error:
        raise StartupError(str(error)) from None


async def database_or_refuse(settings: Settings) -> Database:
    """The database, reachable and at the newest migration; StartupError (one line that says
    what to do) otherwise."""
    missing = sqlite_file(settings.database_url)
    if missing is not None and not missing.is_file():
        # Looking would leave an empty file behind; say plainly that there is none yet.
        raise StartupError(
            f"klik: the database {shown_url(settings.database_url)} does not exist yet. "
            "Run: klik migrate   (make run does this for you)"
        )
    db = Database(settings.database_url, keys=keys_or_refuse(settings))
    try:
        at = await current_revision(db)
    except (SQLAlchemyError, OSError) as error:
        await db.close()
        raise StartupError(
            f"klik: cannot reach the database {shown_url(db.url)}: {type(error).__name__}"
        ) from None
    if at != REVISION:
        await db.close()
        state = "is empty" if at is None else f"is at migration {at}, not {REVISION}"
        raise StartupError(
            f"klik: the database {shown_url(db.url)} {state}. "
            "Run: klik migrate   (make run does this for you)"
        )
    return db


async def database_ready(settings: Settings) -> None:
    """Return when the database is reachable and at the newest migration; StartupError (one
    line that says what to do) otherwise."""
    db = await database_or_refuse(settings)
    await db.close()


async def migrate_or_refuse(settings: Settings) -> None:
    """Bring the database to the newest migration; StartupError (one line) when it cannot.
    Of folders, only Klik's default data folder is created: any other missing folder in
    DATABASE_URL is more likely a typo than a wish."""
    path = sqlite_file(settings.database_url)
    if path is not None and not path.parent.is_dir():
        if path.parent != default_data_dir():
            raise StartupError(
                f"klik: the folder {path.parent} in DATABASE_URL does not exist; "
                "create it first, or correct DATABASE_URL"
            )
        path.parent.mkdir(parents=True)
    # Alembic is loaded only here: a serving worker never migrates, and would carry it.
    from alembic.util import CommandError

    from storage.migrate import migrate

    db = Database(settings.database_url, keys=keys_or_refuse(settings))
    try:
        await migrate(db)
    except (SQLAlchemyError, OSError) as error:
        raise StartupError(
            f"klik: cannot reach the database {shown_url(db.url)}: {type(error).__name__}"
        ) from None
    except CommandError as error:  # e.g. a database migrated by a newer Klik
        raise StartupError(f"klik: cannot migrate {shown_url(db.url)}: {error}") from None
    finally:
        await db.close()


@dataclass
class Runtime:
    """The parts every entry point shares."""

    settings: Settings
    content: Content
    db: Database
    flow: IntakeFlow
    renderer: Renderer

    @classmethod
    async def start(cls, settings: Settings) -> Runtime:
        """Check content and database and build the parts; StartupError if anything is off."""
        content = content_or_refuse(settings)
        db = await database_or_refuse(settings)
        return cls.build(settings, content, db)

    @classmethod
    def build(cls, settings: Settings, content: Content, db: Database) -> Runtime:
        """The parts on checked content and a database that is ready."""
        flow = IntakeFlow(content, settings.rules())
        renderer = Renderer(content, timezone=settings.zone, country=settings.country)
        return cls(settings, content, db, flow, renderer)

    def service(
        self,
        *,
        clock: Clock = utc_now,
        on_outbox: Wake | None = None,
        observer: Observer = UNOBSERVED,
    ) -> ConversationService:
        """A conversation service on this runtime, telling `observer` (the metrics)."""
        matchteam = StaffService(
            self.flow,
            self.settings.rules(),
            appointments=self.settings.appointment_rules(),
            dashboard_url=self.settings.dashboard_base(),
        )
        return ConversationService(
            self.db,
            self.flow,
            clock=clock,
            on_outbox=on_outbox,
            matchteam=matchteam,
            observer=observer,
            link_limits=self.settings.link_limits(),
            flood_limit=self.settings.flood_per_minute,
        )

    async def close(self) -> None:
        """Release the database."""
        await self.db.close()
