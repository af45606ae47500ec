"""The conversation service: one transaction per inbound event.

Load the youngster's state (locked), run the flow, save the new state, the anonymous
statistics and the replies (outbox) together, commit, then wake the sender. A crash between
saving and sending loses no reply; no reply is ever sent for a state that was rolled back.
"""

from __future__ import annotations

import logging
import random
import secrets
import time
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.appointments import wants_appointments
from bot.services.case_changes import case_changes
from bot.services.gate import (
    DEFAULT_LIMIT,
    Gate,
    flood_columns,
    screen_blocked,
)
from bot.services.handled import Done, Handled
from bot.services.observer import UNOBSERVED, Observer, update_kind
from bot.services.own_data import erase, own_data
from bot.services.recent import RecentValues
from bot.services.staff import StaffService
from bot.services.staff_link import LinkDesk, link_chat
from flows.coaching.link import LinkLimits
from flows.command_words import staff_words, youngster_words
from flows.flood import Flood, hushed
from flows.intake import IntakeFlow
from flows.messages import Inbound, Outbound
from flows.safety import ASKED_WAIT, nobody_reads
from flows.staff import read_code, staff_language, staff_reply
from flows.state import Step, Tap
from storage.arrival import arrive
from storage.db import Database
from storage.feedback import keep_feedback
from storage.inbox import ChatBusy
from storage.intakes import (
    create_youngster,
    find_youngster,
    load_found,
    save_intake,
)
from storage.models import Staff
from storage.outbox import enqueue_messages, enqueued_channels
from storage.set_aside import set_aside
from storage.staff import find_staff, split
from storage.stats import record_stats
from storage.youngster_read import find_youngster_with_case

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class Wake(Protocol):
    """Told after a commit that may have given the outbox messages: for these channels, or
    (None) for any. A sender of another channel has nothing new to send."""

    def __call__(self, channels: Collection[str] | None = None) -> None: ...


class ConversationService:
    """Runs the intake flow for every inbound event, atomically and in order per youngster."""

    def __init__(
        self,
        db: Database,
        flow: IntakeFlow,
        *,
        clock: Clock,
        rng: random.Random | None = None,
        on_outbox: Wake | None = None,
        matchteam: StaffService | None = None,
        observer: Observer = UNOBSERVED,
        link_limits: LinkLimits | None = None,
        flood_limit: int = DEFAULT_LIMIT,
    ) -> None:
        self.db = db
        self.flow = flow
        self.matchteam = matchteam
        self.clock = clock
        self.rng = rng or secrets.SystemRandom()
        self.on_outbox = on_outbox
        self.observer = observer
        self.words = staff_words(flow.content.texts)
        self.youngster_words = youngster_words(flow.content.texts)
        self.links = LinkDesk(link_limits or LinkLimits())
        self.gate = Gate(flood_limit)
        # A crisis question asked before consent, for the next message (nothing is stored).
        self.asked_unknown = RecentValues(ASKED_WAIT)

    async def handle(
        self, *, channel: str, address: str, event: Inbound, event_id: str | None = None
    ) -> Handled:
        """Handle one event from a channel address; a repeated event_id is handled once."""
        kind = update_kind(event.kind)
        started = time.perf_counter()  # for the metrics only; the flows get `now` passed in
        try:
            done = await self._handle_retrying(channel, address, event, event_id)
        except ChatBusy:  # not handled yet, nor failed: the update waits its turn
            raise
        except Exception:
            self.observer.update(kind, "failed")
            raise
        handled = done.handled
        if done.asked_unknown is not None:  # committed: remember for their next message
            self.asked_unknown.put(f"{channel}:{address}", done.asked_unknown[0], self.clock())
        if done.erased:  # after the commit: the erased words leave the file's free pages
            await self.db.after_erasure()
        if handled.duplicate:
            self.observer.update(kind, "duplicate")
            log.info("event=update_duplicate kind=%s", kind)
            return handled
        seconds = time.perf_counter() - started
        self._observe(kind, done, seconds)
        if self.on_outbox is not None:
            self.on_outbox(done.outbox)
        return handled

    async def _handle_retrying(
        self, channel: str, address: str, event: Inbound, event_id: str | None
    ) -> Done:
        for _ in range(2):
            try:
                return await self._handle_once(channel, address, event, event_id)
            except IntegrityError:
                # Two first taps of a new youngster at once: the second finds the first's row.
                log.info("event=update_retried reason=concurrent_insert")
        return await self._handle_once(channel, address, event, event_id)

    def _observe(self, kind: str, done: Done, seconds: float) -> None:
        """Tell the observer and the log what was committed: one line per update."""
        self.observer.update(kind, "handled", seconds)
        signal = done.signal
        if signal is not None:
            self.observer.crisis_signal(signal.level, signal.category)
        if done.reached is not None:
            self.observer.crisis_alert(done.reached)
        log.info(
            "event=update_handled kind=%s side=%s replies=%d stats=%s signal=%s ms=%.1f",
            kind,
            done.side,
            done.replies,
            done.stats,
            f"{signal.category}:{signal.level}" if signal else "-",
            seconds * 1000,
        )

    async def message_dropped(self, message: Outbound) -> None:
        """A message will never arrive; if it was relayed, tell the one who wrote it."""
        if self.matchteam is None:
            return
        async with self.db.transaction() as session:
            await self.matchteam.delivery_failed(session, message=message, now=self.clock())

    async def set_aside(
        self,
        *,
        channel: str,
        address: str | None,
        event_id: str,
        kind: str,
        reason: str,
        language_hint: str = "",
    ) -> None:
        """Keep an update that failed the same way again and again as set aside (its id, kind
        and the error's type, never its text), so the channel confirms it and serves everyone
        else; then tell whoever sent it, once, that it could not be handled."""
        async with self.db.transaction() as session:
            first = await set_aside(
                session, event_id=event_id, kind=kind, reason=reason, now=self.clock()
            )
        if not first or address is None:
            return
        try:
            await self._tell_set_aside(channel, address, language_hint)
        except Exception as error:  # the update is set aside; the kind word is a courtesy
            log.warning(
                "could not tell a sender about a set-aside update: %s", type(error).__name__
            )

    async def _tell_set_aside(self, channel: str, address: str, language_hint: str) -> None:
        async with self.db.transaction() as session:
            now = self.clock()
            staff = await find_staff(session, channel=channel, address=address)
            youngster = (
                None
                if staff
                else await find_youngster(session, channel=channel, address=address, lock=False)
            )
            if staff is not None:
                offered = self.flow.questionnaire.languages
                language = staff_language(split(staff.languages), offered)
            elif youngster is not None:
                language = youngster.language
            else:
                language = self.flow.language_for(language_hint)
            await enqueue_messages(
                session,
                channel=channel,
                address=address,
                youngster_id=youngster.id if youngster else None,
                language=language,
                messages=[Outbound("error.set_aside")],
                now=now,
            )
        if self.on_outbox is not None:
            self.on_outbox()

    async def _handle_once(
        self, channel: str, address: str, event: Inbound, event_id: str | None
    ) -> Done:
        async with self.db.transaction() as session:
            now = self.clock()
            arrival = await arrive(
                session, event_id=event_id, channel=channel, address=address, now=now
            )
            if not arrival.fresh:
                return Done(Handled(tap=None, language="", duplicate=True))
            staff = arrival.staff
            if staff is not None or await self._links(session, channel, address, event):
                handled = await self._staff_event(session, staff, channel, address, event, now)
                return Done(handled, side="staff", outbox=enqueued_channels(session))
            found = await find_youngster_with_case(session, channel=channel, address=address)
            if found and self.matchteam and wants_appointments(event, self.youngster_words):
                tap = await self.matchteam.appointment_event(session, found, event, now)
                handled = Handled(tap=tap, language=found.youngster.language)
                return Done(handled, outbox=enqueued_channels(session))
            youngster = found.youngster if found else None
            before = await load_found(session, found) if found else None
            waiting = None if found else self.asked_unknown.get(f"{channel}:{address}", now)
            step = self.flow.handle(before, event, now, asked=waiting)
            # The new flood count goes with the youngster's row when it is saved anyway.
            with_row = (
                youngster is not None
                and youngster.blocked_at is None
                and step.intake is not None
                and not step.forget
            )
            flood = await self.gate.count(
                session,
                youngster,
                key=f"{channel}:{address}",
                event=event,
                step=step,
                now=now,
                save=not with_row,
            )
            screened = await screen_blocked(
                session, self.matchteam, youngster, event, step, now, self.youngster_words
            )
            if screened is not None and youngster is not None:
                step, flood = Step(None, youngster.language, screened), Flood(flood.window)
            journey = youngster.journey if youngster else secrets.token_hex(16)
            youngster_id = youngster.id if youngster else None
            reached: int | None = None
            if step.forget and youngster is not None:
                await erase(session, self.matchteam, youngster_id=youngster.id, now=now)
                youngster_id = None
            elif step.intake is not None:
                if youngster is None:
                    youngster = await create_youngster(
                        session,
                        channel=channel,
                        address=address,
                        intake=step.intake,
                        now=now,
                        rng=self.rng,
                    )
                    journey, youngster_id = youngster.journey, youngster.id
                also = flood_columns(youngster, flood) if with_row else {}
                await save_intake(
                    session, youngster=youngster, intake=step.intake, before=before, also=also
                )
                if step.own_data:
                    step.outbound += await own_data(session, self.flow, youngster, step.intake, now)
                current = found.case if found else None
                reached = await case_changes(
                    session,
                    self.matchteam,
                    youngster,
                    step,
                    channel,
                    address,
                    event,
                    now,
                    current,
                    flood,
                )
            await record_stats(session, journey=journey, at=now, stats=step.stats)
            # "Klikte het?" with no journey and no youngster: kept apart (flows/feedback.py).
            if step.feedback is not None:
                await keep_feedback(session, feedback=step.feedback)
            language = step.intake.language if step.intake else step.language
            outbound = hushed(step.outbound, flood, kept=youngster_id is not None)
            if reached == 0:
                # Nobody of the team can read the alert now: say so, the help lines are it.
                log.warning("event=crisis_alert_unread")
                outbound = nobody_reads(outbound)
            await enqueue_messages(
                session,
                channel=channel,
                address=address,
                youngster_id=youngster_id,
                language=language,
                messages=outbound,
                now=now,
            )
            return Done(
                Handled(tap=step.tap, language=language),
                replies=len(outbound),
                stats=",".join(s.kind for s in step.stats) or "-",
                signal=step.raised,
                reached=reached,
                erased=step.forget,
                outbox=enqueued_channels(session),
                asked_unknown=(step.asked,) if found is None and step.intake is None else None,
            )

    def _is_link(self, event: Inbound) -> bool:  # /coach CODE: link this chat to an account
        return event.kind == "command" and self.words.action(event.command) == "link"

    async def _links(
        self, session: AsyncSession, channel: str, address: str, event: Inbound
    ) -> bool:
        """/coach from a chat not linked: linking, unless a youngster typed it without a code
        (they ask for a coach, and get their own help instead of the staff's code answer)."""
        if not self._is_link(event) or read_code(event.argument) is not None:
            return self._is_link(event)
        return await find_youngster(session, channel=channel, address=address, lock=False) is None

    async def _staff_event(
        self,
        session: AsyncSession,
        staff: Staff | None,
        channel: str,
        address: str,
        event: Inbound,
        now: datetime,
    ) -> Handled:
        """Messages from coaches and team leads, and /coach <code> linking a chat to one."""
        offered = self.flow.questionnaire.languages
        linked = False
        if self._is_link(event):
            outbound, account = await link_chat(
                session,
                channel=channel,
                address=address,
                code=event.argument,
                now=now,
                desk=self.links,
            )
            linked = account is not None
            staff = account or staff
        elif staff is not None and self.matchteam is not None:
            tap = await self.matchteam.staff_event(
                session, staff=staff, address=address, event=event, now=now
            )
            return Handled(tap=tap, language=staff_language(split(staff.languages), offered))
        else:
            outbound = staff_reply(event)
        language = (
            staff_language(split(staff.languages), offered)
            if staff is not None
            else self.flow.language_for(event.language_hint)
        )
        await enqueue_messages(
            session,
            channel=channel,
            address=address,
            youngster_id=None,
            language=language,
            messages=outbound,
            now=now,
        )
        tap = Tap("closed") if event.kind == "choice" else None
        return Handled(tap=tap, language=language, staff_linked=linked)
