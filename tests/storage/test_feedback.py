""" "Klikte het?" as kept, on SQLite and PostgreSQL: answers only as counts per week and
language, lines sealed, nothing in either table that leads to a youngster, case or coach."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from flows.state import Feedback
from storage.db import Database
from storage.feedback import feedback_counts, feedback_lines, keep_feedback
from storage.models import FeedbackCount

WEEK = date(2026, 11, 30)
NEXT = date(2026, 12, 7)


async def keep(db: Database, *feedback: Feedback) -> None:
    for one in feedback:
        async with db.transaction() as session:
            await keep_feedback(session, feedback=one)


async def test_answers_are_counted_per_week_language_and_answer_not_kept_one_by_one(
    db: Database,
) -> None:
    good, bad = Feedback(WEEK, "nl", answer="good"), Feedback(WEEK, "nl", answer="bad")
    await keep(db, good, good, bad, Feedback(WEEK, "en", answer="good"))
    async with db.transaction() as session:
        rows = (await session.execute(select(FeedbackCount))).scalars().all()
    assert sorted((r.language, r.answer, r.count) for r in rows) == [
        ("en", "good", 1),
        ("nl", "bad", 1),
        ("nl", "good", 2),
    ]


async def test_the_counts_since_a_week_are_the_whole_service_s(db: Database) -> None:
    await keep(
        db,
        Feedback(WEEK, "nl", answer="good"),
        Feedback(NEXT, "en", answer="good"),
        Feedback(NEXT, "nl", answer="okay"),
    )
    async with db.transaction() as session:
        assert await feedback_counts(session, since=NEXT) == {"good": 1, "okay": 1}


async def test_a_line_is_sealed_at_rest_and_read_back_opened(db: Database) -> None:
    await keep(db, Feedback(WEEK, "nl", line="Lotte luisterde echt"))
    async with db.engine.connect() as connection:
        stored = (await connection.execute(text("SELECT text FROM feedback_lines"))).scalar_one()
    assert "Lotte" not in str(stored)
    async with db.transaction() as session:
        assert await feedback_lines(session, since=WEEK) == ["Lotte luisterde echt"]


async def test_no_feedback_table_has_a_column_that_could_name_whose_it_is(db: Database) -> None:
    def columns(connection: object) -> dict[str, set[str]]:
        found = inspect(connection)
        return {
            table: {c["name"] for c in found.get_columns(table)}
            for table in ("feedback_counts", "feedback_lines")
        }

    async with db.engine.connect() as connection:
        assert isinstance(connection, AsyncConnection)
        kept = await connection.run_sync(columns)
    assert kept == {
        "feedback_counts": {"week", "language", "answer", "count"},
        "feedback_lines": {"id", "week", "language", "text"},
    }
