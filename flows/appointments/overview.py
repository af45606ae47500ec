"""/afspraak for a youngster: their coming appointments, each with what they can do with it
(answer a proposal, change reminders, the calendar file, move, cancel)."""

from __future__ import annotations

from collections.abc import Sequence

from flows.appointments.facts import COACH, Appointment, Parties
from flows.appointments.machine import CONFIRMED, PROPOSED
from flows.appointments.says import answer_buttons, button, change_buttons, told
from flows.messages import Outbound, Ref


def youngster_overview(parties: Parties | None, coming: Sequence[Appointment]) -> list[Outbound]:
    """What a youngster sees of their appointments."""
    if parties is None:
        return [Outbound("appointment.no_coach")]
    shown: list[Outbound] = []
    for appointment in coming:
        if appointment.state == PROPOSED and appointment.proposed_by == COACH:
            params = told(appointment, coach=parties.coach)
            shown.append(Outbound("appointment.proposed", params, answer_buttons(appointment.id)))
        elif appointment.state == PROPOSED:
            params = told(appointment, coach=parties.coach)
            cancel = ((button(appointment.id, "cancel"),),)
            shown.append(Outbound("appointment.waiting", params, cancel))
        elif appointment.state == CONFIRMED:
            remind = Ref(f"appointment.remind_told.{appointment.remind}")
            params = told(appointment, coach=parties.coach, remind=remind)
            rows = (
                (button(appointment.id, "remind"), button(appointment.id, "ics")),
                *change_buttons(appointment.id),
            )
            shown.append(Outbound("appointment.yours", params, rows))
    return shown or [Outbound("appointment.none_yours", {"coach": parties.coach})]


def coach_overview(parties: Parties, coming: Sequence[Appointment]) -> list[Outbound]:
    """What a coach sees of the current conversation's coming appointments on /afspraak
    without words (before the question which kind to propose): each with move and cancel."""
    return [
        Outbound(
            "appointment.coach_item",
            told(
                appointment,
                pseudonym=parties.case.pseudonym,
                state=Ref(f"appointment.state.{appointment.state}"),
            ),
            change_buttons(appointment.id),
        )
        for appointment in coming
        if appointment.starts_at is not None
    ]
