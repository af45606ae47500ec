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
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.statistics.coaching import APPOINTMENT_KINDS
from flows.statistics.facts import CaseTimes, JourneyEvent, Period
from flows.statistics.report import Facts, Report, Shape, report
from flows.statistics.targets import Targets
from storage.models import Case, CaseMessage, IntakeAnswer, StatEvent, Youngster, utc

STARTS = ("consent_given", "consent_declined")
COUNTED = ("crisis", *APPOINTMENT_KINDS)
# The reach questions kept as a tapped choice (intake_answers.choice), never as words.
ANSWERED_GROUPS = ("school_work", "housing", "region")


async def read_statistics(
    session: AsyncSession, period: Period, shape: Shape, targets: Targets
) -> Report:
    """Every figure of `period`, beside `targets`: the only statistics read there is."""
    start, end = period.start.astimezone(UTC), period.end.astimezone(UTC)
    facts = Facts(
        journeys=await _journey_events(session, start, end),
        counted=await _counted_events(session, start, end),
        cases=await _case_times(session, start, end),
        reach=await _reach(session, start, end),
    )
    return report(period, facts, shape, targets)


def _event(row: tuple[str, str, str | None, str | None, object]) -> JourneyEvent:
    journey, kind, step, value, hour = row
    assert hasattr(hour, "tzinfo")
    return JourneyEvent(journey, kind, step, value, utc(hour))  # type: ignore[arg-type]


async def _journey_events(
    session: AsyncSession, start: datetime, end: datetime
) -> list[JourneyEvent]:
    """Every event of the journeys that started in the period (later ones included: a claim
    the week after still belongs to this period's funnel)."""
    started = (
        select(col(StatEvent.journey))
        .where(
            col(StatEvent.kind).in_(STARTS), col(StatEvent.hour) >= start, col(StatEvent.hour) < end
        )
        .scalar_subquery()
    )
    rows = await session.execute(
        select(
            col(StatEvent.journey),
            col(StatEvent.kind),
            col(StatEvent.step),
            col(StatEvent.value),
            col(StatEvent.hour),
        ).where(col(StatEvent.journey).in_(started))
    )
    return [_event(tuple(row)) for row in rows]  # type: ignore[arg-type]


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
    return [_event(tuple(row)) for row in rows]  # type: ignore[arg-type]


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
