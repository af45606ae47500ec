"""The days a statistics page covers: typed, quick choices, and bad input."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flows.statistics.periods import Days, chosen, period_of, quick

TODAY = date(2026, 12, 6)


def test_the_quick_choices_end_today_and_last_month_is_the_whole_month() -> None:
    assert quick(TODAY) == {
        "last_4_weeks": Days(date(2026, 11, 9), TODAY),
        "this_month": Days(date(2026, 12, 1), TODAY),
        "last_month": Days(date(2026, 11, 1), date(2026, 11, 30)),
        "this_year": Days(date(2026, 1, 1), TODAY),
    }


def test_last_month_in_january_is_last_years_december() -> None:
    assert quick(date(2027, 1, 15))["last_month"] == Days(date(2026, 12, 1), date(2026, 12, 31))


def test_nothing_asked_means_the_last_four_weeks() -> None:
    assert chosen(None, None, TODAY) == Days(date(2026, 11, 9), TODAY)


def test_typed_days_are_taken_as_they_are() -> None:
    assert chosen("2026-10-01", "2026-10-31", TODAY) == Days(date(2026, 10, 1), date(2026, 10, 31))


def test_an_unreadable_day_gives_the_default_with_the_reason() -> None:
    assert chosen("1 oktober", "2026-10-31", TODAY).problem == "unreadable"


def test_an_end_before_the_start_gives_the_default_with_the_reason() -> None:
    assert chosen("2026-10-31", "2026-10-01", TODAY) == Days(date(2026, 11, 9), TODAY, "reversed")


def test_more_than_a_year_is_refused_with_the_reason() -> None:
    assert chosen("2024-01-01", "2026-01-01", TODAY).problem == "too_long"


def test_a_period_runs_from_the_first_midnight_to_the_midnight_after_the_last_day() -> None:
    zone = ZoneInfo("Europe/Brussels")
    period = period_of(Days(date(2026, 11, 1), date(2026, 11, 30)), zone)
    assert (period.start, period.end) == (
        datetime(2026, 11, 1, tzinfo=zone),
        datetime(2026, 12, 1, tzinfo=zone),
    )
