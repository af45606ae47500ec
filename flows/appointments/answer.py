"""A tap on an appointment, by the youngster or their coach: answer (✅ / 🔁 / ❌), pick a
day or an hour, choose reminders, get the calendar file, mark done or missed. Each is checked
against the case (only its youngster and its coach, only while they are together) and the
appointment machine: a forged, double or late tap changes nothing."""

from __future__ import annotations

from datetime import datetime

from flows.appointments.facts import (
    COACH,
    REMINDERS,
    YOUNGSTER,
    Appointment,
    AppointmentRules,
    Parties,
)
from flows.appointments.machine import CONFIRMED, DRAFT, MISSED, PROPOSED, after, can
from flows.appointments.moments import (
    coach_due,
    pick_hours,
    read_day,
    read_moment,
    youngster_reminders,
)
from flows.appointments.pick import APPOINTMENT_DUE, moment_picked
from flows.appointments.says import (
    button,
    change_buttons,
    day_buttons,
    hour_buttons,
    new_button,
    reminder_buttons,
    told,
    when,
)
from flows.appointments.taps import AppointmentTap
from flows.case import WITH_COACH
from flows.coaching.effects import (
    CountStat,
    MoveAppointment,
    Outcome,
    PlanDue,
    SetReminder,
    refused,
    to_staff,
    to_youngster,
)
from flows.messages import Calendar, Outbound, Param, Ref, When
from flows.state import Stat, Tap


def tap(
    side: str,
    actor_id: int | str,
    parties: Parties | None,
    appointment: Appointment | None,
    asked: AppointmentTap,
    now: datetime,
    rules: AppointmentRules,
) -> Outcome:
    """One tap of `side` (coach: `actor_id` is their staff id; youngster: their id)."""
    if parties is None or appointment is None or not _theirs(side, actor_id, parties):
        return refused("unknown")
    if parties.case.state not in WITH_COACH:
        return refused("stale")
    if appointment.state == DRAFT and side != COACH:
        return refused("unknown")
    verb = asked.verb
    if verb == "ok":
        return _confirm(side, parties, appointment, now, rules)
    if verb in ("other", "move"):
        return _days(side, parties, appointment, now, rules, verb)
    if verb == "day":
        return _hours(side, parties, appointment, asked.argument, now, rules)
    if verb == "at":
        moment = read_moment(asked.argument)
        if moment is None or appointment.state not in (DRAFT, PROPOSED, CONFIRMED, MISSED):
            return refused("unknown" if moment is None else "stale")
        return moment_picked(side, parties, appointment, moment, now, rules)
    if verb == "cancel":
        return _cancel(side, parties, appointment, now)
    if side != COACH and verb in ("r", "remind", "ics"):
        return _youngster_own(parties, appointment, asked, now, rules)
    if side == COACH and verb in ("done", "missed"):
        return _after(parties, appointment, verb, now, rules)
    return refused("unknown")


def _theirs(side: str, actor_id: int | str, parties: Parties) -> bool:
    case = parties.case
    return (case.coach_id == actor_id) if side == COACH else (case.youngster_id == actor_id)


def _send(side: str, parties: Parties, *messages: Outbound) -> Outcome:
    """Messages to the one who tapped."""
    case = parties.case
    if side == COACH:
        assert case.coach_id is not None
        return Outcome((to_staff(case.coach_id, *messages),))
    return Outcome((to_youngster(case.youngster_id, *messages),))


def _stat(parties: Parties, state: str, now: datetime) -> CountStat:
    return CountStat(parties.case.journey, Stat("appointment", value=state), now)


def _confirm(
    side: str, parties: Parties, appointment: Appointment, now: datetime, rules: AppointmentRules
) -> Outcome:
    """The other side's proposal fits: both hear it; the youngster is asked about reminders,
    the coach gets their own reminder and, an hour after the end, the question how it went."""
    if not can(appointment.state, "confirm") or appointment.proposed_by == side:
        return refused("stale")
    starts_at, ends_at = appointment.starts_at, appointment.ends_at
    assert starts_at is not None and ends_at is not None
    if starts_at <= now:
        return refused("stale")
    case = parties.case
    assert case.coach_id is not None
    state = after(appointment.state, "confirm")
    return Outcome(
        (
            to_youngster(
                case.youngster_id,
                Outbound("appointment.confirmed", told(appointment, coach=parties.coach)),
                Outbound("appointment.remind_ask", buttons=reminder_buttons(appointment.id)),
            ),
            to_staff(
                case.coach_id,
                Outbound(
                    "appointment.confirmed_coach",
                    told(appointment, pseudonym=case.pseudonym),
                    change_buttons(appointment.id),
                ),
            ),
        ),
        (
            MoveAppointment(appointment.id, case.id, appointment.state, state),
            PlanDue(case.id, appointment.id, APPOINTMENT_DUE, coach_due(starts_at, ends_at, now)),
            _stat(parties, state, now),
        ),
        Tap("answered", Ref("appointment.button.ok")),
    )


def _days(
    side: str,
    parties: Parties,
    appointment: Appointment,
    now: datetime,
    rules: AppointmentRules,
    verb: str,
) -> Outcome:
    """Another moment: the days to pick from (the youngster may also just write it)."""
    if not can(appointment.state, "move") and appointment.state != DRAFT:
        return refused("stale")
    buttons = day_buttons(appointment.id, now, rules)
    if side == COACH:
        ask = Outbound("appointment.pick_day", {"pseudonym": parties.case.pseudonym}, buttons)
    else:
        ask = Outbound("appointment.pick_day_youngster", {"coach": parties.coach}, buttons)
    sends = _send(side, parties, ask).sends
    case = parties.case
    if side != COACH and case.coach_id is not None:  # the coach hears every answer
        told_coach = Outbound("appointment.other_asked", {"pseudonym": case.pseudonym})
        sends = (*sends, to_staff(case.coach_id, told_coach))
    return Outcome(sends, tap=Tap("answered", Ref(f"appointment.button.{verb}")))


def _hours(
    side: str,
    parties: Parties,
    appointment: Appointment,
    code: str,
    now: datetime,
    rules: AppointmentRules,
) -> Outcome:
    day = read_day(code)
    if day is None:
        return refused("unknown")
    if appointment.state != DRAFT and not can(appointment.state, "move"):
        return refused("stale")
    if not pick_hours(day, now, rules.timezone):
        return refused("stale")  # a day picked yesterday: its hours are gone
    noon = When(datetime.combine(day, datetime.min.time(), tzinfo=rules.timezone), "day")
    ask = Outbound(
        "appointment.pick_hour", {"day": noon}, hour_buttons(appointment.id, day, now, rules)
    )
    outcome = _send(side, parties, ask)
    return Outcome(outcome.sends, tap=Tap("answered", Ref("appointment.day.other", {"day": noon})))


def _cancel(side: str, parties: Parties, appointment: Appointment, now: datetime) -> Outcome:
    """Either side cancels, kindly; the coach can propose anew with one tap."""
    if not can(appointment.state, "cancel"):
        return refused("stale")
    case = parties.case
    assert case.coach_id is not None
    state = after(appointment.state, "cancel")
    changes = (
        MoveAppointment(appointment.id, case.id, appointment.state, state),
        PlanDue(case.id, appointment.id, APPOINTMENT_DUE),
    )
    label = Tap("answered", Ref("appointment.button.cancel"))
    again = new_button(case.id, appointment.mode)
    if appointment.state == DRAFT:
        return Outcome(
            (to_staff(case.coach_id, Outbound("appointment.draft_dropped")),), changes, label
        )
    coach_words: dict[str, Param] = {"pseudonym": case.pseudonym, "when": when(appointment)}
    if side == COACH:
        sends = (
            to_youngster(
                case.youngster_id,
                Outbound(
                    "appointment.cancelled_by_coach",
                    {"coach": parties.coach, "when": when(appointment)},
                ),
            ),
            to_staff(case.coach_id, Outbound("appointment.cancelled_ok", coach_words, again)),
        )
    else:
        sends = (
            to_youngster(
                case.youngster_id, Outbound("appointment.cancelled_you", {"coach": parties.coach})
            ),
            to_staff(
                case.coach_id, Outbound("appointment.cancelled_by_youngster", coach_words, again)
            ),
        )
    return Outcome(sends, (*changes, _stat(parties, state, now)), label)


def _youngster_own(
    parties: Parties,
    appointment: Appointment,
    asked: AppointmentTap,
    now: datetime,
    rules: AppointmentRules,
) -> Outcome:
    """Reminders chosen (or asked about again) and the calendar file: the youngster's own."""
    if appointment.state != CONFIRMED:
        return refused("stale")
    starts_at = appointment.starts_at
    assert starts_at is not None
    case = parties.case
    if asked.verb == "remind":
        ask = Outbound("appointment.remind_ask", buttons=reminder_buttons(appointment.id))
        return Outcome((to_youngster(case.youngster_id, ask),), tap=Tap("quiet"))
    if asked.verb == "ics":
        calendar = Calendar(starts_at, appointment.mode, now)
        file = Outbound("appointment.ics", {"calendar": calendar}, document="appointment.ics_file")
        return Outcome((to_youngster(case.youngster_id, file),), tap=Tap("quiet"))
    choice = asked.argument
    if choice not in REMINDERS:
        return refused("unknown")
    due = youngster_reminders(choice, starts_at, now, rules)
    set_ = Outbound(
        "appointment.remind_set",
        {"choice": Ref(f"appointment.remind_told.{choice}")},
        ((button(appointment.id, "ics"),), *change_buttons(appointment.id)),
    )
    return Outcome(
        (to_youngster(case.youngster_id, set_),),
        (
            SetReminder(appointment.id, choice),
            PlanDue(case.id, appointment.id, ("evening", "hour"), due),
        ),
        Tap("answered", Ref(f"appointment.remind.{choice}")),
    )


def _after(
    parties: Parties, appointment: Appointment, verb: str, now: datetime, rules: AppointmentRules
) -> Outcome:
    """The coach says how it went. Missed is never an end: the youngster gets a kind word
    and the days to pick a new moment from."""
    if not can(appointment.state, verb):
        return refused("stale")
    assert appointment.starts_at is not None
    case = parties.case
    assert case.coach_id is not None
    if now < appointment.starts_at:
        return Outcome(
            (to_staff(case.coach_id, Outbound("appointment.not_yet")),), tap=Tap("quiet")
        )
    state = after(appointment.state, verb)
    changes = (
        MoveAppointment(appointment.id, case.id, appointment.state, state),
        PlanDue(case.id, appointment.id, APPOINTMENT_DUE),
        _stat(parties, state, now),
    )
    label = Tap("answered", Ref(f"appointment.button.{verb}"))
    if verb == "done":
        return Outcome((to_staff(case.coach_id, Outbound("appointment.done_ok")),), changes, label)
    check_in = Outbound("appointment.missed", buttons=day_buttons(appointment.id, now, rules))
    return Outcome(
        (
            to_youngster(case.youngster_id, check_in),
            to_staff(
                case.coach_id, Outbound("appointment.missed_ok", {"pseudonym": case.pseudonym})
            ),
        ),
        changes,
        label,
    )


__all__ = ["YOUNGSTER", "tap"]
