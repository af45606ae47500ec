"""Signing in and out. The link from /dashboard (or `klik staff login-link`) opens a page
with one button: the link is used only when that button is pressed, so a link preview or a
scanner that fetches the address does not use it up."""

from __future__ import annotations

from aiohttp import web
from aiohttp_session import get_session

from bot.dashboard.pages import page
from bot.dashboard.session import form, sign_in, viewer, viewer_or_none
from bot.process.keys import CLOCK, DATABASE, SETTINGS
from flows.audit import staff_actor
from flows.dashboard.signin import SIGN_IN_PATH, link_digest, looks_like_secret
from storage.audit import record_audit
from storage.cases import staff_by_id
from storage.login_links import redeem_login_link


async def home(request: web.Request) -> web.Response:
    who = await viewer_or_none(request)
    if who is None:
        raise web.HTTPSeeOther("/dashboard/signed-out")
    raise web.HTTPSeeOther("/dashboard/board" if who.role == "teamlead" else "/dashboard/queue")


def _mode(request: web.Request) -> str:
    """How a new link is had: /dashboard in Telegram, or without Telegram a new start (local
    mode) or the administrator (`klik staff login-link`)."""
    return request.app[SETTINGS].mode


async def signed_out(request: web.Request) -> web.Response:
    return page(request, None, "signed_out.html", {"mode": _mode(request)})


async def link_page(request: web.Request) -> web.Response:
    return page(request, None, "signin.html", {"action": request.path, "refused": False})


async def use_link(request: web.Request) -> web.Response:
    secret = request.match_info["secret"]
    now = request.app[CLOCK]()
    staff_id = None
    if looks_like_secret(secret):
        async with request.app[DATABASE].transaction() as session:
            staff_id = await redeem_login_link(session, digest=link_digest(secret), now=now)
            staff = await staff_by_id(session, staff_id=staff_id) if staff_id else None
            if staff is None or staff.id is None or not staff.active:
                staff_id = None
            else:
                actor = staff_actor(staff.role, staff.id)
                await record_audit(session, at=now, actor=actor, action="sign_in")
    if staff_id is None:
        refused = {"action": "", "refused": True, "mode": _mode(request)}
        return page(request, None, "signin.html", refused, status=400)
    await sign_in(request, staff_id)
    raise web.HTTPSeeOther("/dashboard")


async def sign_out(request: web.Request) -> web.Response:
    who = await viewer(request)
    await form(request, who)
    (await get_session(request)).invalidate()
    raise web.HTTPSeeOther("/dashboard/signed-out")


def routes() -> list[web.RouteDef]:
    link = SIGN_IN_PATH + "{secret:[A-Za-z0-9_-]{1,100}}"
    return [
        web.get("/dashboard", home),
        web.get("/dashboard/signed-out", signed_out),
        web.get(link, link_page),
        web.post(link, use_link),
        web.post("/dashboard/out", sign_out),
    ]
