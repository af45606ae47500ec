"""Moments: typed words read as a time ("morgen 15u", "di 16:30", "friday 4pm"), the quick
picks (days, then hours) and when each reminder is due. Everything is read relative to the
injected `now` and in the service's zone, and kept in UTC; zoneinfo makes the switches to and
from summer time right (a day has 23 or 25 hours then)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flows.appointments.facts import AppointmentRules

# Dutch and Flemish write "15u", "15u30" or "16h": dateparser reads "15u" as fifteen hours.
_HOUR_WORD = re.compile(r"\b(\d{1,2})\s*[uh](?:\s*(\d{2}))?\b")
_FILLER = re.compile(r"\b(om|at|rond|around|tegen)\b")
# A moment needs an hour: "morgen" alone is a day, and would silently become midnight.
_HAS_TIME = re.compile(r"\d{1,2}[:.]\d{2}|\d\s*(am|pm)\b", re.IGNORECASE)
_LANGUAGES = ["nl", "en"]
PICK_DAYS = 7  # today and the six days after it
PICK_HOURS = tuple(range(9, 21))  # 09:00 to 20:00
HOUR_BEFORE = timedelta(hours=1)
MISSED_CHECK = timedelta(hours=1)  # after the end
# A reminder later than this (the service was down at its moment) is dropped, not sent late.
LATE = timedelta(minutes=15)


def _normalised(text: str) -> str:
    lowered = text.lower().strip()
    lowered = _HOUR_WORD.sub(lambda m: f"{m.group(1)}:{m.group(2) or '00'}", lowered)
    lowered = re.sub(r"\b(\d{1,2})\.(\d{2})\b", r"\1:\2", lowered)
    return " ".join(_FILLER.sub(" ", lowered).split())


def parse_moment(text: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The moment typed words name, in UTC, or None when they name no day and hour. Read
    from `now` in the service's zone, preferring the future ("di" is next Tuesday)."""
    cleaned = _normalised(text)
    if not cleaned or not _HAS_TIME.search(cleaned):
        return None
    base = now.astimezone(zone).replace(tzinfo=None)
    # Loaded when a moment is first typed, not in every worker at start: dateparser and its
    # language tables take about 5 MB that a worker serving intakes never needs.
    import dateparser

    found = dateparser.parse(
        cleaned,
        languages=_LANGUAGES,
        settings={
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": "future",
            "RETURN_AS_TIMEZONE_AWARE": False,
            "DATE_ORDER": "DMY",
        },
    )
    if found is None:
        return None
    return local(found.date(), found.time().replace(second=0, microsecond=0), zone)


def local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A wall-clock moment in the zone, in UTC. A time that does not exist (the hour skipped
    in March) is read as the same hour after the switch; one that exists twice (October) as
    the first."""
    # fold=0 (PEP 495) gives exactly that: the offset from before the switch.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def read_local(value: str, zone: ZoneInfo) -> datetime | None:
    """A date-time field's value ("2026-11-24T15:00", the wall clock in the service's zone)
    in UTC; None when it is no such value."""
    try:
        found = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if found.tzinfo is not None or len(value.strip()) > 19:
        return None
    return local(found.date(), found.time().replace(second=0, microsecond=0), zone)


def pick_days(now: datetime, zone: ZoneInfo) -> tuple[date, ...]:
    """The days the quick picks offer: today (if an hour of it is left) and the next days."""
    today = now.astimezone(zone).date()
    days = [today + timedelta(days=n) for n in range(PICK_DAYS)]
    if not pick_hours(today, now, zone):
        days = [*days[1:], today + timedelta(days=PICK_DAYS)]
    return tuple(days)


def pick_hours(day: date, now: datetime, zone: ZoneInfo) -> tuple[datetime, ...]:
    """The hours offered on a day, in UTC; on today only those still to come."""
    moments = (local(day, time(hour), zone) for hour in PICK_HOURS)
    return tuple(m for m in moments if m > now)


def day_code(day: date) -> str:
    return day.strftime("%Y%m%d")


def read_day(code: str) -> date | None:
    try:
        return datetime.strptime(code, "%Y%m%d").date() if len(code) == 8 else None
    except ValueError:
        return None


def moment_code(moment: datetime) -> str:
    """A picked moment in button data: UTC, to the minute."""
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M")


def read_moment(code: str) -> datetime | None:
    try:
        if len(code) != 12:
            return None
        return datetime.strptime(code, "%Y%m%d%H%M").replace(tzinfo=UTC)
    except ValueError:
        return None


def youngster_reminders(
    choice: str, starts_at: datetime, now: datetime, rules: AppointmentRules
) -> tuple[tuple[str, datetime], ...]:
    """The youngster's reminders for a choice: the evening before at the set hour (local, so
    19:00 stays 19:00 across a switch) and one hour before; only those still to come."""
    due: list[tuple[str, datetime]] = []
    if choice in ("evening", "both"):
        day_before = starts_at.astimezone(rules.timezone).date() - timedelta(days=1)
        evening = local(day_before, rules.evening, rules.timezone)
        if now < evening < starts_at - HOUR_BEFORE:
            due.append(("evening", evening))
    if choice in ("hour", "both") and now < starts_at - HOUR_BEFORE:
        due.append(("hour", starts_at - HOUR_BEFORE))
    return tuple(due)


def coach_due(
    starts_at: datetime, ends_at: datetime, now: datetime
) -> tuple[tuple[str, datetime], ...]:
    """The coach's own reminder an hour before (if still to come) and the check after."""
    due: list[tuple[str, datetime]] = []
    if now < starts_at - HOUR_BEFORE:
        due.append(("coach", starts_at - HOUR_BEFORE))
    due.append(("check", ends_at + MISSED_CHECK))
    return tuple(due)
