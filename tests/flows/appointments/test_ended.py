"""A case leaving its coach: what is not yet held is cancelled, and the youngster is told
about what they had seen (a draft goes quietly)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flows.appointments.ended import coach_left
from flows.appointments.facts import Appointment
from flows.coaching.effects import MoveAppointment
from tests.flows.coaching.people import NOW, case

TOMORROW = NOW + timedelta(days=1)


def test_a_confirmed_appointment_is_cancelled_and_the_youngster_told() -> None:
    outcome = coach_left(case(), [Appointment(5, 7, "confirmed", "chat", TOMORROW)], NOW)
    assert MoveAppointment(5, 7, "confirmed", "cancelled") in outcome.changes
    assert [m.key for s in outcome.sends for m in s.messages] == ["appointment.cancelled_new_coach"]


def test_a_draft_is_dropped_without_a_word() -> None:
    outcome = coach_left(case(), [Appointment(5, 7, "draft", "chat")], NOW)
    assert MoveAppointment(5, 7, "draft", "cancelled") in outcome.changes
    assert outcome.sends == ()


def test_nothing_coming_changes_nothing() -> None:
    outcome = coach_left(case(), [], datetime(2026, 11, 23, 13, 0, tzinfo=UTC))
    assert (outcome.sends, outcome.changes) == ((), ())
