"""A case's life on the coach's side: pause, close with a reason, warm hand-over.

The moves themselves are checked by the case machine in flows/case.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.staff_desk import StaffDesk
from flows.case import ACTIVE, CLOSE_REASONS, WITH_COACH, after, can
from flows.intake import Stat, Tap
from flows.messages import Button, Outbound, Ref
from flows.queue import card_lines, claimed
from storage.intakes import load_intake
from storage.models import Case, Staff, Youngster
from storage.queue import (
    case_notes,
    case_with_youngster,
    reachable_staff,
)
from storage.stats import record_stats


class CaseLife(StaffDesk):
    """Pausing, closing and handing over a coach's conversations."""

    async def _current_case(
        self, session: AsyncSession, staff: Staff
    ) -> tuple[Case, Youngster] | None:
        """The conversation a coach's command is about: their current one, if it is theirs."""
        if staff.current_case_id is None:
            return None
        pair = await case_with_youngster(session, case_id=staff.current_case_id)
        if pair is None or pair[0].coach_id != staff.id or pair[0].state not in WITH_COACH:
            return None
        return pair

    async def _lifecycle_command(
        self, session: AsyncSession, staff: Staff, action: str, now: datetime
    ) -> None:
        """/pauze, /afsluiten, /overdragen on the coach's current conversation."""
        assert staff.id is not None
        pair = await self._current_case(session, staff)
        if pair is None:
            await self._to_staff(session, staff.id, [Outbound("open.none_current")], now)
            return
        case, youngster = pair
        assert case.id is not None
        pseudonym = youngster.pseudonym
        if action == "pause":
            if not can(case.state, "pause"):
                await self._to_staff(session, staff.id, [Outbound("case.already_paused")], now)
                return
            case.state = after(case.state, "pause")
            await self._to_youngster(
                session, youngster, [Outbound("case.paused", {"coach": staff.name})], now
            )
            await self._to_staff(
                session, staff.id, [Outbound("case.paused_ok", {"pseudonym": pseudonym})], now
            )
        elif action == "close":
            buttons = tuple(
                (Button(Ref(f"close.reason.{reason}"), f"close:{case.id}:{reason}"),)
                for reason in CLOSE_REASONS
            )
            ask = Outbound("case.close_ask", {"pseudonym": pseudonym}, buttons)
            await self._to_staff(session, staff.id, [ask], now)
        else:
            people = await reachable_staff(session, channel=self.channel)
            colleagues = [
                p
                for p in people
                if p.staff.role == "coach" and p.staff.id != staff.id and p.staff.id is not None
            ]
            if not colleagues:
                await self._to_staff(session, staff.id, [Outbound("handover.none")], now)
                return
            buttons = tuple(
                (Button(Ref("raw", {"text": p.staff.name}), f"handover:{case.id}:{p.staff.id}"),)
                for p in colleagues
            )
            ask = Outbound("handover.choose", {"pseudonym": pseudonym}, buttons)
            await self._to_staff(session, staff.id, [ask], now)

    async def _lifecycle_tap(
        self, session: AsyncSession, staff: Staff, head: str, rest: str, now: datetime
    ) -> Tap:
        """A tap on a close reason, a colleague to hand over to, or accepting a hand-over."""
        assert staff.id is not None
        parts = rest.split(":")
        if not parts[0].isdigit():
            return Tap("unknown")
        pair = await case_with_youngster(session, case_id=int(parts[0]))
        if pair is None:
            return Tap("unknown")
        case, youngster = pair
        assert case.id is not None
        if head == "accept":
            if case.handover_to != staff.id or case.state not in WITH_COACH:
                return Tap("unknown")
            await self._accept_handover(session, case, youngster, staff, now)
            return Tap("quiet")
        if len(parts) != 2 or case.coach_id != staff.id:
            return Tap("unknown")
        if case.state not in WITH_COACH:
            return Tap("stale")  # an old keyboard: the case was closed or handed over meanwhile
        if head == "close":
            reason = parts[1]
            if reason not in CLOSE_REASONS:
                return Tap("unknown")
            case.state, case.close_reason, case.closed_at = after(case.state, "close"), reason, now
            staff.current_case_id = None
            await record_stats(
                session,
                journey=youngster.journey,
                at=now,
                stats=[Stat("case_closed", value=reason)],
            )
            await self._to_youngster(
                session, youngster, [Outbound("case.closed", {"coach": staff.name})], now
            )
            await self._to_staff(
                session,
                staff.id,
                [Outbound("case.closed_ok", {"pseudonym": youngster.pseudonym})],
                now,
            )
            return Tap("answered", Ref(f"close.reason.{reason}"))
        colleague = await session.get(Staff, int(parts[1])) if parts[1].isdigit() else None
        if (
            colleague is None
            or colleague.id is None
            or not colleague.active
            or colleague.id == staff.id
        ):
            return Tap("unknown")
        case.handover_to = colleague.id
        intake = await load_intake(session, youngster=youngster)
        card = self._card(case, youngster, intake)
        ask = Outbound(
            "handover.offer",
            {
                "coach": staff.name,
                "pseudonym": youngster.pseudonym,
                "lines": card_lines(card),
            },
            ((Button(Ref("handover.accept"), f"accept:{case.id}"),),),
            tag=f"offer:{case.id}",
        )
        await self._to_staff(session, colleague.id, [ask], now)
        await self._to_staff(
            session,
            staff.id,
            [
                Outbound(
                    "handover.asked",
                    {"colleague": colleague.name, "pseudonym": youngster.pseudonym},
                )
            ],
            now,
        )
        return Tap("answered", Ref("raw", {"text": colleague.name}))

    async def _accept_handover(
        self, session: AsyncSession, case: Case, youngster: Youngster, staff: Staff, now: datetime
    ) -> None:
        """The new coach takes over; the old one stays until the new one has written."""
        assert case.id is not None and staff.id is not None and case.coach_id is not None
        old = await session.get(Staff, case.coach_id)
        assert old is not None
        case.previous_coach_id, case.coach_id, case.handover_to = case.coach_id, staff.id, None
        case.state = ACTIVE
        staff.current_case_id = case.id
        notes = await case_notes(session, case_id=case.id)
        card = self._card(case, youngster, await load_intake(session, youngster=youngster))
        await self._to_staff(session, staff.id, claimed(card, notes), now)
        await self._to_staff(
            session,
            old.id or 0,
            [
                Outbound(
                    "handover.accepted", {"colleague": staff.name, "pseudonym": youngster.pseudonym}
                )
            ],
            now,
        )
        await self._to_youngster(
            session,
            youngster,
            [Outbound("case.handover", {"old": old.name, "new": staff.name})],
            now,
        )

    async def case_ending(
        self, session: AsyncSession, *, youngster_id: str, erased: bool, now: datetime
    ) -> None:
        """The youngster stops (or erases everything): the coach hears, without details."""
        pair = await self._open_case(session, youngster_id)
        if pair is None:
            return
        case, youngster, _ = pair
        key = "case.youngster_erased" if erased else "case.youngster_left"
        for staff_id in {case.coach_id, case.previous_coach_id} - {None}:
            assert staff_id is not None
            await self._to_staff(
                session, staff_id, [Outbound(key, {"pseudonym": youngster.pseudonym})], now
            )
