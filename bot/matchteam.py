"""The matchteam and the relay at work: inside the conversation service's transaction, tell
coaches about waiting youngsters, let one claim, and carry messages both ways.

The rules are in flows/queue.py and flows/relay.py; this module reads and writes storage and
puts the resulting messages in the outbox, so they leave only if the transaction commits.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.case import ACTIVE, CLOSE_REASONS, CLOSED, PAUSED, QUEUED, WITH_COACH, after, can
from flows.intake import Intake, IntakeFlow, Rules, Stat, Tap, when_back
from flows.matching import CoachProfile, queue_order, suggest
from flows.messages import Button, Duration, HelpLines, Inbound, Outbound, Ref
from flows.queue import (
    CaseCard,
    claim_target,
    claimed,
    offer,
    reminder,
    taken,
    waiting_case,
    who_to_tell,
)
from flows.relay import (
    case_of_tag,
    from_coach,
    from_youngster,
    media_from_coach,
    media_from_youngster,
)
from flows.sla import ALERT_TEAMLEADS, REMIND_AVAILABLE, TELL_YOUNGSTER, ladder, time_left
from flows.staff import is_available, staff_language
from storage.guard import add_guard_steps
from storage.intakes import current_case_of, find_contact, load_intake, open_case_of
from storage.models import Case, CaseMessage, Staff, Youngster
from storage.outbox import enqueue_messages, tag_of
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
from storage.staff import member_of, split
from storage.stats import record_stats

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


class Matchteam:
    """Offers, claims and the relay, for one channel's staff."""

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

    def _card(self, case: Case, youngster: Youngster, intake: Intake) -> CaseCard:
        assert case.id is not None
        view = intake.case
        assert view is not None
        return CaseCard(
            case_id=case.id,
            pseudonym=youngster.pseudonym,
            urgent=case.urgent,
            queued_at=view.queued_at,
            deadline=view.deadline,
            lines=self.flow.summary_lines(intake),
            safety=youngster.safety,
        )

    # -- a case waits ------------------------------------------------------------------------

    async def case_waiting(
        self,
        session: AsyncSession,
        *,
        youngster_id: str,
        now: datetime,
        exclude: frozenset[int] = frozenset(),
    ) -> None:
        """Tell the best-matching available coaches (urgent: everyone) about a waiting case."""
        pair = await self._open_case(session, youngster_id)
        if pair is None:
            return
        case, youngster, intake = pair
        assert case.id is not None and intake.case is not None
        if case.state != QUEUED:
            if case.urgent and case.coach_id is not None:
                # Crisis words from a youngster who has a coach: alert that coach at once.
                alert = Outbound(
                    "relay.urgent", {"pseudonym": youngster.pseudonym}, tag=f"case:{case.id}"
                )
                for staff_id in {case.coach_id, case.previous_coach_id} - {None}:
                    assert staff_id is not None
                    await self._to_staff(session, staff_id, [alert], now)
            return
        people = await reachable_staff(session, channel=self.channel)
        coaches = [self._profile(p, now) for p in people if p.staff.role == "coach"]
        leads = [
            p.staff.id for p in people if p.staff.role == "teamlead" and p.staff.id is not None
        ]
        told = frozenset(await offered_staff(session, case_id=case.id)) | exclude
        wanted = waiting_case(case.id, intake, priority=case.priority)
        notices = who_to_tell(wanted, coaches, leads, already_told=told)
        by_id = {p.staff.id: p for p in people}
        card = self._card(case, youngster, intake)
        for notice in notices:
            person = by_id[notice.staff_id]
            message = offer(card, notice.reasons)
            await self._send(session, person.address, self._language(person.staff), [message], now)
        await add_offers(session, case_id=case.id, staff_ids=[n.staff_id for n in notices], now=now)
        steps = ladder(intake.case.queued_at, intake.case.deadline)
        await add_guard_steps(session, case_id=case.id, steps=steps)
        log.info("case %d: %d staff told (urgent: %s)", case.id, len(notices), case.urgent)

    # -- the 24-hour guard -------------------------------------------------------------------

    async def guard_step(
        self, session: AsyncSession, *, case_id: int, rung: str, now: datetime
    ) -> str:
        """Take one step of the ladder for a case; "skipped" when it no longer waits."""
        pair = await case_with_youngster(session, case_id=case_id)
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
        offered = await offered_staff(session, case_id=case_id)
        if rung == ALERT_TEAMLEADS:
            told = [p for p in people if p.staff.role == "teamlead"]
        else:
            candidates = [p for p in people if p.staff.role == "coach"]
            profiles = {p.staff.id: self._profile(p, now) for p in candidates}
            told = [
                p
                for p in candidates
                if profiles[p.staff.id].available
                and p.active_cases < p.staff.capacity
                and (rung == REMIND_AVAILABLE or p.staff.id in offered)
            ]
        wanted = waiting_case(case_id, intake)
        for person in told:
            reasons: tuple[Ref, ...] = ()
            if person.staff.role == "coach":
                mine = suggest(wanted, [self._profile(person, now)], limit=1)
                reasons = mine[0].reasons if mine else ()
            message = reminder(card, reasons, left, lead=person.staff.role == "teamlead")
            await self._send(session, person.address, self._language(person.staff), [message], now)
        ids = [p.staff.id for p in told if p.staff.id is not None]
        await add_offers(session, case_id=case_id, staff_ids=ids, now=now)
        log.info("case %d: guard step %s told %d staff", case_id, rung, len(told))
        return "fired"

    async def _tell_youngster_late(
        self, session: AsyncSession, youngster: Youngster, now: datetime
    ) -> None:
        """The promise ran out: say so honestly, with places to turn to right now."""
        late = Outbound("guard.late", {"help_lines": HelpLines("while_waiting")})
        await self._to_youngster(session, youngster, [late, *when_back(self.rules, now)], now)

    async def _open_case(
        self, session: AsyncSession, youngster_id: str
    ) -> tuple[Case, Youngster, Intake] | None:
        case = await open_case_of(session, youngster_id=youngster_id)
        if case is None or case.id is None:
            return None
        pair = await case_with_youngster(session, case_id=case.id)
        if pair is None:
            return None
        youngster = pair[1]
        return case, youngster, await load_intake(session, youngster=youngster)

    # -- staff act ---------------------------------------------------------------------------

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
        if staff.role == "coach" and me is not None and me.active_cases >= staff.capacity:
            return Tap("full")
        if not await claim_case(session, case_id=case_id, staff_id=staff.id, now=now):
            return Tap("taken")
        pair = await case_with_youngster(session, case_id=case_id)
        assert pair is not None
        case, youngster = pair
        card = self._card(case, youngster, await load_intake(session, youngster=youngster))
        if me is not None:
            notes = await case_notes(session, case_id=case_id)
            await self._send(session, me.address, self._language(staff), claimed(card, notes), now)
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
            reasons = ()
            if me is not None and staff.role == "coach":
                mine = suggest(item, [self._profile(me, now)], limit=1)
                reasons = mine[0].reasons if mine else ()
            messages.append(offer(self._card(case, youngster, intakes[item.case_id]), reasons))
        for item in shown:
            await add_offers(session, case_id=item.case_id, staff_ids=[staff.id], now=now)
        return messages

    # -- the relay ---------------------------------------------------------------------------

    async def from_youngster(
        self,
        session: AsyncSession,
        *,
        youngster_id: str,
        texts: list[str],
        media: str,
        now: datetime,
    ) -> None:
        """Carry what a youngster wrote (or sent) to the coach who has their case."""
        pair = await self._open_case(session, youngster_id)
        if pair is None:
            return
        case, youngster, _ = pair
        if case.coach_id is None or case.id is None:
            return
        messages = [from_youngster(case.id, youngster.pseudonym, text) for text in texts]
        if media:
            messages += media_from_youngster(case.id, youngster.pseudonym, media)
            session.add(
                CaseMessage(case_id=case.id, sender="youngster", text="[media]", created_at=now)
            )
        # During a warm hand-over the previous coach reads along until the new one has written.
        for staff_id in (case.coach_id, case.previous_coach_id):
            if staff_id is not None:
                await self._to_staff(session, staff_id, messages, now)

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

    async def _from_coach(
        self, session: AsyncSession, staff: Staff, address: str, event: Inbound, now: datetime
    ) -> None:
        """Carry a coach's message to the youngster of the case it belongs to."""
        case_id = None
        if event.reply_to:
            tag = await tag_of(
                session, channel=self.channel, address=address, message_id=event.reply_to
            )
            case_id = case_of_tag(tag)
        case_id = case_id or staff.current_case_id
        pair = await case_with_youngster(session, case_id=case_id) if case_id else None
        if (
            pair is None
            or staff.id not in (pair[0].coach_id, pair[0].previous_coach_id)
            or pair[0].state not in WITH_COACH
        ):
            await self._send(
                session, address, self._language(staff), [Outbound("relay.which_case")], now
            )
            return
        case, youngster = pair
        assert case.id is not None
        if case.state == PAUSED:
            case.state = after(PAUSED, "resume")  # writing again ends the pause
        if event.kind == "media":
            messages = media_from_coach(case.id, staff.name, f"{address}:{event.message_id}")
            text = "[media]"
        else:
            first = not await self._coach_wrote_before(session, case.id, staff.id)
            text = event.text
            messages = [from_coach(case.id, staff.name, staff.intro, text, first=first)]
            if first and case.previous_coach_id is not None and staff.id == case.coach_id:
                await self._handover_done(session, case, youngster, staff, now)
        session.add(
            CaseMessage(
                case_id=case.id, sender="coach", staff_id=staff.id, text=text, created_at=now
            )
        )
        staff.current_case_id = case.id
        await self._to_youngster(session, youngster, messages, now)

    async def delivery_failed(
        self, session: AsyncSession, *, message: Outbound, now: datetime
    ) -> None:
        """A relayed message will never arrive: tell whoever wrote it."""
        head, _, rest = message.tag.partition(":")
        if (
            not message.key.startswith("relay.")
            or head not in ("case", "relay")
            or not rest.isdigit()
        ):
            return
        case_id = int(rest)
        pair = await case_with_youngster(session, case_id=case_id)
        if pair is None or pair[0].coach_id is None:
            return
        case, youngster = pair
        if message.tag.startswith("case:"):  # it was on its way to the coach
            notice = Outbound("relay.undelivered_to_coach")
            await self._to_youngster(session, youngster, [notice], now)
            return
        notice = Outbound("relay.undelivered_to_youngster", {"pseudonym": youngster.pseudonym})
        await self._to_staff(session, case.coach_id, [notice], now)

    async def _open(
        self, session: AsyncSession, staff: Staff, address: str, which: str, now: datetime
    ) -> None:
        """/open lists a coach's conversations; /open Sam-4821 (or a tap) picks one."""
        assert staff.id is not None
        mine = await active_cases_of(session, staff_id=staff.id)
        chosen = next(
            (
                case
                for case, youngster in mine
                if which in (youngster.pseudonym.lower(), str(case.id))
            ),
            None,
        )
        language = self._language(staff)
        if chosen is not None and chosen.id is not None:
            staff.current_case_id = chosen.id
            pseudonym = next(y.pseudonym for c, y in mine if c.id == chosen.id)
            await self._send(
                session, address, language, [Outbound("open.now", {"pseudonym": pseudonym})], now
            )
            return
        if not mine:
            await self._send(session, address, language, [Outbound("open.none")], now)
            return
        buttons = tuple(
            (Button(Ref("raw", {"text": youngster.pseudonym}), f"open:{case.id}"),)
            for case, youngster in mine
        )
        await self._send(
            session, address, language, [Outbound("open.choose", buttons=buttons)], now
        )

    # -- the case's life ---------------------------------------------------------------------

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
                "lines": list(card.lines) or [Ref("offer.nothing_shared")],
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

    async def _handover_done(
        self, session: AsyncSession, case: Case, youngster: Youngster, staff: Staff, now: datetime
    ) -> None:
        """The new coach said hello: the previous one can step out."""
        previous = case.previous_coach_id
        case.previous_coach_id = None
        if previous is not None:
            done = Outbound(
                "handover.done", {"colleague": staff.name, "pseudonym": youngster.pseudonym}
            )
            await self._to_staff(session, previous, [done], now)

    async def back_from_youngster(
        self, session: AsyncSession, *, youngster_id: str, switch: bool, now: datetime
    ) -> None:
        """A youngster writes after a close (reopen) or asks for another coach (switch)."""
        case = await current_case_of(session, youngster_id=youngster_id)
        if case is None or case.id is None or case.coach_id is None:
            return
        pair = await case_with_youngster(session, case_id=case.id)
        assert pair is not None
        youngster = pair[1]
        coach = await session.get(Staff, case.coach_id)
        reachable = await self._staff_address(session, case.coach_id) is not None
        if not switch and case.state == CLOSED and coach is not None and coach.active and reachable:
            case.state, case.closed_at, case.close_reason = after(CLOSED, "reopen"), None, None
            coach.current_case_id = case.id
            back = Outbound("case.reopened", {"pseudonym": youngster.pseudonym})
            await self._to_staff(session, case.coach_id, [back], now)
            return
        if switch and coach is not None:
            asked = Outbound("case.switch_requested", {"pseudonym": youngster.pseudonym})
            await self._to_staff(session, case.coach_id, [asked], now)
        await self._requeue(
            session, case, now, exclude=frozenset({case.coach_id}) if switch else frozenset()
        )

    async def _requeue(
        self, session: AsyncSession, case: Case, now: datetime, *, exclude: frozenset[int]
    ) -> None:
        """Back in the queue before the others, with a fresh promise and guard."""
        assert case.id is not None
        case.state = after(case.state, "requeue")
        case.coach_id = case.previous_coach_id = case.handover_to = None
        case.closed_at = case.close_reason = None
        case.priority = True
        case.queued_at, case.deadline = now, now + timedelta(hours=self.rules.promise_hours)
        await drop_case_plans(session, case_id=case.id)
        await session.flush()
        await self.case_waiting(session, youngster_id=case.youngster_id, now=now, exclude=exclude)

    async def coach_leaves(self, session: AsyncSession, *, staff_id: int, now: datetime) -> int:
        """A coach is deactivated: their youngsters go back to the front of the queue, told
        plainly, and the cases are offered to the other coaches. Returns how many moved."""
        moved = 0
        for case, youngster in await active_cases_of(session, staff_id=staff_id):
            await self._to_youngster(session, youngster, [Outbound("case.coach_gone")], now)
            await self._requeue(session, case, now, exclude=frozenset({staff_id}))
            moved += 1
        return moved

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

    async def _coach_wrote_before(
        self, session: AsyncSession, case_id: int, staff_id: int | None
    ) -> bool:
        query = select(col(CaseMessage.id)).where(
            col(CaseMessage.case_id) == case_id,
            col(CaseMessage.sender) == "coach",
            col(CaseMessage.staff_id) == staff_id,
        )
        return (await session.execute(query.limit(1))).first() is not None
