"""The matchteam at work: tell coaches about waiting youngsters, let one claim, keep the
24-hour promise, and put a case back in the queue when its coach is gone.

The rules are in flows/queue.py, flows/matching.py and flows/sla.py. `Matchteam` is also the
staff side's one entry point for the conversation service.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.case_life import CaseLife
from bot.services.conversations import Conversations
from flows.case import CLOSED, QUEUED, after
from flows.commands import when_back
from flows.matching import queue_order, suggest
from flows.media import for_coach
from flows.messages import Duration, HelpLines, Inbound, Outbound, Ref
from flows.queue import (
    claim_target,
    claimed,
    may_claim,
    offer,
    reminder,
    shared_summary,
    taken,
    waiting_case,
    who_to_alert,
    who_to_tell,
)
from flows.relay import urgent_alert
from flows.sla import TELL_YOUNGSTER, promise, time_left, who_to_remind
from flows.state import Alert, Tap
from storage.guard import add_guard_steps
from storage.intakes import current_case_of, kept_media, load_intake
from storage.models import Case, Staff, Youngster
from storage.queue import (
    Reachable,
    active_cases_of,
    add_offers,
    case_notes,
    case_with_youngster,
    claim_case,
    drop_case_plans,
    offered_staff,
    reachable_staff,
    waiting_cases,
)

log = logging.getLogger(__name__)
# Coach commands, in Dutch and English, and the step of the case's life each one starts.
COACH_COMMANDS = {
    "pauze": "pause",
    "pause": "pause",
    "afsluiten": "close",
    "close": "close",
    "overdragen": "handover",
    "handover": "handover",
}
QUEUE_PAGE = 10  # waiting cases shown at once by /wachtrij


class Matchteam(CaseLife, Conversations):
    """Offers, claims, the guard and requeueing; and every staff event, handed to the right part."""

    async def case_waiting(
        self,
        session: AsyncSession,
        *,
        youngster_id: str,
        now: datetime,
        exclude: frozenset[int] = frozenset(),
        alert: Alert | None = None,
    ) -> int:
        """Tell the best-matching available coaches (urgent: everyone) about a waiting case.

        With an `alert` (a crisis): every available coach, the team leads and whoever was
        offered the case before; or, once a coach has it, that coach. Returns how many of those
        told can be expected to read it now (0: nobody, and the youngster must hear that)."""
        pair = await self._open_case(session, youngster_id)
        if pair is None:
            return 0
        case, youngster, intake = pair
        assert case.id is not None and intake.case is not None
        people = await reachable_staff(session, channel=self.channel)
        if case.state != QUEUED:
            if alert is None:
                return 0
            return await self._alert_coach(session, case, youngster.pseudonym, people, alert, now)
        coaches, leads = self._team(people, now)
        offered = frozenset(await offered_staff(session, case_id=case.id))
        wanted = waiting_case(case.id, intake, priority=case.priority)
        if alert is not None:
            everyone = who_to_alert(wanted, coaches, leads, offered=offered)
            notices = [notice for notice in everyone if notice.staff_id not in exclude]
        else:
            notices = who_to_tell(wanted, coaches, leads, already_told=offered | exclude)
        by_id = {p.staff.id: p for p in people}
        card = self._card(case, youngster, intake)
        most_urgent = alert is not None and alert.most_urgent
        for notice in notices:
            person = by_id[notice.staff_id]
            message = offer(card, notice.reasons, most_urgent=most_urgent)
            await self._send(session, person.address, self._language(person.staff), [message], now)
        await add_offers(session, case_id=case.id, staff_ids=[n.staff_id for n in notices], now=now)
        steps = promise(intake.case.queued_at, self.rules).steps
        await add_guard_steps(session, case_id=case.id, steps=steps)
        told = {notice.staff_id for notice in notices}
        reached = len(told & self._readers(people, now))
        log.info(
            "case %d: %d staff told, %d can read now (urgent: %s, alert: %s)",
            case.id,
            len(told),
            reached,
            case.urgent,
            "most urgent" if most_urgent else ("yes" if alert else "no"),
        )
        return reached

    async def _alert_coach(
        self,
        session: AsyncSession,
        case: Case,
        pseudonym: str,
        people: list[Reachable],
        alert: Alert,
        now: datetime,
    ) -> int:
        """A crisis from a youngster who has a coach: alert that coach (and, in a hand-over,
        the previous one). The team leads hear it too when it is the most urgent, or when no
        coach of the case can read it now."""
        assert case.id is not None
        holders = {case.coach_id, case.previous_coach_id} - {None}
        readers = self._readers(people, now)
        targets = {staff_id for staff_id in holders if staff_id is not None}
        if alert.most_urgent or not targets & readers:
            targets |= {p.staff.id for p in people if p.staff.role == "teamlead" and p.staff.id}
        message = urgent_alert(case.id, pseudonym, alert)
        for staff_id in sorted(targets):
            await self._to_staff(session, staff_id, [message], now)
        reached = len(targets & readers)
        log.info(
            "case %d: crisis alert to %d staff, %d can read now", case.id, len(targets), reached
        )
        return reached

    async def answers_shared(
        self, session: AsyncSession, *, youngster_id: str, now: datetime
    ) -> None:
        """The youngster checked the summary of a case a crisis queued: a coach who already has
        the case reads it now; otherwise whoever claims gets it with the claim."""
        pair = await self._open_case(session, youngster_id)
        if pair is None or pair[0].coach_id is None:
            return
        case, youngster, intake = pair
        assert case.id is not None
        kept = await kept_media(session, youngster_id=youngster.id)
        copies = for_coach(
            self.flow.questionnaire,
            case.id,
            youngster.pseudonym,
            kept,
            answers=True,
            waiting=False,  # those came with the claim
        )
        messages = [shared_summary(self._card(case, youngster, intake)), *copies]
        for staff_id in {case.coach_id, case.previous_coach_id} - {None}:
            assert staff_id is not None
            await self._to_staff(session, staff_id, messages, now)

    async def guard_step(
        self, session: AsyncSession, *, case_id: int, rung: str, now: datetime
    ) -> str:
        """Take one step of the ladder for a case; "skipped" when it no longer waits. The case
        is locked first: a claim committing on another worker meanwhile is seen, not missed."""
        pair = await case_with_youngster(session, case_id=case_id, lock=True)
        if pair is None or pair[0].state != QUEUED:
            return "skipped"
        case, youngster = pair
        intake = await load_intake(session, youngster=youngster)
        if rung == TELL_YOUNGSTER:
            await self._tell_youngster_late(session, youngster, now)
            return "fired"
        card = self._card(case, youngster, intake)
        left = Duration(int(time_left(card.deadline, now).total_seconds()))
        people = await reachable_staff(session, channel=self.channel)
        coaches, leads = self._team(people, now)
        offered = frozenset(await offered_staff(session, case_id=case_id))
        wanted = waiting_case(case_id, intake, priority=case.priority)
        notices = who_to_remind(rung, wanted, coaches, leads, offered)
        by_id = {p.staff.id: p for p in people}
        for notice in notices:
            person = by_id[notice.staff_id]
            lead = person.staff.role == "teamlead"
            message = reminder(card, notice.reasons, left, lead=lead)
            await self._send(session, person.address, self._language(person.staff), [message], now)
        told = [n.staff_id for n in notices]
        await add_offers(session, case_id=case_id, staff_ids=told, now=now)
        log.info("case %d: guard step %s told %d staff", case_id, rung, len(told))
        return "fired"

    async def _tell_youngster_late(
        self, session: AsyncSession, youngster: Youngster, now: datetime
    ) -> None:
        """The promise ran out: say so honestly, with places to turn to right now."""
        late = Outbound("guard.late", {"help_lines": HelpLines("while_waiting")})
        await self._to_youngster(session, youngster, [late, *when_back(self.rules, now)], now)

    async def staff_event(
        self, session: AsyncSession, *, staff: Staff, address: str, event: Inbound, now: datetime
    ) -> Tap | None:
        """A linked coach or team lead tapped, typed or sent a command."""
        language = self._language(staff)
        if event.kind == "choice":
            head, _, rest = event.choice.partition(":")
            if head == "open":
                await self._open(session, staff, address, rest, now)
                return Tap("closed")
            if head in ("close", "handover", "accept"):
                return await self._lifecycle_tap(session, staff, head, rest, now)
            target = claim_target(event.choice)
            if target is None:
                return Tap("unknown")
            return await self._claim(session, staff, target, now)
        if event.kind == "command" and event.command in ("wachtrij", "queue"):
            page = await self._queue_page(session, staff, now)
            await self._send(session, address, language, page, now)
            return None
        if event.kind == "command" and event.command == "open":
            await self._open(session, staff, address, event.argument.strip().lower(), now)
            return None
        if event.kind == "command" and event.command in COACH_COMMANDS:
            await self._lifecycle_command(session, staff, COACH_COMMANDS[event.command], now)
            return None
        if event.kind in ("text", "media", "edited"):
            await self._from_coach(session, staff, address, event, now)
            return None
        await self._send(session, address, language, [Outbound("staff.help")], now)
        return None

    async def _claim(self, session: AsyncSession, staff: Staff, case_id: int, now: datetime) -> Tap:
        assert staff.id is not None
        offered = await offered_staff(session, case_id=case_id)
        if staff.id not in offered:
            log.info("a claim on a case that was not offered was refused")
            return Tap("unknown")
        people = {p.staff.id: p for p in await reachable_staff(session, channel=self.channel)}
        me = people.get(staff.id)
        if me is not None and not may_claim(staff.role, staff.capacity, me.active_cases):
            return Tap("full")
        if not await claim_case(session, case_id=case_id, staff_id=staff.id, now=now):
            return Tap("taken")
        pair = await case_with_youngster(session, case_id=case_id)
        assert pair is not None
        case, youngster = pair
        card = self._card(case, youngster, await load_intake(session, youngster=youngster))
        if me is not None:
            notes = await case_notes(session, case_id=case_id)
            kept = await kept_media(session, youngster_id=youngster.id)
            copies = for_coach(
                self.flow.questionnaire,
                case_id,
                youngster.pseudonym,
                kept,
                answers=card.shared,
                waiting=True,
            )
            messages = claimed(card, notes, copies)
            await self._send(session, me.address, self._language(staff), messages, now)
        for other in offered - {staff.id}:
            person = people.get(other)
            if person is not None:
                await self._send(
                    session,
                    person.address,
                    self._language(person.staff),
                    [taken(card, staff.name)],
                    now,
                )
        log.info("case %d claimed", case_id)
        return Tap("quiet")

    async def _queue_page(
        self, session: AsyncSession, staff: Staff, now: datetime
    ) -> list[Outbound]:
        """The waiting cases, most pressing first, each with a claim button."""
        assert staff.id is not None
        waiting = {case.id: (case, youngster) for case, youngster in await waiting_cases(session)}
        if not waiting:
            return [Outbound("queue.empty")]
        intakes = {}
        order = []
        for case_id, (_case, youngster) in waiting.items():
            assert case_id is not None
            intake = await load_intake(session, youngster=youngster)
            intakes[case_id] = intake
            order.append(waiting_case(case_id, intake, priority=_case.priority))
        people = await reachable_staff(session, channel=self.channel)
        me = next((p for p in people if p.staff.id == staff.id), None)
        messages = [Outbound("queue.header", {"count": len(waiting)})]
        shown = queue_order(order)[:QUEUE_PAGE]
        for item in shown:
            case, youngster = waiting[item.case_id]
            reasons: tuple[Ref, ...] = ()
            if me is not None and staff.role == "coach":
                mine = suggest(item, [self._profile(me, now)], limit=1)
                reasons = mine[0].reasons if mine else ()
            messages.append(offer(self._card(case, youngster, intakes[item.case_id]), reasons))
        for item in shown:
            await add_offers(session, case_id=item.case_id, staff_ids=[staff.id], now=now)
        return messages

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
        case = await current_case_of(session, youngster_id=youngster_id)
        # A closed case whose coach was removed (`klik coach remove`) has none: it goes back to
        # the queue, as when the coach was deactivated.
        if case is None or case.id is None or (case.coach_id is None and case.state != CLOSED):
            return None
        pair = await case_with_youngster(session, case_id=case.id)
        assert pair is not None
        youngster = pair[1]
        held_by = case.coach_id
        coach = await session.get(Staff, held_by) if held_by is not None else None
        reachable = held_by is not None and await self._staff_address(session, held_by) is not None
        if not switch and case.state == CLOSED and held_by and coach and coach.active and reachable:
            case.state, case.closed_at, case.close_reason = after(CLOSED, "reopen"), None, None
            coach.current_case_id = case.id
            back = Outbound("case.reopened", {"pseudonym": youngster.pseudonym})
            await self._to_staff(session, held_by, [back], now)
            if alert is None:
                return None
            return await self.case_waiting(session, youngster_id=youngster_id, now=now, alert=alert)
        if switch and held_by is not None:
            asked = Outbound("case.switch_requested", {"pseudonym": youngster.pseudonym})
            await self._to_staff(session, held_by, [asked], now)
        exclude = frozenset({held_by}) if switch and held_by is not None else frozenset()
        reached = await self._requeue(session, case, now, exclude=exclude, alert=alert)
        return reached if alert is not None else None

    async def _requeue(
        self,
        session: AsyncSession,
        case: Case,
        now: datetime,
        *,
        exclude: frozenset[int],
        alert: Alert | None = None,
    ) -> int:
        """Back in the queue before the others, with a fresh promise and guard."""
        assert case.id is not None
        case.state = after(case.state, "requeue")
        case.coach_id = case.previous_coach_id = case.handover_to = None
        case.closed_at = case.close_reason = None
        case.priority = True
        case.queued_at, case.deadline = now, promise(now, self.rules).deadline
        await drop_case_plans(session, case_id=case.id)
        await session.flush()
        return await self.case_waiting(
            session, youngster_id=case.youngster_id, now=now, exclude=exclude, alert=alert
        )

    async def coach_leaves(self, session: AsyncSession, *, staff_id: int, now: datetime) -> int:
        """A coach is deactivated: their youngsters go back to the front of the queue, told
        plainly, and the cases are offered to the other coaches. Returns how many moved."""
        moved = 0
        for case, youngster in await active_cases_of(session, staff_id=staff_id):
            await self._to_youngster(session, youngster, [Outbound("case.coach_gone")], now)
            await self._requeue(session, case, now, exclude=frozenset({staff_id}))
            moved += 1
        return moved
