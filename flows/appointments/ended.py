"""A case leaves its coach (/andere_coach, or the coach is deactivated): the appointments with
that coach not yet held are cancelled, and the youngster is told plainly that they are off
(a new coach proposes their own moment). Their reminders go with them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flows.appointments.facts import Appointment
from flows.appointments.machine import DRAFT, after, can
from flows.appointments.pick import APPOINTMENT_DUE
from flows.appointments.says import when
from flows.coaching.effects import (
    Change,
    CountStat,
    MoveAppointment,
    Outcome,
    PlanDue,
    Send,
    to_youngster,
)
from flows.coaching.facts import CaseFacts
from flows.messages import Outbound
from flows.state import Stat


def coach_left(case: CaseFacts, coming: Sequence[Appointment], now: datetime) -> Outcome:
    """Cancel what is still coming of `case`'s appointments; a draft the youngster never saw
    goes quietly."""
    sends: list[Send] = []
    changes: list[Change] = []
    for appointment in coming:
        if not can(appointment.state, "cancel"):
            continue
        state = after(appointment.state, "cancel")
        changes += [
            MoveAppointment(appointment.id, case.id, appointment.state, state),
            PlanDue(case.id, appointment.id, APPOINTMENT_DUE),
        ]
        if appointment.state == DRAFT or appointment.starts_at is None:
            continue
        changes.append(CountStat(case.journey, Stat("appointment", value=state), now))
        told = Outbound("appointment.cancelled_new_coach", {"when": when(appointment)})
        sends.append(to_youngster(case.youngster_id, told))
    return Outcome(tuple(sends), tuple(changes))
