"""Appointments on the case page: the case's appointments (what is coming first) and the
forms to propose one, move it, cancel it, or say it was held or missed. Every form goes
through bot/services/appointments.py, the same rules (flows/appointments/) and messages as
/afspraak and the buttons in Telegram, in one transaction, audited as there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dashboard.case_access import case_for
from bot.dashboard.pages import back
from bot.dashboard.session import Viewer, desk_of, form, viewer
from bot.process.keys import CLOCK, DATABASE
from bot.services.appointments import web_plan, web_tap
from bot.services.staff_apply import StaleCase
from flows.appointments.machine import CANCELLED, CONFIRMED, DONE, MISSED, PROPOSED, UPCOMING, can
from flows.dashboard.access import may_work
from storage.appointments import appointments_of_case

SHOWN_STATES = (PROPOSED, CONFIRMED, DONE, MISSED, CANCELLED)  # a draft is the coach's own


@dataclass(frozen=True)
class Shown:
    """One appointment as the case page lists it, with what may be done with it now."""

    id: int
    state: str
    mode: str
    starts_at: datetime
    link: str
    place: str
    movable: bool
    cancellable: bool
    checkable: bool  # begun: the coach may say it was held or missed


async def listed(session: AsyncSession, case_id: int, now: datetime) -> list[Shown]:
    """What is still coming first (soonest first), then the rest (newest first)."""
    found = [
        Shown(
            a.id,
            a.state,
            a.mode,
            a.starts_at,
            a.link,
            a.place,
            can(a.state, "move"),
            can(a.state, "cancel"),
            can(a.state, "done") and a.starts_at <= now,
        )
        for a in await appointments_of_case(session, case_id=case_id, states=SHOWN_STATES)
        if a.starts_at is not None
    ]
    coming = [a for a in found if a.state in UPCOMING]
    past = sorted((a for a in found if a.state not in UPCOMING), key=lambda a: a.starts_at)
    return coming + past[::-1]


async def act(request: web.Request) -> web.Response:
    """A proposal (`new`) or a button under one appointment (`move`, `cancel`, `done`,
    `missed`); back to the case page with what happened."""
    who = await viewer(request)
    posted = await form(request, who)
    fields = {key: posted.get(key, "") for key in ("mode", "at", "words", "link", "place")}
    try:
        said, case_id = await _act(request, who, fields)
    except StaleCase:  # the youngster tapped the same appointment meanwhile: rolled back
        said, case_id = "stale", int(request.match_info["case"])
    raise back(f"/dashboard/cases/{case_id}", f"apt_{said}")


async def _act(request: web.Request, who: Viewer, fields: dict[str, str]) -> tuple[str, int]:
    desk, now = desk_of(request), request.app[CLOCK]()
    async with request.app[DATABASE].transaction() as session:
        case = (await case_for(session, request, who)).case
        if not may_work(who.id, case):
            raise web.HTTPForbidden(text="403")
        if "appointment" in request.match_info:
            said = await web_tap(
                session,
                desk,
                who.actor,
                who.person,
                int(request.match_info["appointment"]),
                request.match_info["verb"],
                fields,
                now,
            )
        else:
            said = await web_plan(session, desk, who.actor, who.person, case.id, fields, now)
    return said, case.id


def routes() -> list[web.RouteDef]:
    case = r"/dashboard/cases/{case:\d{1,12}}/appointments"
    return [
        web.post(case + "/new", act),
        web.post(case + r"/{appointment:\d{1,12}}/{verb:[a-z]{1,8}}", act),
    ]
