"""The case page: the summary the youngster agreed to share, the conversation (new messages
appear without a reload: static/dashboard.js asks `messages?after=` every few seconds), the
reply box, private notes, small goals with a tick, pause, close with a reason, warm hand-over.
Every view is in the audit log; a coach opens only the cases they hold (403 otherwise)."""

from __future__ import annotations

from aiohttp import web

from bot.dashboard import appointment_forms, work
from bot.dashboard.case_access import case_for
from bot.dashboard.pages import back, page, words
from bot.dashboard.session import desk_of, form, viewer
from bot.process.keys import CLOCK, DATABASE
from bot.services.staff_load import reached
from flows.appointments.facts import MODES
from flows.case import CLOSE_REASONS, WITH_COACH
from flows.dashboard.access import may_work
from flows.queue import card_lines
from storage.audit import record_audit
from storage.case_work import goals_of, history, notes_of
from storage.cases import staff_by_id

POLL_SECONDS = 5


async def case_page(request: web.Request) -> web.Response:
    who = await viewer(request)
    desk, now = desk_of(request), request.app[CLOCK]()
    async with request.app[DATABASE].transaction() as session:
        loaded = await case_for(session, request, who)
        case = loaded.case
        await record_audit(session, at=now, actor=who.actor, action="view", case_id=case.id)
        lines = await history(session, case_id=case.id)
        notes = await notes_of(session, case_id=case.id)
        goals = await goals_of(session, case_id=case.id)
        planned = await appointment_forms.listed(session, case.id, now)
        asker = await staff_by_id(session, staff_id=case.coach_id) if case.coach_id else None
        team = (await reached(session, desk, now)).team
    colleagues = [p for p in team.people if p.role == "coach" and p.id != who.id]
    return page(
        request,
        who,
        "case.html",
        {
            "case": case,
            "summary": card_lines(loaded.card) if loaded.card else [],
            "lines": lines,
            "last": lines[-1].id if lines else 0,
            "notes": notes,
            "goals": goals,
            "works": may_work(who.id, case) and case.state in WITH_COACH,
            "reasons": CLOSE_REASONS,
            "colleagues": colleagues,
            "poll": POLL_SECONDS,
            "appointments": planned,
            "modes": MODES,
            "offered": case.handover_to == who.id,
            "asker": asker.name if asker is not None else "",
        },
    )


async def messages(request: web.Request) -> web.Response:
    """The messages after the one the page shows last, as JSON, for the page's poll."""
    who = await viewer(request)
    after = request.query.get("after", "0")
    async with request.app[DATABASE].transaction() as session:
        loaded = await case_for(session, request, who)
        lines = await history(
            session, case_id=loaded.case.id, after=int(after) if after.isdigit() else 0
        )
    said = words(request, who)
    return web.json_response(
        {
            "messages": [
                {
                    "id": line.id,
                    "sender": line.sender,
                    "who": said.t(f"web.case.sender.{line.sender}"),
                    "at": said.when(line.at),
                    "text": line.text,
                }
                for line in lines
            ]
        }
    )


async def act(request: web.Request) -> web.Response:
    """One of the case page's forms: reply, note, goal, tick, pause, close, hand-over."""
    who = await viewer(request)
    posted = await form(request, who)
    what = request.match_info["what"]
    desk, now = desk_of(request), request.app[CLOCK]()
    async with request.app[DATABASE].transaction() as session:
        loaded = await case_for(session, request, who)
        case = loaded.case
        if not may_work(who.id, case):
            raise web.HTTPForbidden(text="403")
        me, actor = who.person, who.actor
        text = posted.get("text", "")
        match what:
            case "reply":
                done = bool(text.strip()) and await work.reply(
                    session, desk, actor, me, case, text.strip()[: work.REPLY_LONGEST], now
                )
            case "note":
                done = await work.note(session, actor, me, case.id, text, now)
            case "goal":
                done = await work.goal(session, actor, me, case.id, text, now)
            case "tick":
                goal = posted.get("goal", "")
                done = goal.isdigit() and await work.tick(
                    session, actor, case.id, int(goal), posted.get("done") == "1", now
                )
            case "pause":
                done = await work.pause(session, desk, actor, me, case, now)
            case "close":
                done = await work.close(
                    session, desk, actor, me, case, posted.get("reason", ""), now
                )
            case "handover":
                colleague = posted.get("colleague", "")
                done = colleague.isdigit() and await work.hand_over(
                    session, desk, actor, me, case.id, int(colleague), now
                )
            case _:
                raise web.HTTPNotFound(text="404")
    if what == "close" and done:
        raise back("/dashboard/cases", "closed")
    raise back(f"/dashboard/cases/{case.id}", what if done else "not_now")


def routes() -> list[web.RouteDef]:
    case = r"/dashboard/cases/{case:\d{1,12}}"
    return [
        web.get(case, case_page),
        web.get(case + "/messages", messages),
        web.post(case + "/{what:[a-z]{1,12}}", act),
    ]
