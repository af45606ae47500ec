"""The staff service: runs the staff-side rules (flows/coaching/) inside the caller's
transaction, for what staff do and for what the youngster side sets going.

Each entry point loads what a rule needs through storage verbs (bot/services/staff_load.py),
calls the rule, and applies the outcome through storage verbs (bot/services/staff_apply.py).
Nothing here decides; every message lands in the outbox and leaves only after the commit.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.appointments import fire_due, youngster_event
from bot.services.staff_apply import apply
from bot.services.staff_load import (
    Desk,
    Loaded,
    Reached,
    case_only,
    facts,
    load_case,
    open_case,
    reached,
)
from bot.services.staff_taps import staff_event
from flows.appointments.facts import AppointmentRules
from flows.appointments.machine import NOT_HELD
from flows.audit import CLI, SYSTEM, YOUNGSTER
from flows.case import QUEUED
from flows.coaching import block, life, offers, requeue, talk
from flows.coaching.effects import Outcome
from flows.coaching.facts import case_card
from flows.intake import IntakeFlow
from flows.media import for_coach
from flows.messages import Inbound, MediaRef, Outbound
from flows.queue import waiting_case
from flows.state import Alert, Intake, Rules, Signal, Tap
from storage.appointments import appointments_of_case
from storage.flood import take_held_messages
from storage.intakes import current_case_of, kept_media
from storage.models import AppointmentDue, Case, Staff, Youngster
from storage.queue import active_cases_of, offered_staff
from storage.youngster_read import Found

log = logging.getLogger(__name__)


class StaffService:
    """The staff side at work on one channel: offers, claims, the relay, a case's life, the
    guard and requeueing."""

    def __init__(
        self,
        flow: IntakeFlow,
        rules: Rules,
        *,
        channel: str = "telegram",
        appointments: AppointmentRules | None = None,
        dashboard_url: str = "",
    ) -> None:
        self.desk = Desk(flow.content, rules, channel, appointments, dashboard_url)

    async def appointment_due(
        self, session: AsyncSession, row: AppointmentDue, now: datetime, team: Reached | None
    ) -> str:
        """A claimed due row of an appointment or a quiet case: what became of it."""
        return await fire_due(session, self.desk, row, now, team)

    async def appointment_event(
        self, session: AsyncSession, found: Found, event: Inbound, now: datetime
    ) -> Tap | None:
        """A youngster's /afspraak or a tap on an appointment (bot/services/appointments.py)."""
        case_id = found.case.id if found.case is not None else None
        return await youngster_event(
            session,
            self.desk,
            youngster_id=found.youngster.id,
            case_id=case_id,
            event=event,
            now=now,
        )

    async def staff_event(
        self, session: AsyncSession, *, staff: Staff, address: str, event: Inbound, now: datetime
    ) -> Tap | None:
        """A linked coach or team lead tapped, typed or sent a command."""
        return await staff_event(session, self.desk, staff, address, event, now)

    async def case_waiting(
        self,
        session: AsyncSession,
        *,
        youngster_id: str,
        now: datetime,
        exclude: frozenset[int] = frozenset(),
        alert: Alert | None = None,
    ) -> int:
        """Tell the team about a waiting case (with an `alert`: a crisis). Returns how many of
        those told can be expected to read it now (0: nobody, and the youngster must hear
        that)."""
        loaded = await open_case(session, self.desk, youngster_id)
        if loaded is None or loaded.card is None:
            return 0
        offered = frozenset(await offered_staff(session, case_id=loaded.case.id))
        return await self._tell_waiting(session, loaded, offered, now, exclude, alert)

    async def case_opened(
        self,
        session: AsyncSession,
        *,
        case: Case,
        youngster: Youngster,
        intake: Intake,
        now: datetime,
        alert: Alert | None = None,
    ) -> int:
        """`case_waiting` for the case the youngster's step has just opened, from the rows
        and the intake the caller has just written (nothing read back; nobody was offered a
        case that did not exist yet)."""
        known = facts(case, youngster)
        card = case_card(self.desk.content.questionnaire, known, intake)
        loaded = Loaded(known, intake, card)
        return await self._tell_waiting(session, loaded, frozenset(), now, frozenset(), alert)

    async def _tell_waiting(
        self,
        session: AsyncSession,
        loaded: Loaded,
        offered: frozenset[int],
        now: datetime,
        exclude: frozenset[int],
        alert: Alert | None,
    ) -> int:
        case, card = loaded.case, loaded.card
        assert card is not None
        team = await reached(session, self.desk, now)
        wanted = waiting_case(case.id, loaded.intake, priority=case.priority)
        outcome = offers.case_waiting(
            case, card, wanted, team.team, offered, exclude=exclude, alert=alert
        )
        await apply(session, self.desk, outcome, now, actor=SYSTEM, team=team)
        reach = outcome.reached or 0
        log.info(
            "case %d: %d staff told, %d can read now (urgent: %s, alert: %s)",
            case.id,
            len(outcome.sends),
            reach,
            case.urgent,
            "most urgent" if alert and alert.most_urgent else ("yes" if alert else "no"),
        )
        return reach

    async def answers_shared(
        self, session: AsyncSession, *, youngster_id: str, now: datetime
    ) -> None:
        """The youngster checked the summary of a case a crisis queued: a coach who already has
        the case reads it now; otherwise whoever claims gets it with the claim."""
        loaded = await open_case(session, self.desk, youngster_id)
        if loaded is None or loaded.case.coach_id is None:
            return
        kept = await kept_media(session, youngster_id=youngster_id)
        copies = for_coach(
            self.desk.content.questionnaire,
            loaded.case.id,
            loaded.case.pseudonym,
            kept,
            answers=True,
            waiting=False,  # those came with the claim
        )
        outcome = talk.answers_shared(loaded.case, loaded.card, copies)
        await apply(session, self.desk, outcome, now, actor=YOUNGSTER)

    async def guard_step(
        self, session: AsyncSession, *, case_id: int, rung: str, now: datetime
    ) -> str:
        """Take one step of the ladder for a case; "skipped" when it no longer waits. The case
        is locked first: a claim committing on another worker meanwhile is seen, not missed."""
        loaded = await load_case(session, self.desk, case_id, lock=True)
        team = await reached(session, self.desk, now)
        offered = frozenset(await offered_staff(session, case_id=case_id))
        wanted = (
            waiting_case(case_id, loaded.intake, priority=loaded.case.priority)
            if loaded is not None and loaded.intake.case is not None
            else None
        )
        taken, outcome = offers.guard_step(
            rung,
            loaded.case if loaded else None,
            loaded.card if loaded else None,
            wanted,
            team.team,
            offered,
        )
        await apply(session, self.desk, outcome, now, actor=SYSTEM, team=team)
        if taken == "fired":
            log.info("case %d: guard step %s told %d staff", case_id, rung, len(outcome.sends))
        return taken

    async def back_from_youngster(
        self,
        session: AsyncSession,
        *,
        youngster_id: str,
        switch: bool,
        now: datetime,
        alert: Alert | None = None,
    ) -> int | None:
        """A youngster writes after a close (reopen) or asks for another coach (switch). With
        an `alert`, the team is alerted once the case is back: returns how many can read it
        now (None: no alert was sent)."""
        row = await current_case_of(session, youngster_id=youngster_id)
        case = await case_only(session, row.id if row is not None else None)
        team = await reached(session, self.desk, now)
        coach_reachable = case is not None and case.coach_id in team.addresses
        coming = (
            await appointments_of_case(session, case_id=case.id, states=NOT_HELD)
            if case is not None and case.coach_id is not None
            else []
        )
        happened, outcome, exclude = requeue.back_from_youngster(
            case,
            switch=switch,
            coach_reachable=coach_reachable,
            rules=self.desk.rules,
            now=now,
            coming=coming,
        )
        if happened == "none":
            return None
        await apply(session, self.desk, outcome, now, actor=YOUNGSTER, team=team)
        if happened == "reopened" and alert is None:
            return None
        reached_now = await self.case_waiting(
            session, youngster_id=youngster_id, now=now, exclude=exclude, alert=alert
        )
        return reached_now if alert is not None else None

    async def coach_leaves(self, session: AsyncSession, *, staff_id: int, now: datetime) -> int:
        """A coach is deactivated: their youngsters go back to the front of the queue, told
        plainly, and the cases are offered to the other coaches. Returns how many moved."""
        moved = 0
        for case, youngster in await active_cases_of(session, staff_id=staff_id):
            known = facts(case, youngster)
            coming = await appointments_of_case(session, case_id=known.id, states=NOT_HELD)
            gone = requeue.coach_gone(known, self.desk.rules, now, coming)
            await apply(session, self.desk, gone, now, actor=CLI)  # an operator deactivated
            await self.case_waiting(
                session, youngster_id=known.youngster_id, now=now, exclude=frozenset({staff_id})
            )
            moved += 1
        return moved

    async def from_youngster(
        self,
        session: AsyncSession,
        *,
        youngster_id: str,
        texts: list[str],
        media: MediaRef | None,
        now: datetime,
        signal: Signal | None = None,
    ) -> None:
        """Carry what a youngster wrote (or sent) to the coach who has their case, with the
        crisis signal it carried, if any."""
        row = await open_case(session, self.desk, youngster_id)
        outcome = talk.to_coach(row.case if row else None, texts, media, signal, now)
        await apply(session, self.desk, outcome, now, actor=YOUNGSTER)

    async def flood_started(
        self, session: AsyncSession, *, youngster_id: str, now: datetime
    ) -> None:
        """The youngster went over the flood limit: one notice to whoever holds the case."""
        row = await open_case(session, self.desk, youngster_id)
        outcome = talk.flood_started(row.case if row else None)
        await apply(session, self.desk, outcome, now, actor=SYSTEM)

    async def release_held(
        self, session: AsyncSession, *, youngster_id: str, now: datetime
    ) -> None:
        """Pass on, in one message, what the youngster wrote above the flood limit."""
        texts = await take_held_messages(session, youngster_id=youngster_id)
        if not texts:
            return
        row = await open_case(session, self.desk, youngster_id)
        outcome = talk.held(row.case if row else None, texts)
        await apply(session, self.desk, outcome, now, actor=SYSTEM)

    async def blocked_in_crisis(
        self, session: AsyncSession, *, pseudonym: str, signal: Signal | None, now: datetime
    ) -> None:
        """A blocked youngster wrote with a crisis signal: every reachable team lead hears."""
        team = await reached(session, self.desk, now)
        outcome = block.crisis_to_leads(pseudonym, signal, team.team.people)
        await apply(session, self.desk, outcome, now, actor=SYSTEM, team=team)

    async def delivery_failed(
        self, session: AsyncSession, *, message: Outbound, now: datetime
    ) -> None:
        """A relayed message (or a kept medium's copy) will never arrive: tell its writer."""
        case_id = talk.undelivered_case(message)
        if case_id is None:
            return
        outcome = talk.undelivered(message, await case_only(session, case_id))
        await apply(session, self.desk, outcome, now, actor=SYSTEM)

    async def case_ending(
        self, session: AsyncSession, *, youngster_id: str, erased: bool, now: datetime
    ) -> None:
        """The youngster stops (or erases everything): the coach hears, without details."""
        loaded = await open_case(session, self.desk, youngster_id)
        outcome = life.ending(loaded.case if loaded else None, erased=erased)
        await apply(session, self.desk, outcome, now, actor=YOUNGSTER)

    async def erasure_notice(self, session: AsyncSession, *, youngster_id: str) -> Outcome:
        """Who is told that the youngster erased everything (their newest case's coach, or
        the staff it was offered to while it waited): read before the rows go, written with
        `tell` after (bot/services/own_data.py)."""
        case = await current_case_of(session, youngster_id=youngster_id)
        if case is None or case.id is None:
            return Outcome()
        known = await case_only(session, case.id)
        offered = await offered_staff(session, case_id=case.id) if case.state == QUEUED else ()
        return life.ending(known, erased=True, offered=offered)

    async def tell(self, session: AsyncSession, outcome: Outcome, now: datetime) -> None:
        """Queue what an outcome read earlier says (its changes, if any, written first)."""
        await apply(session, self.desk, outcome, now, actor=YOUNGSTER)

    async def readers_now(self, session: AsyncSession, *, now: datetime) -> int:
        """How many coaches and team leads a crisis alert would reach now."""
        return offers.readers_now((await reached(session, self.desk, now)).team)
