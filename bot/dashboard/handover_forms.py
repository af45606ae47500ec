"""A warm hand-over answered on the dashboard: the colleague asked accepts (the same rule and
service code as the Telegram button, `staff_taps.accept` and flows/coaching/life.py) or
declines (life.decline: the coach hears it and keeps the case)."""

from __future__ import annotations

from aiohttp import web

from bot.dashboard.case_access import case_for
from bot.dashboard.pages import back
from bot.dashboard.session import Viewer, desk_of, form, viewer
from bot.process.keys import CLOCK, DATABASE
from bot.services.staff_apply import StaleCase, apply
from bot.services.staff_taps import accept
from flows.coaching import life


async def answer(request: web.Request) -> web.Response:
    who = await viewer(request)
    await form(request, who)
    accepting = request.match_info["what"] == "accept"
    case_id = int(request.match_info["case"])
    try:
        done = await _answer(request, who, accepting)
    except StaleCase:  # the case moved meanwhile (closed, requeued): rolled back
        done = False
    if not done:
        raise back(f"/dashboard/cases/{case_id}", "not_now")
    if accepting:
        raise back(f"/dashboard/cases/{case_id}", "accepted")
    raise back("/dashboard/cases", "declined")


async def _answer(request: web.Request, who: Viewer, accepting: bool) -> bool:
    desk, now = desk_of(request), request.app[CLOCK]()
    async with request.app[DATABASE].transaction() as session:
        case = (await case_for(session, request, who)).case
        if accepting:
            outcome = await accept(session, desk, who.person, case.id, now)
        else:
            outcome = life.decline(who.person, case)
        if outcome.changes:
            await apply(session, desk, outcome, now, actor=who.actor)
    return bool(outcome.changes)


def routes() -> list[web.RouteDef]:
    return [web.post(r"/dashboard/cases/{case:\d{1,12}}/handover/{what:accept|decline}", answer)]
