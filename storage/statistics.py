"""The one way statistics are read: `read_statistics` returns the figures of a period as
aggregates only, small counts hidden ("< 5") with their complements (flows/statistics/).

It reads anonymous events (stat_events: a journey key, the hour, categories), case times and
the categories of the reach questions, and never a name, a text, a chat or a staff id: nothing
here can be grouped per coach. A journey belongs to the period in which it started (answered
the consent question); counted events (crisis signals, appointments) to the hour they happened;
a case to the period it was queued in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.statistics.coaching import APPOINTMENT_KINDS
from flows.statistics.facts import CaseTimes, Journey, JourneyEvent, Period
from flows.statistics.funnel import ANSWERS, DOORWAY
from flows.statistics.report import Facts, Report, Shape, report
from flows.statistics.targets import Targets
from storage.models import (
    Case,
    CaseMessage,
    FeedbackCount,
    IntakeAnswer,
    StatEvent,
    Youngster,
    utc,
)

STARTS = ("consent_given", "consent_declined")
COUNTED = ("crisis", *APPOINTMENT_KINDS)
# The reach questions kept as a tapped choice (intake_answers.choice), never as words.
ANSWERED_GROUPS = ("school_work", "housing", "region")
JOURNEY_STAGES = (
    "consented",
    "finished",
    "queued",
    "claims",
    "first_message",
    "handovers",
    "furthest",
)


async def read_statistics(
    session: AsyncSession, period: Period, shape: Shape, targets: Targets
) -> Report:
    """Every figure of `period`, beside `targets`: the only statistics read there is."""
    start, end = period.start.astimezone(UTC), period.end.astimezone(UTC)
    facts = Facts(
        journeys=await _journeys(session, start, end, shape),
        answers=await _answers(session, start, end, shape),
        counted=await _counted_events(session, start, end),
        cases=await _case_times(session, start, end),
        reach=await _reach(session, start, end),
        feedback=await _feedback(session, period, shape),
    )
    return report(period, facts, shape, targets)


def _event(
    journey: str, kind: str, step: str | None, value: str | None, hour: datetime
) -> JourneyEvent:
    return JourneyEvent(journey, kind, step, value, utc(hour))


def _flag(condition: ColumnElement[bool]) -> Any:
    return func.max(case((condition, 1), else_=0))


def _tally(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _started(start: datetime, end: datetime) -> Any:
    """The journeys that started (answered the consent question) in the period."""
    return (
        select(col(StatEvent.journey))
        .where(col(StatEvent.kind).in_(STARTS), col(StatEvent.hour) >= start)
        .where(col(StatEvent.hour) < end)
        .scalar_subquery()
    )


async def _journeys(
    session: AsyncSession, start: datetime, end: datetime, shape: Shape
) -> list[Journey]:
    """Each journey that started in the period, summed up from all its events (a claim the
    week after still counts for this period's funnel). Journeys that reached the same stages
    are counted together in SQL: a few dozen rows come back, not one per journey."""
    kind, step = col(StatEvent.kind), col(StatEvent.step)
    answered = kind.in_(ANSWERS)
    order = [DOORWAY, *shape.questions]
    place = case({question: n for n, question in enumerate(order)}, value=step, else_=-1)
    last = shape.questions[-1] if shape.questions else DOORWAY
    each = (
        select(
            _flag(kind == "consent_given").label("consented"),
            _flag(or_(kind.in_(("talk_now", "queued")), and_(answered, step == last))).label(
                "finished"
            ),
            _flag(kind == "queued").label("queued"),
            _tally(kind == "claimed").label("claims"),
            _flag(kind == "coach_first_message").label("first_message"),
            _tally(kind == "coach_change").label("handovers"),
            func.max(case((answered, place), else_=-1)).label("furthest"),
        )
        .where(col(StatEvent.journey).in_(_started(start, end)))
        .group_by(col(StatEvent.journey))
        .subquery()
    )
    stages = [each.c[name] for name in JOURNEY_STAGES]
    rows = await session.execute(select(*stages, func.count()).group_by(*stages))
    journeys: list[Journey] = []
    for row in rows:
        a, b, c, d, e, f, g, many = tuple(row)
        journeys += [Journey(bool(a), bool(b), bool(c), int(d), bool(e), int(f), int(g))] * many
    return journeys


async def _answers(
    session: AsyncSession, start: datetime, end: datetime, shape: Shape
) -> dict[tuple[str, str], int]:
    """The check-in answers of those journeys: (domain, value or "skip") -> journeys."""
    kind, step = col(StatEvent.kind), col(StatEvent.step)
    value = case((kind == "skipped", "skip"), else_=col(StatEvent.value))
    rows = await session.execute(
        select(step, value, func.count(func.distinct(col(StatEvent.journey))))
        .where(col(StatEvent.journey).in_(_started(start, end)))
        .where(kind.in_(ANSWERS), step.in_(shape.domains))
        .group_by(step, value)
    )
    return {(domain, answer): people for domain, answer, people in rows}


async def _counted_events(
    session: AsyncSession, start: datetime, end: datetime
) -> list[JourneyEvent]:
    rows = await session.execute(
        select(
            col(StatEvent.journey),
            col(StatEvent.kind),
            col(StatEvent.step),
            col(StatEvent.value),
            col(StatEvent.hour),
        ).where(
            col(StatEvent.kind).in_(COUNTED),
            col(StatEvent.hour) >= start,
            col(StatEvent.hour) < end,
        )
    )
    return [_event(*row) for row in rows]


async def _case_times(session: AsyncSession, start: datetime, end: datetime) -> list[CaseTimes]:
    """Cases queued before the end that were still waiting at the start or came after it,
    with their first and last coach message."""
    coach = and_(col(CaseMessage.case_id) == col(Case.id), col(CaseMessage.sender) == "coach")
    first = select(func.min(CaseMessage.created_at)).where(coach).scalar_subquery()
    last = select(func.max(CaseMessage.created_at)).where(coach).scalar_subquery()
    rows = await session.execute(
        select(col(Case.queued_at), col(Case.claimed_at), first, last, col(Case.closed_at)).where(
            col(Case.queued_at) < end,
            or_(col(Case.claimed_at).is_(None), col(Case.claimed_at) >= start),
            or_(col(Case.closed_at).is_(None), col(Case.closed_at) >= start),
        )
    )
    return [
        CaseTimes(*(utc(moment) if moment is not None else None for moment in row))  # type: ignore[arg-type]
        for row in rows
    ]


async def _reach(
    session: AsyncSession, start: datetime, end: datetime
) -> dict[str, Mapping[str | None, int]]:
    """Youngsters who consented in the period, counted per category of each group."""
    cohort = and_(col(Youngster.created_at) >= start, col(Youngster.created_at) < end)
    groups: dict[str, Mapping[str | None, int]] = {}
    for name, column in (("age_band", Youngster.age_band), ("language", Youngster.language)):
        rows = await session.execute(
            select(col(column), func.count()).where(cohort).group_by(col(column))
        )
        groups[name] = {value: number for value, number in rows}
    for question in ANSWERED_GROUPS:
        groups[question] = await _answered(session, cohort, question)
    # How they found us: the link they came by, else what they answered when asked.
    found = await _answered(session, cohort, "found_us", beside=col(Youngster.source))
    groups["found_us"] = found
    return groups


async def _answered(
    session: AsyncSession,
    cohort: ColumnElement[bool],
    question: str,
    beside: Any = None,
) -> Counter[str | None]:
    """The cohort by their answer to `question` (None: not answered); with `beside`, a
    youngster's own value of that column goes before the answer."""
    answer = and_(
        col(IntakeAnswer.youngster_id) == col(Youngster.id), col(IntakeAnswer.question) == question
    )
    choice = col(IntakeAnswer.choice)
    value = func.coalesce(beside, choice) if beside is not None else choice
    rows = await session.execute(
        select(value, func.count())
        .select_from(Youngster)
        .outerjoin(IntakeAnswer, answer)
        .where(cohort)
        .group_by(value)
    )
    return Counter({category: number for category, number in rows})


async def _feedback(
    session: AsyncSession, period: Period, shape: Shape
) -> dict[tuple[date, str, str], int]:
    """ "Klikte het?" answers of every week that touches the period (kept per week only, by
    its Monday in the service's zone): (week, language, answer) -> answers."""
    first = period.start.astimezone(shape.zone).date() - timedelta(days=6)
    last = (period.end - timedelta(microseconds=1)).astimezone(shape.zone).date()
    week = col(FeedbackCount.week)
    rows = await session.execute(
        select(
            week, col(FeedbackCount.language), col(FeedbackCount.answer), col(FeedbackCount.count)
        ).where(week >= first, week <= last)
    )
    return {(day, language, answer): number for day, language, answer, number in rows}
