"""What the staff-side rules need, loaded through storage verbs into the plain values of
flows/coaching/facts.py; and the desk the staff service works at (one per channel)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from flows.appointments.facts import AppointmentRules
from flows.appointments.propose import mode_words
from flows.coaching.block import Target
from flows.coaching.facts import CaseFacts, Person, Team, case_card
from flows.command_words import CommandWords, staff_words
from flows.content import Content
from flows.matching import WaitingCase
from flows.queue import CaseCard, waiting_case
from flows.staff import staff_language
from flows.state import Intake, Rules, Signal
from storage.intakes import load_intake
from storage.models import Case, Staff, Youngster
from storage.queue import (
    case_with_youngster,
    open_case_with_youngster,
    reachable_staff,
    waiting_cases,
)
from storage.staff import member_of, split


@dataclass(frozen=True)
class Desk:
    """What every staff-side step works with: the content, the service's rules, the channel
    staff are reached on, and the staff's command words."""

    content: Content
    rules: Rules
    channel: str = "telegram"
    plans: AppointmentRules | None = None  # None: the defaults in the service's zone
    dashboard_url: str = ""  # where the web dashboard is reached; "": no sign-in links
    words: CommandWords = field(init=False)
    mode_words: dict[str, str] = field(init=False)  # what a coach types for a mode

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", staff_words(self.content.texts))
        object.__setattr__(self, "mode_words", mode_words(self.content.texts))
        if self.plans is None:
            object.__setattr__(self, "plans", AppointmentRules(self.rules.timezone))

    @property
    def appointments(self) -> AppointmentRules:
        assert self.plans is not None
        return self.plans

    def language(self, staff: Staff) -> str:
        """The language Klik speaks to a staff member."""
        return staff_language(split(staff.languages), self.content.questionnaire.languages)


def person(staff: Staff, active_cases: int = 0) -> Person:
    """A staff row as the rules see it."""
    return Person(
        member=member_of(staff),
        intro=staff.intro,
        gender=staff.gender,
        regions=split(staff.regions),
        modes=split(staff.modes),
        active_cases=active_cases,
        current_case_id=staff.current_case_id,
    )


def facts(case: Case, youngster: Youngster) -> CaseFacts:
    """A case row and its youngster as the rules see them."""
    assert case.id is not None
    return CaseFacts(
        id=case.id,
        youngster_id=youngster.id,
        pseudonym=youngster.pseudonym,
        journey=youngster.journey,
        state=case.state,
        coach_id=case.coach_id,
        previous_coach_id=case.previous_coach_id,
        handover_to=case.handover_to,
        urgent=case.urgent,
        priority=case.priority,
        shared=case.shared,
        signal=Signal.parse(case.signal),
        safety=youngster.safety,
    )


def target_of(youngster: Youngster) -> Target:
    """A youngster as the block list's rules see them."""
    return Target(
        youngster.id, youngster.pseudonym, youngster.blocked_at is not None, youngster.blocked_by
    )


@dataclass
class Reached:
    """The staff reachable on the desk's channel, loaded once per step: the team for the rules
    and, for sending, each one's address and language."""

    team: Team
    addresses: dict[int, tuple[str, str]]  # staff id -> (address, language)


async def reached(session: AsyncSession, desk: Desk, now: datetime) -> Reached:
    rows = await reachable_staff(session, channel=desk.channel)
    people = tuple(person(r.staff, r.active_cases) for r in rows)
    addresses = {
        r.staff.id: (r.address, desk.language(r.staff)) for r in rows if r.staff.id is not None
    }
    return Reached(Team(people, desk.rules, now), addresses)


@dataclass(frozen=True)
class Loaded:
    """A case with its youngster's intake, and the card a coach reads."""

    case: CaseFacts
    intake: Intake
    card: CaseCard | None  # None: the youngster has no case any more (withdrawn)


async def load_case(
    session: AsyncSession, desk: Desk, case_id: int | None, *, lock: bool = False
) -> Loaded | None:
    """A case by id, with what a coach reads of it; `lock`: the case row locked until the
    transaction ends."""
    if case_id is None:
        return None
    pair = await case_with_youngster(session, case_id=case_id, lock=lock)
    if pair is None:
        return None
    case, youngster = pair
    intake = await load_intake(session, youngster=youngster)
    known = facts(case, youngster)
    shown = case_card(desk.content.questionnaire, known, intake) if intake.case else None
    return Loaded(known, intake, shown)


async def waiting(session: AsyncSession, desk: Desk) -> list[tuple[CaseCard, WaitingCase]]:
    """Every waiting case as a coach reads it and as matching weighs it: read in one
    statement, answers included (the queue page and /wachtrij)."""
    found: list[tuple[CaseCard, WaitingCase]] = []
    for row in await waiting_cases(session):
        intake = await load_intake(
            session, youngster=row.youngster, current=(row.case, None), rows=row.kept
        )
        known = facts(row.case, row.youngster)
        card = case_card(desk.content.questionnaire, known, intake)
        found.append((card, waiting_case(known.id, intake, priority=row.case.priority)))
    return found


async def case_only(session: AsyncSession, case_id: int | None) -> CaseFacts | None:
    """A case by id, without the intake (for rules that do not show the case)."""
    if case_id is None:
        return None
    pair = await case_with_youngster(session, case_id=case_id)
    return facts(*pair) if pair is not None else None


async def open_case(session: AsyncSession, desk: Desk, youngster_id: str) -> Loaded | None:
    """The youngster's case while it waits for or has a coach."""
    found = await open_case_with_youngster(session, youngster_id=youngster_id)
    if found is None:
        return None
    case, youngster, coach = found
    intake = await load_intake(session, youngster=youngster, current=(case, coach))
    known = facts(case, youngster)
    shown = case_card(desk.content.questionnaire, known, intake) if intake.case else None
    return Loaded(known, intake, shown)
