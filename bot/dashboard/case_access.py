"""The case a dashboard address names, loaded only if the viewer may open it (404 when there
is none, 403 when it is not theirs): shared by the case page and its forms."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dashboard.session import Viewer, desk_of
from bot.services.staff_load import Loaded, load_case
from flows.dashboard.access import may_open


async def case_for(session: AsyncSession, request: web.Request, who: Viewer) -> Loaded:
    loaded = await load_case(session, desk_of(request), int(request.match_info["case"]))
    if loaded is None:
        raise web.HTTPNotFound(text="404")
    if not may_open(who.role, who.id, loaded.case):
        raise web.HTTPForbidden(text="403")
    return loaded
