"""Service hours: when coaches are around and when they are back."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows.hours import OpenClock, parse_service_hours

BRUSSELS = ZoneInfo("Europe/Brussels")
HOURS = parse_service_hours("mon-fri 09:00-21:00, sat 12:00-17:00")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BRUSSELS)  # 23 Nov 2026 is a Monday


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (local(23, 9), True),
        (local(23, 8, 59), False),
        (local(23, 21), False),
        (local(28, 13), True),
        (local(29, 13), False),
    ],
)
def test_is_open_follows_the_weekly_hours(moment: datetime, open_: bool) -> None:
    assert HOURS.is_open(moment) is open_


@pytest.mark.parametrize(
    ("moment", "back"),
    [
        (local(23, 7), local(23, 9)),
        (local(23, 22), local(24, 9)),
        (local(27, 22), local(28, 12)),
        (local(28, 18), local(30, 9)),
        (local(25, 10), local(25, 10)),
    ],
)
def test_the_next_opening_is_found_across_days_and_weekends(
    moment: datetime, back: datetime
) -> None:
    assert HOURS.next_opening(moment) == back


def test_a_range_can_wrap_around_the_week() -> None:
    hours = parse_service_hours("fri-mon 10:00-12:00")
    assert {o.weekday for o in hours.openings} == {4, 5, 6, 0}


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("", "is not like"),
        ("maandag 09:00-17:00", "is not like"),
        ("mon-fri 17:00-09:00", "after the start"),
        ("mon 25:00-26:00", "hour must be in"),
        ("xyz 09:00-10:00", "days are"),
    ],
)
def test_nonsense_hours_are_refused_with_a_reason(spec: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_service_hours(spec)


def test_24_00_closes_at_midnight_so_a_whole_day_can_be_written() -> None:
    hours = parse_service_hours("mon-sun 00:00-24:00")
    assert hours.is_open(datetime(2026, 12, 1, 23, 59, 59))
    assert hours.is_open(datetime(2026, 12, 2, 0, 0))


WEEKDAYS = parse_service_hours("mon-fri 09:00-21:00")


@pytest.mark.parametrize(
    ("start", "hours", "moment"),
    [
        (local(23, 14), 5, local(23, 19)),  # all of it today
        (local(23, 14), 7, local(23, 21)),  # runs out exactly at closing time: ends there
        (local(23, 20), 2, local(24, 10)),  # one hour tonight, one tomorrow morning
        (local(23, 23), 1, local(24, 10)),  # closed now: counting starts at the opening
        (local(27, 20), 3, local(30, 11)),  # the weekend does not count
    ],
)
def test_open_time_counts_only_the_hours_coaches_are_around(
    start: datetime, hours: int, moment: datetime
) -> None:
    assert WEEKDAYS.after_open_time(start, timedelta(hours=hours)) == moment


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (local(23, 14), local(23, 19), 5),
        (local(23, 20), local(24, 10), 2),  # one hour tonight, one tomorrow morning
        (local(23, 23), local(24, 9), 0),  # the night counts nothing
        (local(27, 20), local(30, 11), 8),  # friday's last hour, saturday 12-17, monday 9-11
        (local(24, 10), local(23, 10), 0),  # the end before the start
    ],
)
def test_open_time_between_two_moments_counts_only_the_hours_coaches_are_around(
    start: datetime, end: datetime, hours: int
) -> None:
    assert HOURS.open_time_between(start, end) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (local(23, 14), local(23, 19), 5),
        (local(23, 20), local(24, 10), 2),
        (local(23, 23), local(24, 9), 0),
        (local(27, 20), local(30, 11), 8),
        (local(24, 10), local(23, 10), 0),
    ],
)
def test_an_open_clock_over_many_days_counts_each_wait_as_open_time_between_does(
    start: datetime, end: datetime, hours: int
) -> None:
    clock = OpenClock(HOURS, BRUSSELS, local(23, 0).date(), local(30, 0).date())
    assert clock.between(start, end) == timedelta(hours=hours)


def test_an_open_clock_counts_the_hour_lost_when_summer_time_ends_once() -> None:
    always = parse_service_hours("mon-sun 00:00-24:00")
    start = datetime(2026, 10, 24, 12, tzinfo=BRUSSELS)  # the clocks go back on the 25th
    end = datetime(2026, 10, 25, 12, tzinfo=BRUSSELS)
    clock = OpenClock(always, BRUSSELS, start.date(), end.date())
    assert clock.between(start, end) == timedelta(hours=25)


def test_overlapping_openings_count_each_open_hour_once() -> None:
    hours = parse_service_hours("mon 09:00-17:00, mon 12:00-20:00")
    assert hours.after_open_time(local(23, 9), timedelta(hours=11)) == local(23, 20)


def test_open_day_and_night_the_open_time_is_plain_clock_time_across_summer_time() -> None:
    always = parse_service_hours("mon-sun 00:00-24:00")
    saturday_noon = datetime(2026, 3, 28, 12, 0, tzinfo=BRUSSELS)  # clocks go forward on Sunday
    # 24 real hours later; the clock shows 13:00, summer time.
    sunday = datetime(2026, 3, 29, 13, 0, tzinfo=BRUSSELS)
    assert always.after_open_time(saturday_noon, timedelta(hours=24)) == sunday


@pytest.mark.parametrize(
    ("spec", "always"),
    [
        ("mon-sun 00:00-24:00", True),
        ("mon-sun 00:00-12:00, mon-sun 12:00-24:00", True),
        ("mon-sat 00:00-24:00", False),
        ("mon-sun 00:00-23:00", False),
        ("mon-fri 09:00-21:00", False),
    ],
)
def test_only_hours_covering_every_day_and_night_are_always_open(spec: str, always: bool) -> None:
    assert parse_service_hours(spec).always_open is always
