"""A case's life on the coach's side: pause, close with a reason (and the youngster asked
"klikte het?", flows/feedback.py), warm hand-over.

Each move is checked by the case machine (flows/case.py); a forged or late button changes
nothing. The youngster sees the coach's first name; the coach sees the pseudonym.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from flows import feedback
from flows.case import CLOSE_REASONS, WITH_COACH, after, can
from flows.coaching.effects import (
    AskFeedback,
    AskHandover,
    CloseCase,
    CountStat,
    DeclineHandover,
    MoveCase,
    Outcome,
    SetCurrent,
    TakeOver,
    refused,
    to_staff,
    to_youngster,
)
from flows.coaching.facts import CaseFacts, Person
from flows.messages import Button, Outbound, Ref
from flows.queue import CaseCard, card_lines, claimed
from flows.state import Stat, Tap


def current(actor: Person, case: CaseFacts | None) -> CaseFacts | None:
    """The conversation a coach's command is about: their current one, if it is theirs."""
    if case is None or case.coach_id != actor.id or case.state not in WITH_COACH:
        return None
    return case


def command(
    actor: Person, action: str, case: CaseFacts | None, colleagues: Sequence[Person]
) -> Outcome:
    """/pauze, /afsluiten or /overdragen on the coach's current conversation (`case`, already
    checked by `current`). `colleagues`: the coaches who can be reached."""
    if case is None:
        return Outcome((to_staff(actor.id, Outbound("open.none_current")),))
    if action == "pause":
        return pause(actor, case)
    if action == "close":
        buttons = tuple(
            (Button(Ref(f"close.reason.{reason}"), f"close:{case.id}:{reason}"),)
            for reason in CLOSE_REASONS
        )
        ask = Outbound("case.close_ask", {"pseudonym": case.pseudonym}, buttons)
        return Outcome((to_staff(actor.id, ask),))
    others = [p for p in colleagues if p.role == "coach" and p.id != actor.id]
    if not others:
        return Outcome((to_staff(actor.id, Outbound("handover.none")),))
    buttons = tuple(
        (Button(Ref("raw", {"text": p.name}), f"handover:{case.id}:{p.id}"),) for p in others
    )
    ask = Outbound("handover.choose", {"pseudonym": case.pseudonym}, buttons)
    return Outcome((to_staff(actor.id, ask),))


def pause(actor: Person, case: CaseFacts) -> Outcome:
    """The youngster hears the coach is away for a while; a paused case says so kindly."""
    if not can(case.state, "pause"):
        return Outcome((to_staff(actor.id, Outbound("case.already_paused")),))
    return Outcome(
        (
            to_youngster(case.youngster_id, Outbound("case.paused", {"coach": actor.name})),
            to_staff(actor.id, Outbound("case.paused_ok", {"pseudonym": case.pseudonym})),
        ),
        (MoveCase(case.id, case.state, after(case.state, "pause")),),
    )


def close(actor: Person, case: CaseFacts | None, reason: str, now: datetime) -> Outcome:
    """A tap on a close reason: only the coach who holds the case, only while they do."""
    if case is None or case.coach_id != actor.id:
        return refused("unknown")
    if case.state not in WITH_COACH:
        return refused("stale")  # an old keyboard: the case was closed or handed over meanwhile
    if reason not in CLOSE_REASONS:
        return refused("unknown")
    return Outcome(
        (
            to_youngster(
                case.youngster_id,
                Outbound("case.closed", {"coach": actor.name}),
                feedback.question(),
            ),
            to_staff(actor.id, Outbound("case.closed_ok", {"pseudonym": case.pseudonym})),
        ),
        (
            CloseCase(case.id, case.state, after(case.state, "close"), reason, now),
            SetCurrent(actor.id, None),
            CountStat(case.journey, Stat("case_closed", value=reason), now),
            AskFeedback(case.youngster_id),
        ),
        Tap("answered", Ref(f"close.reason.{reason}")),
    )


def hand_over(
    actor: Person, case: CaseFacts | None, colleague: Person | None, card: CaseCard | None
) -> Outcome:
    """A tap on a colleague: they are asked to take over, with what the coach reads of the
    case. `colleague`: the staff member the button names, if active."""
    if case is None or case.coach_id != actor.id:
        return refused("unknown")
    if case.state not in WITH_COACH:
        return refused("stale")
    if colleague is None or colleague.id == actor.id or card is None:
        return refused("unknown")
    ask = Outbound(
        "handover.offer",
        {"coach": actor.name, "pseudonym": case.pseudonym, "lines": card_lines(card)},
        (
            (
                Button(Ref("handover.accept"), f"accept:{case.id}"),
                Button(Ref("handover.decline"), f"decline:{case.id}"),
            ),
        ),
        tag=f"offer:{case.id}",
    )
    asked = Outbound("handover.asked", {"colleague": colleague.name, "pseudonym": case.pseudonym})
    return Outcome(
        (to_staff(colleague.id, ask), to_staff(actor.id, asked)),
        (AskHandover(case.id, colleague.id),),
        Tap("answered", Ref("raw", {"text": colleague.name})),
    )


def accept(
    actor: Person,
    case: CaseFacts | None,
    old_coach: str,
    card: CaseCard | None,
    notes: Sequence[str],
    now: datetime,
) -> Outcome:
    """The colleague takes over; the old coach stays until the new one has written. Counted
    as a change of coach on the case's journey."""
    if (
        case is None
        or case.handover_to != actor.id
        or case.state not in WITH_COACH
        or case.coach_id is None
        or card is None
    ):
        return refused("unknown")
    accepted = Outbound("handover.accepted", {"colleague": actor.name, "pseudonym": case.pseudonym})
    told = Outbound("case.handover", {"old": old_coach, "new": actor.name})
    return Outcome(
        (
            to_staff(actor.id, *claimed(card, notes)),
            to_staff(case.coach_id, accepted),
            to_youngster(case.youngster_id, told),
        ),
        (
            TakeOver(case.id, case.state, after(case.state, "take_over"), actor.id, case.coach_id),
            SetCurrent(actor.id, case.id),
            CountStat(case.journey, Stat("coach_change", value="handover"), now),
        ),
        Tap("quiet"),
    )


def decline(actor: Person, case: CaseFacts | None) -> Outcome:
    """The colleague asked will not take over: the coach hears it and keeps the case."""
    if case is None or case.handover_to != actor.id or case.coach_id is None:
        return refused("unknown")
    if case.state not in WITH_COACH:
        return refused("stale")
    told = Outbound("handover.declined", {"colleague": actor.name, "pseudonym": case.pseudonym})
    return Outcome(
        (to_staff(case.coach_id, told),), (DeclineHandover(case.id, actor.id),), Tap("quiet")
    )


def ending(case: CaseFacts | None, *, erased: bool, offered: Collection[int] = ()) -> Outcome:
    """The youngster stops (or erases everything): the coach hears, without details. An
    erasure is told to whoever holds their words in their own chat: the coach (and one
    reading along), or while nobody has the case, the staff it was `offered` to, who are
    asked to delete those copies."""
    if case is None:
        return Outcome()
    key = "case.youngster_erased" if erased else "case.youngster_left"
    told = set(case.holders) or (set(offered) if erased else set())
    # Nobody has the case: the notice takes the place of the offer (its answers and claim
    # button gone); an older reminder of it is for the staff member to delete.
    edit = f"offer:{case.id}" if erased and not case.holders else ""
    message = Outbound(key, {"pseudonym": case.pseudonym}, edit=edit, erasure=erased)
    return Outcome(tuple(to_staff(s, message) for s in sorted(told)))
