"""Typed moments and reminder times, read from an injected `now` in Europe/Brussels, also on
the days summer time starts (29 March 2026) and ends (25 October 2026)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from flows.appointments.facts import AppointmentRules
from flows.appointments.moments import (
    coach_due,
    local,
    parse_moment,
    pick_days,
    pick_hours,
    read_moment,
    youngster_reminders,
)
from tests.conftest import BRUSSELS

RULES = AppointmentRules(BRUSSELS)
# Friday 27 November 2026, 10:00 in Brussels (09:00 UTC).
FRIDAY = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("words", "meant"),
    [
        ("morgen 15u", datetime(2026, 11, 28, 15, 0)),
        ("morgen om 15u30", datetime(2026, 11, 28, 15, 30)),
        ("di 16:30", datetime(2026, 12, 1, 16, 30)),
        ("dinsdag 16.30", datetime(2026, 12, 1, 16, 30)),
        ("friday 4pm", datetime(2026, 12, 4, 16, 0)),
        ("tomorrow 3pm", datetime(2026, 11, 28, 15, 0)),
        ("vandaag 18u", datetime(2026, 11, 27, 18, 0)),
        ("overmorgen 9u", datetime(2026, 11, 29, 9, 0)),
        ("2/12 14u", datetime(2026, 12, 2, 14, 0)),
    ],
)
def test_dutch_and_english_words_name_a_moment_in_the_service_s_zone(
    words: str, meant: datetime
) -> None:
    assert parse_moment(words, FRIDAY, BRUSSELS) == meant.replace(tzinfo=BRUSSELS).astimezone(UTC)


@pytest.mark.parametrize("words", ["morgen", "ooit", "", "volgende keer misschien"])
def test_words_without_a_day_and_an_hour_name_no_moment(words: str) -> None:
    assert parse_moment(words, FRIDAY, BRUSSELS) is None


def test_a_moment_typed_the_day_before_summer_time_starts_keeps_its_wall_clock_hour() -> None:
    saturday = datetime(2026, 3, 28, 10, 0, tzinfo=UTC)  # 11:00 in Brussels, winter time
    # Sunday 29 March 15:00 is summer time: 13:00 UTC, not 14:00.
    assert parse_moment("morgen 15u", saturday, BRUSSELS) == datetime(
        2026, 3, 29, 13, 0, tzinfo=UTC
    )


def test_a_moment_typed_the_day_before_summer_time_ends_keeps_its_wall_clock_hour() -> None:
    saturday = datetime(2026, 10, 24, 10, 0, tzinfo=UTC)  # 12:00 in Brussels, summer time
    # Sunday 25 October 15:00 is winter time again: 14:00 UTC.
    assert parse_moment("morgen 15u", saturday, BRUSSELS) == datetime(
        2026, 10, 25, 14, 0, tzinfo=UTC
    )


def test_the_hour_skipped_in_march_is_read_as_the_hour_after_the_switch() -> None:
    assert local(date(2026, 3, 29), time(2, 30), BRUSSELS) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )


def test_the_evening_before_a_monday_after_the_spring_switch_is_19_00_summer_time() -> None:
    monday = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 10:00 summer time
    due = dict(youngster_reminders("evening", monday, datetime(2026, 3, 27, tzinfo=UTC), RULES))
    assert due["evening"] == datetime(2026, 3, 29, 17, 0, tzinfo=UTC)  # Sunday 19:00 CEST


def test_the_evening_before_a_switch_day_is_19_00_of_the_day_before_it() -> None:
    sunday = datetime(2026, 3, 29, 13, 0, tzinfo=UTC)  # 15:00 summer time
    due = dict(youngster_reminders("evening", sunday, datetime(2026, 3, 27, tzinfo=UTC), RULES))
    assert due["evening"] == datetime(2026, 3, 28, 18, 0, tzinfo=UTC)  # Saturday 19:00 CET


def test_the_evening_before_a_monday_after_the_autumn_switch_is_19_00_winter_time() -> None:
    monday = datetime(2026, 10, 26, 9, 0, tzinfo=UTC)  # 10:00 winter time
    due = dict(youngster_reminders("evening", monday, datetime(2026, 10, 23, tzinfo=UTC), RULES))
    assert due["evening"] == datetime(2026, 10, 25, 18, 0, tzinfo=UTC)  # Sunday 19:00 CET


def test_the_evening_before_the_autumn_switch_day_is_19_00_summer_time() -> None:
    sunday = datetime(2026, 10, 25, 14, 0, tzinfo=UTC)
    due = dict(youngster_reminders("evening", sunday, datetime(2026, 10, 23, tzinfo=UTC), RULES))
    assert due["evening"] == datetime(2026, 10, 24, 17, 0, tzinfo=UTC)  # Saturday 19:00 CEST


def test_the_evening_hour_is_a_setting() -> None:
    late = AppointmentRules(BRUSSELS, evening=time(20, 30))
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    due = dict(youngster_reminders("both", monday, FRIDAY, late))
    assert due == {
        "evening": datetime(2026, 11, 29, 19, 30, tzinfo=UTC),
        "hour": datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
    }


def test_a_reminder_already_past_when_chosen_is_not_planned() -> None:
    soon = FRIDAY.replace(hour=9, minute=50)
    assert youngster_reminders("both", soon, FRIDAY, RULES) == ()
    assert youngster_reminders("none", FRIDAY.replace(day=30), FRIDAY, RULES) == ()


def test_the_coach_is_reminded_an_hour_before_and_asked_an_hour_after_the_end() -> None:
    starts = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    ends = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    assert coach_due(starts, ends, FRIDAY) == (
        ("coach", datetime(2026, 11, 30, 8, 0, tzinfo=UTC)),
        ("check", datetime(2026, 11, 30, 11, 0, tzinfo=UTC)),
    )


def test_the_quick_picks_skip_today_when_its_hours_are_over() -> None:
    evening = datetime(2026, 11, 27, 20, 30, tzinfo=UTC)  # 21:30 in Brussels
    assert pick_days(evening, BRUSSELS)[0] == date(2026, 11, 28)
    assert pick_days(FRIDAY, BRUSSELS)[0] == date(2026, 11, 27)


def test_today_offers_only_hours_still_to_come() -> None:
    hours = pick_hours(date(2026, 11, 27), FRIDAY, BRUSSELS)
    assert hours[0] == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # 11:00 in Brussels


@pytest.mark.parametrize("code", ["", "2026112714", "20261327 1400", "abcdefghijkl"])
def test_a_moment_in_button_data_that_is_no_moment_is_refused(code: str) -> None:
    assert read_moment(code) is None
