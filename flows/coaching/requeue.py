"""A case back in the queue, or back with its coach: /andere_coach, writing after a close,
and a coach who leaves. Back in the queue means before the others, with a fresh promise."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flows.appointments.ended import coach_left
from flows.appointments.facts import Appointment
from flows.case import CLOSED, after
from flows.coaching.effects import (
    Outcome,
    ReopenCase,
    RequeueCase,
    SetCurrent,
    ToStaff,
    to_staff,
    to_youngster,
)
from flows.coaching.facts import CaseFacts
from flows.messages import Outbound
from flows.sla import promise
from flows.state import Rules


def back_from_youngster(
    case: CaseFacts | None,
    *,
    switch: bool,
    coach_reachable: bool,
    rules: Rules,
    now: datetime,
    coming: Sequence[Appointment] = (),
) -> tuple[str, Outcome, frozenset[int]]:
    """A youngster writes after a close (reopen) or asks for another coach (switch).

    Returns what happened ("none", "reopened" or "requeued"), the outcome, and who must not
    be offered the case again (the coach they asked to leave). `coach_reachable`: the coach
    who held the case is active and can be reached on this channel; `coming`: the case's
    appointments not yet held, cancelled when it goes back to the queue."""
    # A closed case whose coach was removed (`klik coach remove`) has none: it goes back to
    # the queue, as when the coach was deactivated.
    if case is None or (case.coach_id is None and case.state != CLOSED):
        return "none", Outcome(), frozenset()
    held_by = case.coach_id
    if not switch and case.state == CLOSED and held_by is not None and coach_reachable:
        back = Outbound("case.reopened", {"pseudonym": case.pseudonym})
        outcome = Outcome(
            (to_staff(held_by, back),),
            (
                ReopenCase(case.id, case.state, after(case.state, "reopen")),
                SetCurrent(held_by, case.id),
            ),
        )
        return "reopened", outcome, frozenset()
    sends: tuple[ToStaff, ...] = ()
    if switch and held_by is not None:
        asked = Outbound("case.switch_requested", {"pseudonym": case.pseudonym})
        sends = (to_staff(held_by, asked),)
    exclude = frozenset({held_by}) if switch and held_by is not None else frozenset()
    off = coach_left(case, coming, now)
    outcome = Outcome((*sends, *off.sends), (requeue(case, rules, now), *off.changes))
    return "requeued", outcome, exclude


def requeue(case: CaseFacts, rules: Rules, now: datetime) -> RequeueCase:
    """Back in the queue before the others, with a fresh promise and guard."""
    return RequeueCase(
        case.id, case.state, after(case.state, "requeue"), now, promise(now, rules).deadline
    )


def coach_gone(
    case: CaseFacts, rules: Rules, now: datetime, coming: Sequence[Appointment] = ()
) -> Outcome:
    """A coach is deactivated: their youngster is told plainly and goes back to the front of
    the queue (then offered to the other coaches); appointments `coming` with that coach are
    cancelled."""
    told = to_youngster(case.youngster_id, Outbound("case.coach_gone"))
    off = coach_left(case, coming, now)
    return Outcome((told, *off.sends), (requeue(case, rules, now), *off.changes))
