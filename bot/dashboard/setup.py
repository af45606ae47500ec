"""The dashboard on the process's application: templates, the session cookie, the headers,
the routes and the static files. `add_dashboard` is called by create_app; the session key is
set once the database (and so the data key) is open, in the dashboard's cleanup_ctx step."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp_jinja2
import aiohttp_session
import jinja2
from aiohttp import web
from aiohttp.web_exceptions import NotAppKeyWarning

from bot.dashboard import (
    accounts,
    appointment_forms,
    case_page,
    coach_pages,
    handover_forms,
    lead_pages,
    signin_pages,
    statistics_pages,
)
from bot.dashboard.pages import page
from bot.dashboard.session import SessionCookies, headers, viewer_or_none
from bot.process.data_key import key_ring
from bot.process.keys import SETTINGS

HERE = Path(__file__).parent
# aiohttp-session keeps its storage under a plain string key on each request (its choice,
# harmless); aiohttp would warn about it on every request.
warnings.filterwarnings("ignore", category=NotAppKeyWarning, module="aiohttp_session")
COOKIES = web.AppKey("dashboard_cookies", SessionCookies)


@web.middleware
async def refusals(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """A 403 or 404 on a dashboard page is a page in the staff member's words."""
    try:
        return await handler(request)
    except (web.HTTPForbidden, web.HTTPNotFound) as refused:
        if not request.path.startswith("/dashboard") or request.path.endswith("/messages"):
            raise
        who = await viewer_or_none(request)
        return page(request, who, "refused.html", {"code": refused.status}, status=refused.status)


async def _session_key(app: web.Application) -> AsyncIterator[None]:
    """The cookie's key, derived from the data key (made beside a local SQLite file)."""
    app[COOKIES].open(key_ring(app[SETTINGS], create=True).current.session_key)
    yield


def add_dashboard(app: web.Application) -> None:
    """Routes, templates and the session on `app`; call before it starts, after its database
    step is in the cleanup_ctx chain."""
    settings = app[SETTINGS]
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
    )
    cookies = SessionCookies(secure=not settings.local_http)
    app[COOKIES] = cookies
    aiohttp_session.setup(app, cookies)
    app.middlewares.append(headers)
    app.middlewares.append(refusals)
    app.cleanup_ctx.append(_session_key)
    app[statistics_pages.REPORTS] = statistics_pages.Reports()
    for module in (
        signin_pages,
        coach_pages,
        case_page,
        appointment_forms,
        handover_forms,
        lead_pages,
        accounts,
        statistics_pages,
    ):
        app.router.add_routes(module.routes())
    app.router.add_static("/dashboard/static/", HERE / "static")
