"""What the staff side shares: reaching staff and youngsters, and how a case looks to a coach.

Everything here runs inside the conversation service's transaction and only puts messages in
the outbox, so they leave only if the transaction commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from flows.intake import IntakeFlow
from flows.matching import CoachProfile
from flows.messages import Outbound
from flows.queue import CaseCard
from flows.staff import is_available, reads_now, staff_language
from flows.state import Intake, Rules, Signal
from storage.intakes import find_contact, load_intake
from storage.models import Case, Staff, Youngster
from storage.outbox import enqueue_messages
from storage.queue import Reachable, open_case_with_youngster, reachable_staff
from storage.staff import member_of, split


class StaffDesk:
    """Helpers for the matchteam, the relay and a case's life; one per channel."""

    def __init__(self, flow: IntakeFlow, rules: Rules, *, channel: str = "telegram") -> None:
        self.flow = flow
        self.rules = rules
        self.channel = channel

    def _language(self, staff: Staff) -> str:
        return staff_language(split(staff.languages), self.flow.questionnaire.languages)

    async def _send(
        self,
        session: AsyncSession,
        address: str,
        language: str,
        messages: list[Outbound],
        now: datetime,
    ) -> None:
        await enqueue_messages(
            session,
            channel=self.channel,
            address=address,
            youngster_id=None,
            language=language,
            messages=messages,
            now=now,
        )

    def _profile(self, person: Reachable, now: datetime) -> CoachProfile:
        member = member_of(person.staff)
        assert person.staff.id is not None
        return CoachProfile(
            coach_id=person.staff.id,
            name=person.staff.name,
            languages=member.languages,
            focus=member.focus,
            capacity=member.capacity,
            active_cases=person.active_cases,
            available=is_available(
                member,
                now=now,
                timezone=self.rules.timezone,
                service_hours=self.rules.service_hours,
            ),
            gender=person.staff.gender,
            regions=split(person.staff.regions),
            modes=split(person.staff.modes),
        )

    def _team(self, people: list[Reachable], now: datetime) -> tuple[list[CoachProfile], list[int]]:
        """The coaches as matching sees them, and the team leads' ids."""
        coaches = [self._profile(p, now) for p in people if p.staff.role == "coach"]
        leads = [
            p.staff.id for p in people if p.staff.role == "teamlead" and p.staff.id is not None
        ]
        return coaches, leads

    def _readers(self, people: list[Reachable], now: datetime) -> set[int]:
        """Who of these can be expected to read a crisis alert now (hours, away, active)."""
        return {
            person.staff.id
            for person in people
            if person.staff.id is not None
            and reads_now(
                member_of(person.staff),
                now=now,
                timezone=self.rules.timezone,
                service_hours=self.rules.service_hours,
            )
        }

    async def readers_now(self, session: AsyncSession, *, now: datetime) -> int:
        """How many coaches and team leads a crisis alert would reach now."""
        return len(self._readers(await reachable_staff(session, channel=self.channel), now))

    def _card(self, case: Case, youngster: Youngster, intake: Intake) -> CaseCard:
        """A case as a coach sees it; before the youngster checked the summary of a case a
        crisis queued, without a word of their answers."""
        assert case.id is not None
        view = intake.case
        assert view is not None
        shared = case.shared
        return CaseCard(
            case_id=case.id,
            pseudonym=youngster.pseudonym,
            urgent=case.urgent,
            queued_at=view.queued_at,
            deadline=view.deadline,
            lines=self.flow.summary_lines(intake) if shared else (),
            safety=youngster.safety,
            full_lines=self.flow.summary_lines(intake, limit=None) if shared else (),
            signal=Signal.parse(case.signal),
            shared=shared,
        )

    async def _open_case(
        self, session: AsyncSession, youngster_id: str
    ) -> tuple[Case, Youngster, Intake] | None:
        found = await open_case_with_youngster(session, youngster_id=youngster_id)
        if found is None or found[0].id is None:
            return None
        case, youngster, coach = found
        return (
            case,
            youngster,
            await load_intake(session, youngster=youngster, current=(case, coach)),
        )

    async def _to_staff(
        self, session: AsyncSession, staff_id: int, messages: list[Outbound], now: datetime
    ) -> None:
        """Send to a staff member in their language, if they can be reached."""
        staff = await session.get(Staff, staff_id)
        address = await self._staff_address(session, staff_id)
        if staff is not None and address is not None:
            await self._send(session, address, self._language(staff), messages, now)

    async def _to_youngster(
        self, session: AsyncSession, youngster: Youngster, messages: list[Outbound], now: datetime
    ) -> None:
        """Send to a youngster on their own channel, in their language."""
        contact = await find_contact(session, youngster_id=youngster.id)
        if contact is not None:
            await enqueue_messages(
                session,
                channel=contact.channel,
                address=contact.address,
                youngster_id=youngster.id,
                language=youngster.language,
                messages=messages,
                now=now,
            )

    async def _staff_address(self, session: AsyncSession, staff_id: int) -> str | None:
        for person in await reachable_staff(session, channel=self.channel):
            if person.staff.id == staff_id:
                return person.address
        return None
