"""The team lead's staff page: add a coach or team lead, a new invite code, away until a day,
deactivate. The same rules as `klik coach ...` (flows/staff.py) and the same storage verbs;
each change is in the audit log under the team lead who made it."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time

from aiohttp import web

from bot.dashboard.pages import back, page, words
from bot.dashboard.session import Viewer, desk_of, form, lead
from bot.process.keys import CLOCK, DATABASE, SERVICE, SETTINGS
from bot.process.staff_commands import choices_of
from flows.problem import Problem
from flows.staff import (
    ROLES,
    Profile,
    away_problem,
    invite_problem,
    listed,
    make_invite_code,
    profile_problem,
)
from storage.audit import record_audit
from storage.cases import staff_by_id
from storage.models import utc
from storage.staff import (
    add_invite,
    add_profile,
    deactivate_staff,
    list_staff,
    member_of,
    names_taken,
    set_away,
)


async def staff_page(
    request: web.Request, *, code: tuple[str, str] | None = None, problem: Problem | None = None
) -> web.Response:
    """The team; with a `problem`, why the last change was refused, in the lead's words."""
    who = await lead(request)
    now = request.app[CLOCK]()
    async with request.app[DATABASE].transaction() as session:
        rows = await list_staff(session)
    people = [
        {
            "id": staff.id,
            "name": staff.name,
            "role": staff.role,
            "active": staff.active,
            "linked": linked,
            "away": utc(staff.away_until)
            if staff.away_until and utc(staff.away_until) > now
            else None,
        }
        for staff, linked in rows
    ]
    context = {
        "people": people,
        "roles": ROLES,
        "code": code,
        "problem": words(request, who).t(f"web.problem.{problem.key}", **problem.params)
        if problem is not None
        else "",
        "today": now.astimezone(request.app[SETTINGS].zone).date().isoformat(),
    }
    return page(request, who, "staff.html", context, status=400 if problem is not None else 200)


async def _invite(request: web.Request, who: Viewer, staff_id: int, name: str) -> web.Response:
    code = make_invite_code(secrets.SystemRandom())
    now = request.app[CLOCK]()
    async with request.app[DATABASE].transaction() as session:
        await add_invite(session, staff_id=staff_id, code=code, now=now)
        await record_audit(
            session, at=now, actor=who.actor, action="staff_invite", staff_id=staff_id
        )
    return await staff_page(request, code=(name, code))


async def add(request: web.Request) -> web.Response:
    who = await lead(request)
    posted = await form(request, who)
    role = posted.get("role", "")
    if role not in ROLES:
        raise web.HTTPBadRequest(text="400")
    choices = choices_of(desk_of(request).content)
    profile = Profile(
        name=posted.get("name", ""),
        intro=posted.get("intro", "") or None,
        languages=listed(posted.get("languages", "")) or choices.offered[:1],
        focus=listed(posted.get("focus", "")) if role == "coach" else None,
        capacity=(int(posted["capacity"]) if posted.get("capacity", "").isdigit() else 8)
        if role == "coach"
        else None,
        modes=("chat",) if role == "coach" else None,
    )
    now = request.app[CLOCK]()
    member = None
    async with request.app[DATABASE].transaction() as session:
        problem = profile_problem(profile, choices=choices, taken=await names_taken(session))
        if not problem:
            member = member_of(await add_profile(session, role=role, profile=profile, now=now))
            await record_audit(
                session, at=now, actor=who.actor, action="staff_add", staff_id=member.id
            )
    if member is None:
        return await staff_page(request, problem=problem)
    return await _invite(request, who, member.id, member.name)


async def change(request: web.Request) -> web.Response:
    """invite, away or deactivate one account."""
    who = await lead(request)
    posted = await form(request, who)
    staff_id, what = int(request.match_info["staff"]), request.match_info["what"]
    now = request.app[CLOCK]()
    async with request.app[DATABASE].transaction() as session:
        found = await staff_by_id(session, staff_id=staff_id)
    if found is None:
        raise web.HTTPNotFound(text="404")
    member = member_of(found)
    if what == "invite":
        if problem := invite_problem(member):
            return await staff_page(request, problem=problem)
        return await _invite(request, who, member.id, member.name)
    if what == "away":
        zone = request.app[SETTINGS].zone
        try:
            until = date.fromisoformat(posted.get("until", ""))
        except ValueError:
            return await staff_page(request, problem=Problem("YYYY-MM-DD", "date_format"))
        if problem := away_problem(until, today=now.astimezone(zone).date()):
            return await staff_page(request, problem=problem)
        back_at = datetime.combine(until, time(0, 0), tzinfo=zone).astimezone(UTC)
        async with request.app[DATABASE].transaction() as session:
            await set_away(session, staff_id=member.id, until=back_at)
            await record_audit(
                session, at=now, actor=who.actor, action="staff_away", staff_id=member.id
            )
        raise back("/dashboard/staff", "away")
    if what == "deactivate":
        if member.id == who.id:
            raise back("/dashboard/staff", "not_self")
        matchteam = request.app[SERVICE].matchteam
        assert matchteam is not None
        async with request.app[DATABASE].transaction() as session:
            await deactivate_staff(session, staff_id=member.id)
            await record_audit(
                session, at=now, actor=who.actor, action="staff_deactivate", staff_id=member.id
            )
            await matchteam.coach_leaves(session, staff_id=member.id, now=now)
        raise back("/dashboard/staff", "deactivated")
    raise web.HTTPNotFound(text="404")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/dashboard/staff", staff_page),
        web.post("/dashboard/staff/add", add),
        web.post(r"/dashboard/staff/{staff:\d{1,12}}/{what:[a-z]{1,12}}", change),
    ]
