"""The block list: a coach stops a youngster who abuses the service (/blokkeer with a reason),
and a team lead undoes it (/deblokkeer Sam-4821).

What blocked means (docs/operating.md): the youngster's messages are no longer kept, relayed
or alerted; the first one after the block gets one kind, neutral answer, the rest nothing. Their
commands still work (/stop, erasing everything), except asking for another coach or starting
over, which would reach a coach anew; and a crisis is never silenced: a message with
a crisis signal goes the usual way (help lines, their coach) and every team lead hears of it.
The case itself keeps its state; the coach may close it as always.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flows.coaching.effects import BlockYoungster, Outcome, UnblockYoungster, reply, to_staff
from flows.coaching.facts import CaseFacts, Person
from flows.messages import HelpLines, Outbound, Param
from flows.state import Signal

REASON_LENGTH = 200  # the column's size
# What a blocked youngster's words are; commands and taps keep working.
WORDS = frozenset({"text", "media", "edited"})


@dataclass(frozen=True)
class Target:
    """A youngster as blocking needs them."""

    youngster_id: str
    pseudonym: str
    blocked: bool
    blocked_by: int | None = None


def block(
    actor: Person, case: CaseFacts | None, target: Target | None, reason: str, now: datetime
) -> Outcome:
    """/blokkeer <reason> on the case a coach replies to, or else their current one: only its
    coach (or a team lead), and only with a reason."""
    allowed = case is not None and (actor.id in case.holders or actor.role == "teamlead")
    if case is None or target is None or not allowed:
        return reply(Outbound("block.which_case"))
    if not reason.strip():
        return reply(Outbound("block.needs_reason"))
    if target.blocked:
        return reply(Outbound("block.already", {"pseudonym": target.pseudonym}))
    change = BlockYoungster(target.youngster_id, actor.id, reason.strip()[:REASON_LENGTH], now)
    done = Outbound("block.done", {"pseudonym": target.pseudonym})
    return Outcome((to_staff(actor.id, done),), (change,))


def unblock(actor: Person, target: Target | None) -> Outcome:
    """/deblokkeer Sam-4821: team leads only; the one who blocked hears it."""
    if actor.role != "teamlead":
        return reply(Outbound("block.only_leads"))
    if target is None:
        return reply(Outbound("block.unknown"))
    if not target.blocked:
        return reply(Outbound("block.not_blocked", {"pseudonym": target.pseudonym}))
    said: dict[str, Param] = {"pseudonym": target.pseudonym}
    sends = [to_staff(actor.id, Outbound("block.undone", said))]
    if target.blocked_by is not None and target.blocked_by != actor.id:
        sends.append(to_staff(target.blocked_by, Outbound("block.undone", said)))
    return Outcome(tuple(sends), (UnblockYoungster(target.youngster_id),))


# A blocked youngster's commands that would reach a coach anew: ignored like their words.
NOT_FOR_BLOCKED = frozenset({"other_coach", "restart"})


def ignored(kind: str, *, crisis: bool, action: str | None = None) -> bool:
    """A blocked youngster's event that is not kept, relayed or alerted (`action`: what their
    command asks for, if it is one). Stopping and erasing always work."""
    if crisis:
        return False
    return kind in WORDS or (kind == "command" and action in NOT_FOR_BLOCKED)


def answer_once(told: bool) -> list[Outbound]:
    """The one kind, neutral answer to a blocked youngster; after it, nothing."""
    return [] if told else [Outbound("block.notice", {"help_lines": HelpLines("crisis")})]


def crisis_to_leads(pseudonym: str, signal: Signal | None, leads: tuple[Person, ...]) -> Outcome:
    """A blocked youngster wrote something with a crisis signal: every team lead hears it."""
    alert = (
        Outbound("block.crisis", {"pseudonym": pseudonym, "signal": signal.words()})
        if signal is not None
        else Outbound("block.crisis_alert", {"pseudonym": pseudonym})
    )
    return Outcome(tuple(to_staff(lead.id, alert) for lead in leads if lead.role == "teamlead"))
