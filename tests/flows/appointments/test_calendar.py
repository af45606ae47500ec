"""The calendar file: an event that names Klik and the mode, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from flows.appointments.calendar import ics

AT = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)
MADE = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_the_file_is_one_event_of_an_hour_with_only_klik_and_the_mode() -> None:
    read = Calendar.from_ical(ics(AT, "Klik: videogesprek", MADE))
    events = list(read.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == "Klik: videogesprek"
    assert event.decoded("DTSTART") == AT
    assert event.decoded("DTEND") == datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
    assert set(event.keys()) == {"SUMMARY", "DTSTART", "DTEND", "DTSTAMP", "UID"}


def test_the_same_appointment_sent_twice_is_the_same_event() -> None:
    first = Calendar.from_ical(ics(AT, "Klik: chat", MADE))
    later = Calendar.from_ical(ics(AT, "Klik: chat", datetime(2026, 11, 28, tzinfo=UTC)))
    uid = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert uid == [str(e["UID"]) for e in later.walk("VEVENT")]
