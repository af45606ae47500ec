"""The one statistics read, against a hand-built week (tests/storage/statistics_seed.py), on
SQLite and PostgreSQL: each figure as worked out by hand, small groups as "< 5"."""

from __future__ import annotations

import pytest

from flows.content import Content
from flows.state import Rules
from flows.statistics.cells import Amount, Cell, Count, Small, Withheld
from flows.statistics.facts import Period
from flows.statistics.report import Report, shape_of
from flows.statistics.table import TOTAL, Table
from flows.statistics.targets import Targets
from storage.db import Database
from storage.statistics import read_statistics
from tests.storage.statistics_seed import WEEK_END, WEEK_START, seed_week

TARGETS = Targets(
    reach={"age_band": {"12_15": 30.0, "16_17": 40.0, "18_20": 30.0}},
    aims={"within_24h": 90.0, "median_service_hours": 4.0},
)


@pytest.fixture
async def week(db: Database, content: Content, rules: Rules) -> Report:
    await seed_week(db)
    async with db.transaction() as session:
        return await read_statistics(
            session,
            Period(WEEK_START, WEEK_END),
            shape_of(content.questionnaire, rules),
            TARGETS,
        )


def column(table: Table, name: str) -> dict[str, Cell]:
    at = table.columns.index(name)
    return {row.label: row.cells[at] for row in table.rows}


def hours(minutes: float) -> Amount:
    return Amount(pytest.approx(minutes / 60), "hours")  # type: ignore[arg-type]


def percent(part: int, whole: int) -> Amount:
    return Amount(pytest.approx(100 * part / whole), "percent")  # type: ignore[arg-type]


async def test_the_funnel_counts_each_stage_and_hides_what_would_show_a_small_group(
    week: Report,
) -> None:
    people = column(week.table("funnel"), "people")
    assert people == {
        "started": Count(23),
        "consented": Withheld(),  # 23 started, 3 declined: hidden with the 3
        "finished": Count(18),
        "queued": Count(18),
        "claimed": Withheld(),  # 18 queued, 2 not claimed
        "first_coach_message": Count(15),
        "second_conversation": Count(6),
    }


async def test_the_funnel_says_how_many_stopped_after_each_stage(week: Report) -> None:
    stopped = column(week.table("funnel"), "stopped")
    assert [stopped[s] for s in ("started", "consented", "finished", "first_coach_message")] == [
        Small(),
        Small(),
        Count(0),
        Count(9),
    ]


async def test_those_who_stopped_are_counted_at_the_question_they_stopped(week: Report) -> None:
    people = column(week.table("stops"), "people")
    assert people["health"] == Small()
    assert people["strengths"] == Count(0)
    assert people[TOTAL] == Small()


async def test_the_wait_for_a_claim_gives_median_percentile_and_shares(week: Report) -> None:
    claim = dict(zip(week.table("timing").columns, week.table("timing").rows[0].cells, strict=True))
    assert claim == {
        "cases": Count(18),
        "median_hours": hours(55),
        "p90_hours": hours(1800),
        "median_service_hours": hours(55),
        "within_24h": percent(11, 18),
        "within_30min_service": percent(6, 18),
    }


async def test_the_wait_for_the_first_coach_message_stands_beside_its_target(
    week: Report,
) -> None:
    timing = week.table("timing")
    first, target = (dict(zip(timing.columns, row.cells, strict=True)) for row in timing.rows[1:])
    assert first["median_hours"] == hours(55)
    assert first["p90_hours"] == hours(1705)
    assert first["within_24h"] == percent(11, 18)
    assert first["within_30min_service"] == percent(5, 18)
    assert target["within_24h"] == Amount(90.0, "percent")
    assert target["median_service_hours"] == Amount(4.0, "hours")


async def test_the_queue_length_is_counted_at_noon_each_day(week: Report) -> None:
    at_noon = column(week.table("queue_length"), "at_noon")
    assert at_noon["2026-11-23"] == Count(0)
    assert at_noon["2026-11-24"] == Count(7)
    assert at_noon["2026-11-25"] == Small()  # the two never claimed
    assert column(week.table("queue_length"), "longest")["2026-11-24"] == Count(7)


async def test_needs_are_counted_per_domain(week: Report) -> None:
    needs = week.table("needs")
    health = dict(zip(needs.columns, needs.rows[0].cells, strict=True))
    assert health == {
        "need": Count(9),
        "so_so": Count(0),
        "fine": Count(9),
        "skipped": Count(0),
        TOTAL: Count(18),
    }


async def test_reach_gives_each_group_with_its_share_beside_the_target(week: Report) -> None:
    ages = week.table("reach.age_band")
    rows = {row.label: row.cells for row in ages.rows}
    assert rows["16_17"] == (Count(12), Amount(60.0, "percent"), Amount(40.0, "percent"))
    assert rows["12_15"][:2] == (Small(), Small())
    assert rows["18_20"][0] == Withheld()  # else 20 - 12 - 5 gives the small group away
    assert rows[TOTAL][0] == Count(20)


async def test_unanswered_reach_questions_are_counted_apart(week: Report) -> None:
    region = column(week.table("reach.region"), "people")
    assert region == {"20": Count(10), "unanswered": Count(10), TOTAL: Count(20)}
    school = column(week.table("reach.school_work"), "people")
    assert school["school"] == Count(8)


async def test_appointments_kept_and_missed_are_counted_from_their_events(week: Report) -> None:
    appointments = column(week.table("appointments"), "appointments")
    assert appointments == {"kept": Withheld(), "missed": Small(), TOTAL: Count(8)}


async def test_coach_changes_are_counted_per_case(week: Report) -> None:
    cases = column(week.table("coach_changes"), "cases")
    assert cases["1"] == Small()
    assert cases[TOTAL] == Count(16)
    assert cases["mean"] == Amount(pytest.approx(3 / 16), "per_case")  # type: ignore[arg-type]


async def test_crisis_signals_are_counted_per_week(week: Report) -> None:
    crisis = week.table("crisis")
    rows = {row.label: dict(zip(crisis.columns, row.cells, strict=True)) for row in crisis.rows}
    assert rows["2026-W48"] == {"suicide": Small(), "abuse": Withheld(), TOTAL: Count(10)}


async def test_klikte_het_answers_are_counted_per_week_of_the_period(week: Report) -> None:
    feedback = week.table("feedback")
    rows = {row.label: dict(zip(feedback.columns, row.cells, strict=True)) for row in feedback.rows}
    assert rows == {
        "2026-11-23": {"good": Count(10), "okay": Count(6), "bad": Count(0), TOTAL: Count(16)},
        TOTAL: {"good": Count(10), "okay": Count(6), "bad": Count(0), TOTAL: Count(16)},
    }


async def test_klikte_het_per_language_hides_a_language_with_few_answers(week: Report) -> None:
    languages = week.table("feedback_language")
    rows = {
        row.label: dict(zip(languages.columns, row.cells, strict=True)) for row in languages.rows
    }
    assert rows["en"]["good"] == Small()
    assert rows["nl"]["good"] == Withheld()  # else 10 - 8 would give the English 2 away
