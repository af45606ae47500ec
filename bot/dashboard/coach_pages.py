"""The coach's pages: the queue (most pressing first, the time left to the promise, what the
youngster agreed to share, why this coach fits) with the same claim as in Telegram, and the
coach's own cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web

from bot.dashboard import work
from bot.dashboard.pages import back, page
from bot.dashboard.session import desk_of, form, viewer
from bot.process.keys import CLOCK, DATABASE
from bot.services.staff_load import reached, waiting
from flows.coaching.facts import profile
from flows.matching import queue_order, suggest
from flows.messages import Ref
from flows.queue import CaseCard, card_lines
from flows.sla import service_time_left
from storage.case_work import handovers_for, my_cases

SHOWN = 30  # waiting cases on one page; the rest follow as others are claimed


@dataclass(frozen=True)
class Waiting:
    """A waiting case as the queue page shows it."""

    card: CaseCard
    lines: list[Ref]
    reasons: tuple[Ref, ...]
    left: timedelta  # service time left to the promise; negative: it ran out


async def queue_page(request: web.Request) -> web.Response:
    who = await viewer(request)
    desk, now = desk_of(request), request.app[CLOCK]()
    async with request.app[DATABASE].transaction() as session:
        found = await waiting(session, desk)
        team = (await reached(session, desk, now)).team
        me = team.get(who.id) or who.person
        cards = {item.case_id: card for card, item in found}
        shown: list[Waiting] = []
        for item in queue_order([item for _, item in found])[:SHOWN]:
            card = cards[item.case_id]
            reasons: tuple[Ref, ...] = ()
            if who.role == "coach":
                mine = suggest(item, [profile(me, desk.rules, now)], limit=1)
                reasons = mine[0].reasons if mine else ()
            left = service_time_left(card.deadline, now, desk.rules)
            shown.append(Waiting(card, card_lines(card), reasons, left))
        await work.show_queue(
            session, desk, who.actor, who.person, [w.card.case_id for w in shown], now
        )
    return page(
        request,
        who,
        "queue.html",
        {"waiting": shown, "count": len(found)},
    )


async def claim(request: web.Request) -> web.Response:
    who = await viewer(request)
    await form(request, who)
    case_id = int(request.match_info["case"])
    desk, now = desk_of(request), request.app[CLOCK]()
    async with request.app[DATABASE].transaction() as session:
        tap = await work.claim_case(session, desk, who.person, case_id, now)
    if tap is not None and tap.kind == "quiet":
        raise back(f"/dashboard/cases/{case_id}", "claimed")
    raise back("/dashboard/queue", tap.kind if tap is not None else "unknown")


async def cases_page(request: web.Request) -> web.Response:
    who = await viewer(request)
    now = request.app[CLOCK]()
    async with request.app[DATABASE].transaction() as session:
        mine = await my_cases(session, staff_id=who.id, now=now)
        offered = await handovers_for(session, staff_id=who.id)
    return page(request, who, "cases.html", {"cases": mine, "offered": offered})


def routes() -> list[web.RouteDef]:
    return [
        web.get("/dashboard/queue", queue_page),
        web.post(r"/dashboard/queue/{case:\d{1,12}}/claim", claim),
        web.get("/dashboard/cases", cases_page),
    ]
