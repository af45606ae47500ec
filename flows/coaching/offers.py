"""Telling the team about a waiting youngster: offers, crisis alerts and the guard's steps.

Whom to tell is flows/queue.py and flows/matching.py; when, flows/sla.py. The rules here put
them together into messages and changes, and count who can read an alert now (0: nobody, and
the youngster must hear that).
"""

from __future__ import annotations

from flows.case import QUEUED
from flows.coaching.effects import (
    AddGuardSteps,
    AddOffers,
    Outcome,
    ToStaff,
    to_staff,
    to_youngster,
)
from flows.coaching.facts import CaseFacts, Team
from flows.commands import when_back
from flows.matching import WaitingCase
from flows.messages import Duration, HelpLines, Outbound
from flows.queue import CaseCard, offer, reminder, who_to_alert, who_to_tell
from flows.relay import urgent_alert
from flows.sla import TELL_YOUNGSTER, promise, time_left, who_to_remind
from flows.state import Alert


def case_waiting(
    case: CaseFacts,
    card: CaseCard,
    wanted: WaitingCase,
    team: Team,
    offered: frozenset[int],
    *,
    exclude: frozenset[int] = frozenset(),
    alert: Alert | None = None,
) -> Outcome:
    """Tell the best-matching available coaches (urgent: everyone) about a waiting case, and
    set its guard going. With an `alert` (a crisis): every available coach, the team leads and
    whoever was offered the case before; or, once a coach has it, that coach."""
    if case.state != QUEUED:
        return Outcome(reached=0) if alert is None else alert_holders(case, team, alert)
    if alert is not None:
        everyone = who_to_alert(wanted, team.coaches, team.leads, offered=offered)
        notices = [notice for notice in everyone if notice.staff_id not in exclude]
    else:
        notices = who_to_tell(wanted, team.coaches, team.leads, already_told=offered | exclude)
    most_urgent = alert is not None and alert.most_urgent
    sends = tuple(
        to_staff(n.staff_id, offer(card, n.reasons, most_urgent=most_urgent)) for n in notices
    )
    told = tuple(n.staff_id for n in notices)
    steps = tuple(promise(card.queued_at, team.rules).steps)
    changes = (AddOffers(case.id, told, team.now), AddGuardSteps(case.id, steps))
    return Outcome(sends, changes, reached=len(set(told) & team.readers))


def alert_holders(case: CaseFacts, team: Team, alert: Alert) -> Outcome:
    """A crisis from a youngster who has a coach: alert that coach (and, in a hand-over, the
    previous one). The team leads hear it too when it is the most urgent, or when no coach of
    the case can read it now."""
    readers = team.readers
    targets = set(case.holders)
    if alert.most_urgent or not targets & readers:
        targets |= set(team.leads)
    message = urgent_alert(case.id, case.pseudonym, alert)
    sends = tuple(to_staff(staff_id, message) for staff_id in sorted(targets))
    return Outcome(sends, reached=len(targets & readers))


def guard_step(
    rung: str,
    case: CaseFacts | None,
    card: CaseCard | None,
    wanted: WaitingCase | None,
    team: Team,
    offered: frozenset[int],
) -> tuple[str, Outcome]:
    """One step of the ladder for a case: ("skipped", nothing) when it no longer waits."""
    if case is None or card is None or wanted is None or case.state != QUEUED:
        return "skipped", Outcome()
    now = team.now
    if rung == TELL_YOUNGSTER:
        # The promise ran out: say so honestly, with places to turn to right now.
        late = Outbound("guard.late", {"help_lines": HelpLines("while_waiting")})
        sorry = to_youngster(case.youngster_id, late, *when_back(team.rules, now))
        return "fired", Outcome((sorry,))
    left = Duration(int(time_left(card.deadline, now).total_seconds()))
    notices = who_to_remind(rung, wanted, team.coaches, team.leads, offered)
    sends: list[ToStaff] = []
    for notice in notices:
        person = team.get(notice.staff_id)
        lead = person is not None and person.role == "teamlead"
        sends.append(to_staff(notice.staff_id, reminder(card, notice.reasons, left, lead=lead)))
    told = tuple(n.staff_id for n in notices)
    return "fired", Outcome(tuple(sends), (AddOffers(case.id, told, now),))


def readers_now(team: Team) -> int:
    """How many coaches and team leads a crisis alert would reach now."""
    return len(team.readers)
