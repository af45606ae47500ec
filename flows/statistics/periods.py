"""Which days a team lead's statistics cover: the days typed (from, to), or a quick choice
(the last 4 weeks, this month, last month, this year), from `today` as the caller gives it.
Bad input gets a reason code and the default period, never an error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from flows.statistics.facts import Period

QUICK = ("last_4_weeks", "this_month", "last_month", "this_year")
LONGEST = timedelta(days=366)  # a year at most: a day per row in the queue's table


@dataclass(frozen=True)
class Days:
    """The first and last day (both counted), and why the asked days were not taken."""

    first: date
    last: date
    problem: str | None = None  # unreadable | reversed | too_long


def quick(today: date) -> dict[str, Days]:
    """Each quick choice's days, up to and including today."""
    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    return {
        "last_4_weeks": Days(today - timedelta(days=27), today),
        "this_month": Days(month, today),
        "last_month": Days(last_month_end.replace(day=1), last_month_end),
        "this_year": Days(today.replace(month=1, day=1), today),
    }


def chosen(first: str | None, last: str | None, today: date) -> Days:
    """The days asked for as YYYY-MM-DD; none asked: the last 4 weeks; a bad pair: the last
    4 weeks with the reason."""
    default = quick(today)["last_4_weeks"]
    if not first and not last:
        return default
    try:
        start, end = date.fromisoformat(first or ""), date.fromisoformat(last or "")
    except ValueError:
        return Days(default.first, default.last, "unreadable")
    if end < start:
        return Days(default.first, default.last, "reversed")
    if end - start >= LONGEST:
        return Days(default.first, default.last, "too_long")
    return Days(start, end)


def period_of(days: Days, zone: tzinfo) -> Period:
    """From the start of the first day to the end of the last, in the service's time zone."""
    return Period(
        datetime.combine(days.first, time(0), tzinfo=zone),
        datetime.combine(days.last + timedelta(days=1), time(0), tzinfo=zone),
    )
