"""Every statistics figure for one period, made from the facts storage read, each table with
its small counts hidden and its targets beside it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo

from flows.content import Questionnaire
from flows.hours import ServiceHours
from flows.state import Rules
from flows.statistics.coaching import appointments, coach_changes
from flows.statistics.crisis import crisis_weeks
from flows.statistics.facts import CaseTimes, Journey, JourneyEvent, Period
from flows.statistics.feedback import FeedbackCounts, feedback_languages, feedback_weeks
from flows.statistics.funnel import funnel, second_conversations, stops
from flows.statistics.needs import needs
from flows.statistics.queue_length import queue_length
from flows.statistics.reach import reach
from flows.statistics.table import Table
from flows.statistics.targets import DIMENSIONS, Targets
from flows.statistics.timing import timing

# A target's name in the targets file -> the column of the first-reply row it sits beside.
AIM_COLUMNS = {"within_24h": "within_24h", "median_service_hours": "median_service_hours"}


@dataclass(frozen=True)
class Facts:
    """What storage read for a period: the journeys that started in it (the stages each
    reached) and their check-in answers ((domain, value) -> journeys), the events counted in
    it (crisis signals, appointments), the cases waiting at its start or queued in it, and the
    reach counts per group (category -> people), and the "klikte het?" answers of the weeks
    it touches."""

    journeys: Sequence[Journey]
    answers: Mapping[tuple[str, str], int]
    counted: Sequence[JourneyEvent]
    cases: Sequence[CaseTimes]
    reach: Mapping[str, Mapping[str | None, int]] = field(default_factory=dict)
    feedback: FeedbackCounts = field(default_factory=dict)


@dataclass(frozen=True)
class Shape:
    """What the figures need to know of the questionnaire and the service."""

    questions: Sequence[str]  # in the order asked
    domains: Sequence[str]  # the check-in questions
    hours: ServiceHours
    zone: tzinfo


@dataclass(frozen=True)
class Report:
    period: Period
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table:
        return next(table for table in self.tables if table.name == name)


def shape_of(questionnaire: Questionnaire, rules: Rules) -> Shape:
    """The questions in their order, the check-in domains, the service hours and zone."""
    return Shape(
        questions=tuple(q.id for q in questionnaire.questions),
        domains=tuple(q.id for q in questionnaire.questions if q.kind == "checkin"),
        hours=rules.service_hours,
        zone=rules.timezone,
    )


def report(period: Period, facts: Facts, shape: Shape, targets: Targets) -> Report:
    """The figures in the order a team lead reads them."""
    aims = {AIM_COLUMNS[name]: value for name, value in targets.aims.items()}
    queued = [case for case in facts.cases if case.queued_at >= period.start]
    tables = [
        funnel(facts.journeys, second_conversations(queued, shape.zone)),
        stops(facts.journeys, shape.questions),
        timing(queued, shape.hours, shape.zone, aims),
        queue_length(facts.cases, period, shape.zone),
        needs(facts.answers, shape.domains),
        *(
            reach(dimension, facts.reach.get(dimension, {}), targets.reach.get(dimension, {}))
            for dimension in DIMENSIONS
        ),
        appointments(facts.counted),
        coach_changes(facts.journeys),
        crisis_weeks(facts.counted, ()),
        feedback_weeks(facts.feedback),
        feedback_languages(facts.feedback),
    ]
    return Report(period, tuple(tables))
