"""The team lead's pages: the live board (the queue and the team in counts) and the audit
log. A coach gets 403."""

from __future__ import annotations

from aiohttp import web

from bot.dashboard.pages import page
from bot.dashboard.pages import words as words_of
from bot.dashboard.session import desk_of, lead
from bot.process.keys import CLOCK, DATABASE
from bot.services.staff_load import reached
from flows.audit import ACTIONS
from flows.dashboard.board import board
from storage.audit import latest
from storage.board import fired_steps
from storage.queue import queue_figures
from storage.staff import list_staff

AUDIT_SHOWN = 200


async def board_page(request: web.Request) -> web.Response:
    who = await lead(request)
    desk, now = desk_of(request), request.app[CLOCK]()
    async with request.app[DATABASE].transaction() as session:
        figures = await queue_figures(session)
        fired = await fired_steps(session)
        team = (await reached(session, desk, now)).team
    shown = board(
        waiting=figures.waiting,
        urgent=figures.urgent,
        oldest_queued_at=figures.oldest_queued_at,
        first_deadline=figures.first_deadline,
        fired=fired,
        coaches=team.people,
        rules=desk.rules,
        now=now,
    )
    return page(request, who, "board.html", {"board": shown})


async def audit_page(request: web.Request) -> web.Response:
    who = await lead(request)
    async with request.app[DATABASE].transaction() as session:
        entries = await latest(session, limit=AUDIT_SHOWN)
        names = {staff.id: staff.name for staff, _ in await list_staff(session)}
    # Every action's label (klik check-content makes sure each has one); an action only an
    # older Klik wrote is shown as its code.
    said = words_of(request, who)
    labels = {action: said.t(f"web.audit.actions.{action}") for action in ACTIONS}
    return page(request, who, "audit.html", {"entries": entries, "names": names, "labels": labels})


def routes() -> list[web.RouteDef]:
    return [web.get("/dashboard/board", board_page), web.get("/dashboard/audit", audit_page)]
