"""A moment picked or typed, by either side: the appointment is proposed at it to the other
side, with the three answer buttons (the youngster's own words reach the coach as any
message does)."""

from __future__ import annotations

from datetime import datetime

from flows.appointments.facts import COACH, Appointment, AppointmentRules, Parties
from flows.appointments.machine import DRAFT, PROPOSED, after, can
from flows.appointments.says import answer_buttons, day_buttons, told
from flows.coaching.effects import (
    MoveAppointment,
    Outcome,
    PlanDue,
    Send,
    refused,
    to_staff,
    to_youngster,
)
from flows.messages import Outbound, Ref, When
from flows.state import Tap

# Every kind of due row an appointment has: all dropped when it moves or ends.
APPOINTMENT_DUE = ("evening", "hour", "coach", "check")


def moment_picked(
    side: str,
    parties: Parties,
    appointment: Appointment,
    moment: datetime,
    now: datetime,
    rules: AppointmentRules,
) -> Outcome:
    """Propose `moment` (UTC) to the other side. A moment already past offers the days
    again; a second tap on the moment already proposed changes nothing."""
    case = parties.case
    assert case.coach_id is not None
    trigger = "propose" if appointment.state == DRAFT else "move"
    if not can(appointment.state, trigger):
        return refused("stale")
    if appointment.state == DRAFT and side != COACH:
        return refused("unknown")
    if (
        appointment.state == PROPOSED
        and appointment.proposed_by == side
        and appointment.starts_at == moment
    ):
        return refused("stale")  # the same pick twice
    if moment <= now:
        again = Outbound(
            "appointment.past",
            {"pseudonym": case.pseudonym},
            day_buttons(appointment.id, now, rules),
        )
        send = (
            to_staff(case.coach_id, again)
            if side == COACH
            else to_youngster(case.youngster_id, again)
        )
        return Outcome((send,), tap=Tap("quiet"))
    moved = Appointment(
        appointment.id,
        appointment.case_id,
        after(appointment.state, trigger),
        appointment.mode,
        moment,
        appointment.link,
        appointment.place,
        side,
        appointment.remind,
    )
    sends: tuple[Send, ...]
    if side == COACH:
        sends = (
            to_youngster(
                case.youngster_id,
                Outbound(
                    "appointment.proposed",
                    told(moved, coach=parties.coach),
                    answer_buttons(moved.id),
                ),
            ),
            to_staff(
                case.coach_id,
                Outbound(
                    "appointment.sent", {"pseudonym": case.pseudonym, "when": told(moved)["when"]}
                ),
            ),
        )
    else:
        sends = (
            to_staff(
                case.coach_id,
                Outbound(
                    "appointment.proposed_by_youngster",
                    told(moved, pseudonym=case.pseudonym),
                    answer_buttons(moved.id),
                ),
            ),
            to_youngster(
                case.youngster_id,
                Outbound(
                    "appointment.asked", {"coach": parties.coach, "when": told(moved)["when"]}
                ),
            ),
        )
    return Outcome(
        sends,
        (
            MoveAppointment(appointment.id, case.id, appointment.state, moved.state, moment, side),
            PlanDue(case.id, appointment.id, clear=APPOINTMENT_DUE),
        ),
        Tap("answered", Ref("appointment.hour", {"at": When(moment, "hour")})),
    )
