"""The answer rules, pure: who may do what with an appointment, and what each side hears."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flows.appointments.answer import tap
from flows.appointments.facts import Appointment, AppointmentRules, Parties
from flows.appointments.taps import AppointmentTap
from flows.coaching.effects import MoveAppointment, ToStaff, ToYoungster
from flows.coaching.facts import CaseFacts
from tests.conftest import BRUSSELS

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
RULES = AppointmentRules(BRUSSELS)
PARTIES = Parties(CaseFacts(7, "y1", "Sam-4821", "j1", "active", coach_id=3), "Lotte")


def proposed(by: str = "coach", state: str = "proposed") -> Appointment:
    return Appointment(11, 7, state, "chat", NOW + timedelta(days=1), proposed_by=by)


def test_the_side_that_proposed_cannot_confirm_its_own_proposal() -> None:
    outcome = tap("coach", 3, PARTIES, proposed("coach"), AppointmentTap(11, "ok"), NOW, RULES)
    assert outcome.tap is not None and outcome.tap.kind == "stale"
    assert outcome.changes == ()


def test_the_coach_confirms_what_the_youngster_proposed_and_both_hear_it() -> None:
    outcome = tap("coach", 3, PARTIES, proposed("youngster"), AppointmentTap(11, "ok"), NOW, RULES)
    assert MoveAppointment(11, 7, "proposed", "confirmed") in outcome.changes
    keys = {
        type(send).__name__: [m.key for m in send.messages]
        for send in outcome.sends
        if isinstance(send, ToStaff | ToYoungster)
    }
    assert keys["ToYoungster"] == ["appointment.confirmed", "appointment.remind_ask"]
    assert keys["ToStaff"] == ["appointment.confirmed_coach"]


def test_a_youngster_never_sees_nor_touches_a_draft() -> None:
    draft = Appointment(11, 7, "draft", "chat")
    outcome = tap("youngster", "y1", PARTIES, draft, AppointmentTap(11, "cancel"), NOW, RULES)
    assert outcome.tap is not None and outcome.tap.kind == "unknown"


def test_a_meeting_cannot_be_marked_missed_before_it_began() -> None:
    confirmed = proposed(state="confirmed")
    outcome = tap("coach", 3, PARTIES, confirmed, AppointmentTap(11, "missed"), NOW, RULES)
    assert outcome.changes == ()
    assert [m.key for s in outcome.sends for m in s.messages] == ["appointment.not_yet"]


def test_a_closed_case_s_appointment_answers_stale() -> None:
    closed = Parties(CaseFacts(7, "y1", "Sam-4821", "j1", "closed", coach_id=3), "Lotte")
    outcome = tap("youngster", "y1", closed, proposed(), AppointmentTap(11, "ok"), NOW, RULES)
    assert outcome.tap is not None and outcome.tap.kind == "stale"
