"""`klik feedback` on SQLite and PostgreSQL: the whole service's answers per week and in
total, the youngsters' own lines only when asked for, with the wall clock as an operator has it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flows.feedback import week_of
from flows.state import Feedback
from storage.db import Database
from storage.feedback import keep_feedback
from tests.bot.conftest import StaffCli

ZONE = ZoneInfo("Europe/Brussels")  # the TIMEZONE setting's default


async def answered(db: Database, weeks_ago: int, *answers: str, line: str | None = None) -> None:
    week = week_of(datetime.now(UTC) - timedelta(weeks=weeks_ago), ZONE)
    async with db.transaction() as session:
        for answer in answers:
            await keep_feedback(session, feedback=Feedback(week, "nl", answer=answer))
        if line is not None:
            await keep_feedback(session, feedback=Feedback(week, "nl", line=line))


def row(out: str, label: str) -> list[int]:
    (found,) = [line for line in out.splitlines() if line.split()[:1] == [label]]
    return [int(cell) for cell in found.split()[1:]]


async def test_feedback_prints_good_okay_bad_and_all_per_week_and_in_total(
    staff_cli: StaffCli, db: Database
) -> None:
    await answered(db, 0, "good", "good", "bad", "good", "okay")
    await answered(db, 1, *["okay"] * 5)
    said = await staff_cli("feedback")
    assert said.code == 0
    assert row(said.out, "total") == [3, 6, 1, 10]
    this_week = f"{week_of(datetime.now(UTC), ZONE):%Y-%m-%d}"
    assert row(said.out, this_week) == [3, 1, 1, 5]


async def test_a_week_with_fewer_than_five_answers_is_counted_only_in_the_total(
    staff_cli: StaffCli, db: Database
) -> None:
    await answered(db, 0, "good", "bad")
    await answered(db, 1, "okay", "okay", "okay")
    this_week = f"{week_of(datetime.now(UTC), ZONE):%Y-%m-%d}"
    said = (await staff_cli("feedback")).out
    assert f"{this_week}  fewer than 5" in said
    assert row(said, "total") == [1, 3, 1, 5]


async def test_feedback_leaves_out_weeks_before_the_ones_asked_for(
    staff_cli: StaffCli, db: Database
) -> None:
    await answered(db, 0, *["good"] * 5)
    await answered(db, 3, "bad")
    said = await staff_cli("feedback", "--weeks", "2")
    assert row(said.out, "total") == [5, 0, 0, 5]


async def test_the_youngsters_own_lines_are_printed_one_a_line_only_when_asked_for(
    staff_cli: StaffCli, db: Database
) -> None:
    await answered(db, 0, "good", line="Het hielp\nom te praten")
    assert "Het hielp" not in (await staff_cli("feedback")).out
    assert "  Het hielp om te praten" in (await staff_cli("feedback", "--lines")).out


async def test_feedback_refuses_zero_weeks_in_one_line(staff_cli: StaffCli) -> None:
    said = await staff_cli("feedback", "--weeks", "0")
    assert said.code == 2 and "--weeks 0" in said.err
