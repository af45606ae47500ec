""" "Klikte het?" as kept (flows/feedback.py): answers only as counts per week and language,
a youngster's own line sealed with its week and language, and on the youngster's own row only
that a question waits. Nothing here names a youngster, a case or a coach, so erasing a
youngster has nothing of it to find, and a copy of the database links no answer to anyone.
Functions never commit."""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.feedback import ASKED
from flows.state import Feedback
from storage.models import FeedbackCount, FeedbackLine, Youngster, table_of


async def ask_feedback(session: AsyncSession, *, youngster_id: str) -> None:
    """Note on the youngster's row that "klikte het?" waits for their tap."""
    await session.execute(
        update(Youngster).where(col(Youngster.id) == youngster_id).values(feedback=ASKED)
    )


async def keep_feedback(session: AsyncSession, *, feedback: Feedback) -> None:
    """Count an answer, or keep a line (sealed, under a random id)."""
    if feedback.line is not None:
        row = {
            "id": secrets.token_hex(16),
            "week": feedback.week,
            "language": feedback.language,
            "text": feedback.line,
        }
        await session.execute(insert(table_of(FeedbackLine)), [row])
    if feedback.answer is None:
        return
    dialect = session.get_bind().dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(table_of(FeedbackCount))
    counts = table_of(FeedbackCount)
    await session.execute(
        statement.values(
            week=feedback.week, language=feedback.language, answer=feedback.answer, count=1
        ).on_conflict_do_update(
            index_elements=["week", "language", "answer"],
            set_={"count": counts.c["count"] + 1},
        )
    )


async def feedback_counts(session: AsyncSession, *, since: date) -> dict[str, int]:
    """The answers since a week, over every language: the whole service's, never a coach's
    (nothing kept could say whose)."""
    query = (
        select(col(FeedbackCount.answer), func.sum(col(FeedbackCount.count)))
        .where(col(FeedbackCount.week) >= since)
        .group_by(col(FeedbackCount.answer))
    )
    return {answer: int(total) for answer, total in (await session.execute(query)).all()}


async def feedback_weeks(session: AsyncSession, *, since: date) -> dict[date, dict[str, int]]:
    """Per week since a week (oldest first), the answers over every language."""
    query = (
        select(
            col(FeedbackCount.week), col(FeedbackCount.answer), func.sum(col(FeedbackCount.count))
        )
        .where(col(FeedbackCount.week) >= since)
        .group_by(col(FeedbackCount.week), col(FeedbackCount.answer))
        .order_by(col(FeedbackCount.week))
    )
    weeks: dict[date, dict[str, int]] = {}
    for week, answer, total in (await session.execute(query)).all():
        weeks.setdefault(week, {})[answer] = int(total)
    return weeks


async def feedback_lines(session: AsyncSession, *, since: date) -> list[str]:
    """The youngsters' own lines since a week, opened."""
    query = select(col(FeedbackLine.text)).where(col(FeedbackLine.week) >= since)
    return list((await session.execute(query)).scalars())
