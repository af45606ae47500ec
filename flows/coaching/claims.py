"""Claiming a waiting case, and /wachtrij: the queue as a coach or team lead sees it.

A claim needs an offer (forged or stale buttons change nothing) and a free place (a team
lead always has one). Whether this claim wins a race with another is the storage's atomic
claim; the rules here say what may be tried and what everyone hears once it won.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flows.coaching.effects import AddOffers, CountStat, Outcome, refused, reply, to_staff
from flows.coaching.facts import Person, Team, profile
from flows.matching import WaitingCase, queue_order, suggest
from flows.messages import Outbound, Ref
from flows.queue import CaseCard, claimed, may_claim, offer, taken
from flows.state import Stat, Tap

QUEUE_PAGE = 10  # waiting cases shown at once by /wachtrij


def may_try(actor: Person, me: Person | None, offered: frozenset[int]) -> Outcome | None:
    """None when the claim may be tried; else what the tap gets. `me`: the actor as the
    reachable team knows them (with their caseload), if reachable."""
    if actor.id not in offered:
        return refused("unknown")
    if me is not None and not may_claim(actor.role, actor.member.capacity, me.active_cases):
        return refused("full")
    return None


def lost() -> Outcome:
    """Somebody else was first."""
    return refused("taken")


def won(
    actor: Person,
    reachable: bool,
    card: CaseCard,
    notes: Sequence[str],
    copies: Sequence[Outbound],
    others: Sequence[int],
    *,
    journey: str,
    now: datetime,
) -> Outcome:
    """The claim won: the coach gets the case (what was written, the kept media, say hello);
    every other offer changes to "opgenomen door Lotte". `others`: the others offered the
    case; `reachable`: whether the claimer can be reached on this channel. The claim is
    counted on the case's journey (the funnel; a second claim is a change of coach)."""
    sends = [to_staff(actor.id, *claimed(card, notes, copies))] if reachable else []
    sends += [
        to_staff(other, taken(card, actor.name)) for other in sorted(others) if other != actor.id
    ]
    return Outcome(tuple(sends), (CountStat(journey, Stat("claimed"), now),), Tap("quiet"))


def queue_page(
    actor: Person,
    waiting: Sequence[tuple[CaseCard, WaitingCase]],
    team: Team,
    now: datetime,
) -> Outcome:
    """The waiting cases, most pressing first, each with a claim button (and so an offer);
    for a coach with why they fit."""
    if not waiting:
        return reply(Outbound("queue.empty"))
    cards = {item.case_id: card for card, item in waiting}
    me = team.get(actor.id)
    messages = [Outbound("queue.header", {"count": len(waiting)})]
    shown = queue_order([item for _, item in waiting])[:QUEUE_PAGE]
    for item in shown:
        reasons: tuple[Ref, ...] = ()
        if me is not None and actor.role == "coach":
            mine = suggest(item, [profile(me, team.rules, now)], limit=1)
            reasons = mine[0].reasons if mine else ()
        messages.append(offer(cards[item.case_id], reasons))
    changes = tuple(AddOffers(item.case_id, (actor.id,), now) for item in shown)
    return Outcome(reply(*messages).sends, changes)
