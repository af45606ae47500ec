"""Due work when its time comes: the youngster's reminders, the coach's reminder, the
question how it went, and the quiet nudge. A reminder whose moment passed while Klik was down
is dropped, not sent late; one whose appointment moved on or whose case is no longer with the
coach is skipped. A case never closes by itself (PRODUCT.md §7): quiet only nudges."""

from __future__ import annotations

from datetime import datetime, timedelta

from flows.appointments.facts import Appointment, AppointmentRules, Parties
from flows.appointments.machine import CONFIRMED
from flows.appointments.moments import LATE
from flows.appointments.says import change_buttons, check_buttons, told
from flows.case import ACTIVE, WITH_COACH
from flows.coaching.effects import Outcome, PlanDue, to_staff, to_youngster
from flows.messages import Outbound

REMINDER_KINDS = ("evening", "hour", "coach")
QUIET = "quiet"
SENT, DROPPED, SKIPPED, LATER = "sent", "dropped", "skipped", "later"


def fire(
    kind: str,
    due_at: datetime,
    parties: Parties | None,
    appointment: Appointment | None,
    now: datetime,
) -> tuple[str, Outcome]:
    """A reminder or the missed check: (what became of it, what to send)."""
    if (
        parties is None
        or appointment is None
        or parties.case.state not in WITH_COACH
        or appointment.state != CONFIRMED
        or parties.case.coach_id is None
    ):
        return SKIPPED, Outcome()
    starts_at = appointment.starts_at
    assert starts_at is not None
    case = parties.case
    coach_id = parties.case.coach_id
    if kind == "check":
        ask = Outbound(
            "appointment.check",
            {"pseudonym": case.pseudonym, "when": told(appointment)["when"]},
            check_buttons(appointment.id),
        )
        return SENT, Outcome((to_staff(coach_id, ask),))
    if now > due_at + LATE or now >= starts_at:
        return DROPPED, Outcome()
    if kind == "coach":
        remind = Outbound("appointment.remind_coach", told(appointment, pseudonym=case.pseudonym))
        return SENT, Outcome((to_staff(coach_id, remind),))
    key = "appointment.remind_evening" if kind == "evening" else "appointment.remind_hour"
    remind = Outbound(key, told(appointment, coach=parties.coach), change_buttons(appointment.id))
    return SENT, Outcome((to_youngster(case.youngster_id, remind),))


def quiet(
    parties: Parties | None, last_heard: datetime | None, now: datetime, rules: AppointmentRules
) -> tuple[str, Outcome]:
    """A quiet check came due: nudge the coach when the youngster has said nothing for
    `quiet_days`, and look again that many days on; heard from since, look again that many
    days after the last word. A paused or ended case is left alone (the next active spell
    gets its own check)."""
    if parties is None or parties.case.state != ACTIVE or parties.case.coach_id is None:
        return SKIPPED, Outcome()
    case = parties.case
    span = timedelta(days=rules.quiet_days)
    if last_heard is not None and last_heard + span > now:
        return LATER, Outcome(changes=(PlanDue(case.id, None, rows=((QUIET, last_heard + span),)),))
    nudge = Outbound("appointment.quiet", {"pseudonym": case.pseudonym, "days": rules.quiet_days})
    return SENT, Outcome(
        (to_staff(parties.case.coach_id, nudge),),
        (PlanDue(case.id, None, rows=((QUIET, now + span),)),),
    )
