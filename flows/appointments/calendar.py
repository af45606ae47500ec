"""The calendar file a youngster can ask for once an appointment is confirmed: made with
icalendar, naming Klik and the mode only (no coach, no pseudonym, no link or place), so a
shared or synced calendar gives nothing away."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flows.appointments.facts import LENGTH


def ics(at: datetime, summary: str, made: datetime) -> str:
    """One event from `at` (UTC) for the length of a meeting, titled `summary`. Its UID is
    made from the moment and the title, so the same appointment sent twice is one event."""
    # Loaded when the first calendar file is asked for, not in every worker at start: icalendar
    # and what it brings (dateutil, its time zone tables) take about 5 MB.
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Klik//klik//NL")
    calendar.add("version", "2.0")
    event = Event()
    start = at.astimezone(UTC)
    digest = hashlib.sha256(f"{start.isoformat()}|{summary}".encode()).hexdigest()[:32]
    event.add("uid", f"{digest}@klik")
    event.add("dtstamp", made.astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", start + LENGTH)
    event.add("summary", summary)
    calendar.add_component(event)
    made_bytes: bytes = calendar.to_ical()
    return made_bytes.decode("utf-8")
