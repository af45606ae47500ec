"""Assembles the running service from the settings: content, database, flow, renderer.
Refuses to start, with a message that says what to do, on invalid content or an unmigrated
database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.matchteam import Matchteam
from bot.render import Renderer
from bot.service import Clock, ConversationService
from flows.content import Content, ContentError, load_content
from flows.intake import IntakeFlow
from storage.db import Database, current_revision, head_revision


class StartupError(Exception):
    """The service cannot start; the message says why and what to do."""


def utc_now() -> datetime:
    """The real clock, read only at the edges; everything else gets `now` passed in."""
    return datetime.now(UTC)


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


async def database_or_refuse(settings: Settings) -> Database:
    """The database, reachable and at the newest migration; StartupError (one line that says
    what to do) otherwise."""
    db = Database(settings.database_url)
    try:
        at = await current_revision(db)
    except (SQLAlchemyError, OSError) as error:
        await db.close()
        raise StartupError(
            f"klik: cannot reach the database {shown_url(db.url)}: {type(error).__name__}"
        ) from None
    if at != head_revision():
        await db.close()
        state = "is empty" if at is None else f"is at migration {at}, not {head_revision()}"
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
        flow = IntakeFlow(content, settings.rules())
        renderer = Renderer(content, timezone=settings.zone, country=settings.country)
        return cls(settings, content, db, flow, renderer)

    def service(
        self, *, clock: Clock = utc_now, on_outbox: Callable[[], None] | None = None
    ) -> ConversationService:
        """A conversation service on this runtime."""
        matchteam = Matchteam(self.flow, self.settings.rules())
        return ConversationService(
            self.db, self.flow, clock=clock, on_outbox=on_outbox, matchteam=matchteam
        )

    async def close(self) -> None:
        """Release the database."""
        await self.db.close()
