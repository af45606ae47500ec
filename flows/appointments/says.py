"""How an appointment is told: its moment and what kind of meeting it is, and the buttons
under it. Button data: `apt:<id>:<verb>[:<arg>]`, and `apt:new:<case>:<mode>` for a new one."""

from __future__ import annotations

from datetime import date, datetime

from flows.appointments.facts import REMINDERS, Appointment, AppointmentRules
from flows.appointments.moments import day_code, local, moment_code, pick_days, pick_hours
from flows.messages import Button, Param, Ref, When

Rows = tuple[tuple[Button, ...], ...]


def when(appointment: Appointment) -> When:
    assert appointment.starts_at is not None
    return When(appointment.starts_at, "appointment")


def what(appointment: Appointment) -> Ref:
    """Chat, a call, a video call (with its link) or meeting somewhere (with the place)."""
    if appointment.mode == "video" and appointment.link:
        return Ref("appointment.what.video_link", {"link": appointment.link})
    if appointment.mode == "meet" and appointment.place:
        return Ref("appointment.what.meet_place", {"place": appointment.place})
    return Ref(f"appointment.what.{appointment.mode}")


def told(appointment: Appointment, **more: Param) -> dict[str, Param]:
    """The parameters most appointment texts share: when and what."""
    return {"when": when(appointment), "what": what(appointment), **more}


def button(appointment_id: int, verb: str) -> Button:
    return Button(Ref(f"appointment.button.{verb}"), f"apt:{appointment_id}:{verb}")


def answer_buttons(appointment_id: int) -> Rows:
    """✅ Past / 🔁 Ander moment / ❌ Afzeggen: one tap."""
    return (
        (button(appointment_id, "ok"), button(appointment_id, "other")),
        (button(appointment_id, "cancel"),),
    )


def change_buttons(appointment_id: int) -> Rows:
    """Under a confirmed appointment: move it or cancel it."""
    return ((button(appointment_id, "move"), button(appointment_id, "cancel")),)


def check_buttons(appointment_id: int) -> Rows:
    return ((button(appointment_id, "done"), button(appointment_id, "missed")),)


def reminder_buttons(appointment_id: int) -> Rows:
    return tuple(
        (Button(Ref(f"appointment.remind.{choice}"), f"apt:{appointment_id}:r:{choice}"),)
        for choice in REMINDERS
    )


def new_button(case_id: int, mode: str) -> Rows:
    return ((Button(Ref("appointment.button.new"), f"apt:new:{case_id}:{mode}"),),)


def mode_buttons(case_id: int) -> Rows:
    from flows.appointments.facts import MODES

    row = tuple(
        Button(Ref(f"appointment.mode.{mode}"), f"apt:new:{case_id}:{mode}") for mode in MODES
    )
    return (row[:2], row[2:])


def day_label(day: date, now: datetime, rules: AppointmentRules) -> Ref:
    today = now.astimezone(rules.timezone).date()
    if day == today:
        return Ref("appointment.day.today")
    if (day - today).days == 1:
        return Ref("appointment.day.tomorrow")
    return Ref(
        "appointment.day.other", {"day": When(local(day, rules.evening, rules.timezone), "day")}
    )


def day_buttons(appointment_id: int, now: datetime, rules: AppointmentRules) -> Rows:
    """The quick picks for a day: today (while hours are left), tomorrow, the next days."""
    days = [
        Button(day_label(day, now, rules), f"apt:{appointment_id}:day:{day_code(day)}")
        for day in pick_days(now, rules.timezone)
    ]
    return tuple(tuple(days[i : i + 3]) for i in range(0, len(days), 3))


def hour_buttons(appointment_id: int, day: date, now: datetime, rules: AppointmentRules) -> Rows:
    """The quick picks for an hour on a day, four to a row."""
    hours = [
        Button(
            Ref("appointment.hour", {"at": When(moment, "hour")}),
            f"apt:{appointment_id}:at:{moment_code(moment)}",
        )
        for moment in pick_hours(day, now, rules.timezone)
    ]
    return tuple(tuple(hours[i : i + 4]) for i in range(0, len(hours), 4))
