"""/healthz (the process answers) and /readyz (it can do its work: a load balancer sends it
traffic, an operator's monitor raises an alarm otherwise).

Ready means: the database answers and is at the newest migration, the content is loaded (the
process refuses to start on invalid content, so a running one has checked content), Telegram
answers (with a TELEGRAM_TOKEN; without one the answer names the mode instead), and a crisis
would reach somebody: at least one coach or team lead linked, active, not away and within
their hours (the same count as the guard job's warning). A 503 names the
checks that failed, never a person, an id or an address.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.process.keys import CLOCK, DATABASE, REACH, RUNTIME, SERVICE, SETTINGS, TELEGRAM
from storage.schema import REVISION, current_revision

log = logging.getLogger(__name__)

CHECK_TIMEOUT = 5.0  # seconds a database check may take before it counts as failed


async def healthz(_: web.Request) -> web.Response:
    """Alive: the process answers HTTP."""
    return web.json_response({"alive": True})


async def _database(app: web.Application) -> str | None:
    """The failed check's name ("database", "migration"), or None when the database is fit."""
    try:
        at = await asyncio.wait_for(current_revision(app[DATABASE]), timeout=CHECK_TIMEOUT)
    except (SQLAlchemyError, OSError, TimeoutError) as error:
        log.warning("readiness: the database cannot be reached (%s)", type(error).__name__)
        return "database"
    return None if at == REVISION else "migration"


async def _reaches_somebody(app: web.Application) -> bool:
    service = app[SERVICE]
    assert service.matchteam is not None
    try:
        reached = await asyncio.wait_for(
            app[REACH].check(app[DATABASE], service.matchteam, app[CLOCK]),
            timeout=CHECK_TIMEOUT,
        )
    except (SQLAlchemyError, OSError, TimeoutError):
        return False
    return reached > 0


async def readyz(request: web.Request) -> web.Response:
    """200 when every check passes, else 503 naming the failed checks."""
    app = request.app
    failed: list[str] = []
    database = await _database(app)
    if database is not None:
        failed.append(database)
    if RUNTIME not in app:
        failed.append("content")
    mode = app[SETTINGS].mode
    if mode == "telegram" and not await app[TELEGRAM].reachable():
        failed.append("telegram")
    # Who can be reached is only known from a database that is there and migrated.
    if database is None and not await _reaches_somebody(app):
        failed.append("staff")
    # Without Telegram the answer names the mode, so a monitor knows Telegram was not checked.
    named = {} if mode == "telegram" else {"mode": mode}
    if failed:
        return web.json_response({"ready": False, "failed": failed, **named}, status=503)
    return web.json_response({"ready": True, **named})


def add_health_routes(app: web.Application) -> None:
    """GET /healthz and /readyz."""
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
