"""What the staff-side rules know: plain, frozen views of staff members and cases, loaded by
the service (bot/services/staff_load.py), and the team as matching and alerts see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flows.content import Questionnaire
from flows.matching import CoachProfile
from flows.queue import CaseCard
from flows.staff import StaffMember, is_available, reads_now
from flows.state import Intake, Rules, Signal
from flows.summary import summary_lines


@dataclass(frozen=True)
class Person:
    """A coach or team lead: the account, what matching needs, and their workload."""

    member: StaffMember
    intro: str = ""
    gender: str | None = None
    regions: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    active_cases: int = 0
    current_case_id: int | None = None

    @property
    def id(self) -> int:
        return self.member.id

    @property
    def name(self) -> str:
        return self.member.name

    @property
    def role(self) -> str:
        return self.member.role


@dataclass(frozen=True)
class CaseFacts:
    """A case and the little of its youngster the staff side needs."""

    id: int
    youngster_id: str
    pseudonym: str
    journey: str  # the anonymous statistics link
    state: str
    coach_id: int | None = None
    previous_coach_id: int | None = None
    handover_to: int | None = None
    urgent: bool = False
    priority: bool = False
    shared: bool = True
    signal: Signal | None = None
    safety: str | None = None

    @property
    def holders(self) -> tuple[int, ...]:
        """The coach, and during a warm hand-over the previous one, who reads along."""
        return tuple(s for s in (self.coach_id, self.previous_coach_id) if s is not None)


@dataclass(frozen=True)
class Team:
    """The staff who can be reached on the service's channel, at one moment."""

    people: tuple[Person, ...]
    rules: Rules
    now: datetime

    def get(self, staff_id: int | None) -> Person | None:
        return next((p for p in self.people if p.id == staff_id), None)

    @property
    def ids(self) -> frozenset[int]:
        return frozenset(p.id for p in self.people)

    @property
    def coaches(self) -> list[CoachProfile]:
        """The coaches as matching sees them."""
        return [profile(p, self.rules, self.now) for p in self.people if p.role == "coach"]

    @property
    def leads(self) -> list[int]:
        return [p.id for p in self.people if p.role == "teamlead"]

    @property
    def readers(self) -> frozenset[int]:
        """Who can be expected to read a crisis alert now (hours, away, active)."""
        return frozenset(
            p.id
            for p in self.people
            if reads_now(
                p.member,
                now=self.now,
                timezone=self.rules.timezone,
                service_hours=self.rules.service_hours,
            )
        )


def profile(person: Person, rules: Rules, now: datetime) -> CoachProfile:
    """A coach as matching sees them: fit, free places, available now."""
    member = person.member
    return CoachProfile(
        coach_id=member.id,
        name=member.name,
        languages=member.languages,
        focus=member.focus,
        capacity=member.capacity,
        active_cases=person.active_cases,
        available=is_available(
            member, now=now, timezone=rules.timezone, service_hours=rules.service_hours
        ),
        gender=person.gender,
        regions=person.regions,
        modes=person.modes,
    )


def case_card(questionnaire: Questionnaire, case: CaseFacts, intake: Intake) -> CaseCard:
    """A case as a coach sees it; before the youngster checked the summary of a case a
    crisis queued, without a word of their answers."""
    view = intake.case
    assert view is not None
    shared = case.shared
    return CaseCard(
        case_id=case.id,
        pseudonym=case.pseudonym,
        urgent=case.urgent,
        queued_at=view.queued_at,
        deadline=view.deadline,
        lines=summary_lines(questionnaire, intake) if shared else (),
        safety=case.safety,
        full_lines=summary_lines(questionnaire, intake, limit=None) if shared else (),
        signal=case.signal,
        shared=shared,
    )
