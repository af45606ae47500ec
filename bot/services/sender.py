"""Delivers the outbox: renders each saved reply in the youngster's language and hands it to
a channel's transport. Messages to one address keep their order; different addresses are
served side by side, the most urgent first, so one chat's backlog (a rate limit, a long
queue) never holds up another's. A rate limit is waited out as long as the channel asks, a
network error is tried again within seconds; after a restart, whatever was left is sent.

The channel's limits (Telegram: 30 a second, one a second per chat) are kept here
(bot/services/pacing.py), so the most urgent message takes the next free moment. A message
delivered in the moment before it is marked sent (the process is killed, the database is
away) is sent again later: a channel without idempotent sends allows no better. That window
is kept small: a message is marked the moment the channel confirms it, in one write with the
others confirmed at that time (bot/services/marks.py)."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from bot.services.conversation import Clock
from bot.services.due import Due, pause_after
from bot.services.marks import DeliveredMarks
from bot.services.observer import UNOBSERVED, Observer
from bot.services.pacing import Limits, Pacer
from bot.services.parts import split_message
from bot.services.render import Renderer
from bot.services.transport import Transport, TryLater, Undeliverable
from flows.messages import Outbound
from storage.db import Database
from storage.models import utc
from storage.outbox import (
    Delivered,
    claim_due,
    find_sent,
    mark_part_sent,
    mark_sent,
    message_of,
    release,
    remember_sent,
    retry_later,
)

log = logging.getLogger(__name__)

SEND_TIMEOUT = 10.0  # seconds for one call to the channel; longer counts as a network error
LEASE = timedelta(seconds=20)  # a claimed message waits this long for a sender that died
GIVE_UP_AFTER = timedelta(days=1)  # a message still refused after this long is dropped
CONCURRENCY = 20  # messages on their way at once, each to another address
AHEAD = 10  # claimed before their turn: a claim per few messages, a crisis row still first
LOOK_AGAIN = timedelta(days=1)  # no busy chat: only a commit or `idle` brings new work

T = TypeVar("T")


class OutboxSender:
    """Sends what the outbox holds for one channel; wake() after each commit."""

    def __init__(
        self,
        db: Database,
        renderer: Renderer,
        transport: Transport,
        *,
        clock: Clock,
        on_dropped: Callable[[Outbound], Awaitable[None]] | None = None,
        concurrency: int = CONCURRENCY,
        observer: Observer = UNOBSERVED,
        limits: Limits | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        ahead: int = AHEAD,
    ) -> None:
        self.db = db
        self.renderer = renderer
        self.transport = transport
        self.clock = clock
        self.on_dropped = on_dropped  # told about a message that will never arrive
        self.concurrency = concurrency
        self.observer = observer
        self._stopping = False
        # Without limits (the shell, tests) every due message goes at once.
        self.pacer = Pacer(limits) if limits is not None else None
        self.sleep = sleep  # injected with the clock, so tests pass time without waiting
        self.ahead = ahead
        self.marks = DeliveredMarks(db, transport.channel, clock, sleep)
        self._wake = asyncio.Event()
        self._sending: set[asyncio.Task[bool]] = set()
        self._grace = 0.0  # seconds the messages on their way get once stopped
        # Claimed, waiting for the limits, most urgent first: (priority, turn, id, due).
        self._ready: list[tuple[int, int, int, Due]] = []
        self._look = True  # something was committed: claim
        self._look_at = clock()  # when to claim again if nothing is committed
        self._more = False  # the last claim was full: more waits in the outbox

    @property
    def on_the_way(self) -> tuple[asyncio.Task[bool], ...]:
        """The sends in progress; a test's clock moves on only once they are done."""
        return tuple(self._sending)

    def wake(self, channels: Collection[str] | None = None) -> None:
        """Something was committed to the outbox (for `channels`, None: for any): send it
        soon, if it is for this sender's channel."""
        if channels is not None and self.transport.channel not in channels:
            return
        self._look = True
        self._wake.set()

    async def run(self, idle: float = 1.0) -> None:
        """Send forever: each address's next message as soon as it is due and the channel's
        limits allow, the most urgent first, up to `concurrency` at once. Looks again after
        every commit, every finished message, when a chat's gap ends and every `idle`
        seconds (for retries)."""
        try:
            while not self._stopping:
                try:
                    pause = await self._dispatch(idle)
                except Exception:  # the database may be down for a moment: keep sending
                    log.exception("sending the outbox failed; trying again shortly")
                    pause = idle
                await self._rest(pause)
            if self._sending:  # stopped: what is on its way may arrive
                await asyncio.wait(set(self._sending), timeout=self._grace)
        finally:
            # Cancel once only: a second cancel would break into a send's database clean-up
            # (klik run cancels every task itself), leaving a connection, and the process, open.
            for task in self._sending:
                if not task.cancelling():
                    task.cancel()
            await asyncio.gather(*self._sending, return_exceptions=True)
            await self.marks.settle()
            await self._give_back()

    def stop(self, grace: float) -> None:
        """Make run() claim nothing more and end by itself, between two transactions
        (cancelling it inside one can leave its connection open), once the messages on their
        way arrived or `grace` seconds passed: one cut off would stay leased (its chat waits
        for the lease to end) and could be sent twice."""
        self._stopping = True
        self._grace = grace
        self.wake()

    async def _dispatch(self, idle: float) -> float:
        """Claim what is due into `_ready` and start what the limits allow; the seconds until
        there is something to do again (unless woken earlier)."""
        if self._stopping:  # stop(): what is claimed goes back when run() ends
            return idle
        now = self.clock()
        if self.ahead > len(self._ready) and self._should_look(now):
            self._look = False
            busy = self.pacer.busy(now) if self.pacer is not None else []
            claimed = await self._claim(self.ahead - len(self._ready), busy)
            self._more = len(claimed) == self.ahead - len(self._ready)
            for due in claimed:
                heapq.heappush(self._ready, (due.priority, due.turn, due.id, due))
            # Nothing more is due now: look again after a commit, when a busy chat's gap
            # ends (its next message may wait) or after `idle` (retries).
            soonest = self.pacer.soonest_free(now) if self.pacer is not None else None
            self._look_at = min(now + timedelta(seconds=idle), soonest or now + LOOK_AGAIN)
            now = self.clock()
        until_send = idle
        while self._ready and len(self._sending) < self.concurrency:
            due = self._ready[0][-1]
            if self.pacer is not None:
                at = self.pacer.free_at(due.address, now)
                if at > now:
                    until_send = (at - now).total_seconds()
                    break
                self.pacer.take(due.address, now)
                due.slot = now
            heapq.heappop(self._ready)
            task = asyncio.create_task(self._send(due, paced=True))
            self._sending.add(task)
            task.add_done_callback(self._finished)
        if len(self._ready) > self.ahead // 2:  # enough claimed: the next look is a refill
            return until_send
        if self._should_look(now):
            return 0.0
        return min(until_send, max((self._look_at - now).total_seconds(), 0.0))

    def _should_look(self, now: datetime) -> bool:
        """Whether to claim now: after a commit (it may be a crisis), or when what the last
        claim brought is half gone and more waits (the last claim was full) or may wait (a
        chat's gap ended, or `idle` passed). So a claim serves several messages."""
        low = len(self._ready) <= self.ahead // 2
        return self._look or (low and (self._more or now >= self._look_at))

    async def _rest(self, pause: float) -> None:
        """Wait `pause` seconds, or less when woken."""
        if not self._wake.is_set() and pause > 0:
            woken = asyncio.ensure_future(self._wake.wait())
            rested = asyncio.ensure_future(self.sleep(pause))
            try:
                await asyncio.wait((woken, rested), return_when=asyncio.FIRST_COMPLETED)
            finally:
                woken.cancel()
                rested.cancel()
        self._wake.clear()

    def _finished(self, task: asyncio.Task[bool]) -> None:
        self._sending.discard(task)
        if self.pacer is None:  # the address's next message may go at once
            self._look = True
        self._wake.set()

    async def _give_back(self) -> None:
        """Stopping: claimed messages not yet started go back to the outbox at once."""
        waiting = [item[-1].id for item in self._ready]
        self._ready.clear()
        if waiting:
            with contextlib.suppress(Exception):
                async with self.db.transaction() as session:
                    await release(session, message_ids=waiting)

    async def drain(self) -> int:
        """Send every message that is due now, one per address per round; return how many
        were delivered. For tests and the shell, which want it done before going on."""
        delivered = 0
        while True:
            claimed = await self._claim(self.concurrency)
            if not claimed:
                return delivered
            done = await asyncio.gather(*(self._send(due) for due in claimed))
            delivered += sum(done)
            if not any(done):
                return delivered

    async def _claim(self, limit: int, busy: Sequence[str] = ()) -> list[Due]:
        channel, now = self.transport.channel, self.clock()
        async with self.db.transaction() as session:
            rows = await claim_due(
                session, channel=channel, now=now, lease=LEASE, limit=limit, busy=busy
            )
        return [
            Due(
                row.id,
                row.address,
                row.attempts,
                row.parts_sent,
                utc(row.created_at),
                row.language,
                message_of(row),
                row.priority,
                row.turn,
                claimed_until=now + LEASE,  # as claim_due set it
            )
            for row in rows
        ]

    async def _send(self, due: Due, *, paced: bool = False) -> bool:
        """Deliver one claimed message; True once it left the outbox (delivered or dropped).
        `paced`: its first call was given a slot; later parts wait for theirs."""
        channel = self.transport.channel
        try:
            await self._deliver(due, paced=paced)
        except TryLater as refusal:
            self.observer.channel_error("send", refusal.kind)
            await self._postpone(due, refusal.after)
            return False
        except Undeliverable as refusal:
            self.observer.channel_error("send", refusal.kind)
            log.warning(
                "event=message_dropped reason=undeliverable error=%s id=%d", refusal.kind, due.id
            )
            async with self.db.transaction() as session:
                await mark_sent(session, message_id=due.id)
            self.observer.dropped(channel, "undeliverable")
            await self._dropped(due.message)
        except Exception:
            # E.g. the database went away between sending and marking: the claim runs out
            # and the message is tried again, as after a crash.
            log.exception("sending message id %d failed; it is tried again later", due.id)
            return False
        if due.message.erasure:  # the row with the address is gone: so are its old pages
            await self.db.after_erasure()
        return True

    async def _deliver(self, due: Due, *, paced: bool = False) -> None:
        """Send what is left of a message: a copy, a file, or its parts from the first not
        yet delivered; an edit replaces the earlier message with the first part."""
        message = due.message
        if message.copy or message.document:  # one message, never in parts
            if paced:
                self._leaves(due)
            if message.copy:
                call = self.transport.copy(due.address, message.copy)
            else:  # the rendered text as a file, named by its own text key
                text = self.renderer.render(message, due.language).text
                name = self.renderer.text(message.document, {}, due.language)
                call = self.transport.send_file(due.address, name, text)
            await self._delivered(due, await self._call(call), last=True, part=0)
            return
        rendered = self.renderer.render(due.message, due.language)
        parts = split_message(rendered, self.transport.max_text)
        earlier: str | None = None
        if due.message.edit and due.parts_sent == 0:
            async with self.db.transaction() as session:
                earlier = await find_sent(
                    session,
                    channel=self.transport.channel,
                    address=due.address,
                    tag=due.message.edit,
                )
        for part in range(due.parts_sent, len(parts)):
            if paced and part > due.parts_sent:
                await self._slot(due.address)
            elif paced:
                self._leaves(due)
            if part == 0 and earlier is not None:
                await self._call(self.transport.edit(due.address, earlier, parts[0]))
                message_id = earlier
            else:
                message_id = await self._call(self.transport.deliver(due.address, parts[part]))
            if not await self._delivered(due, message_id, last=part == len(parts) - 1, part=part):
                return  # the row is gone (an erasure) or another sender's: the rest is not ours

    def _leaves(self, due: Due) -> None:
        """The message given a slot by `_dispatch` leaves now."""
        if self.pacer is not None and due.slot is not None:
            self.pacer.went(due.address, due.slot, self.clock())

    async def _slot(self, address: str) -> None:
        """Wait until the limits allow the next part of a long message to `address`."""
        assert self.pacer is not None
        while (at := self.pacer.free_at(address, self.clock())) > self.clock():
            await self.sleep((at - self.clock()).total_seconds())
        self.pacer.take(address, self.clock())

    async def _call(self, call: Awaitable[T]) -> T:
        """One call to the channel; one that hangs counts as a network error."""
        try:
            async with asyncio.timeout(SEND_TIMEOUT):
                return await call
        except TimeoutError:
            raise TryLater(kind="timeout") from None

    async def _delivered(self, due: Due, message_id: str, *, last: bool, part: int) -> bool:
        """Mark a delivered message at once, with others confirmed at the same time
        (bot/services/marks.py); the part of a long one in a short transaction of its own.
        False when a part's row is no longer this sender's."""
        if last:
            await self.marks.mark(Delivered(due.id, due.address, message_id, due.message.tag))
            self.observer.sent(self.transport.channel)
            return True
        async with self.db.transaction() as session:
            renewed = self.clock() + LEASE
            ours = await mark_part_sent(
                session,
                message_id=due.id,
                parts_sent=part + 1,
                claimed_until=renewed,
                held=due.claimed_until,
            )
            if not ours:  # e.g. erased meanwhile: no message id of that chat is remembered
                return False
            due.claimed_until = renewed
            if due.message.tag:
                await remember_sent(
                    session,
                    channel=self.transport.channel,
                    address=due.address,
                    message_id=message_id,
                    tag=due.message.tag,
                    now=self.clock(),
                )
        return True

    async def _dropped(self, message: Outbound) -> None:
        if self.on_dropped is not None:
            await self.on_dropped(message)
            self.wake()

    async def _postpone(self, due: Due, after: timedelta | None) -> None:
        """Try again later: as long as a rate limit asks, within seconds after a network
        error; a message refused for more than a day is given up."""
        now = self.clock()
        if now - due.created_at > GIVE_UP_AFTER:
            log.error(
                "event=message_dropped reason=gave_up id=%d attempts=%d", due.id, due.attempts
            )
            async with self.db.transaction() as session:
                await mark_sent(session, message_id=due.id)
            self.observer.dropped(self.transport.channel, "gave_up")
            await self._dropped(due.message)
            return
        pause = after if after is not None else pause_after(due.attempts)
        if after is not None:
            log.info("event=rate_limited id=%d wait_s=%.0f", due.id, pause.total_seconds())
        else:
            log.debug("event=send_retry id=%d wait_s=%.0f", due.id, pause.total_seconds())
        async with self.db.transaction() as session:
            await retry_later(
                session, message_id=due.id, not_before=now + pause, held=due.claimed_until
            )
