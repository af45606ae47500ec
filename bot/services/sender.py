"""Delivers the outbox: renders each saved reply in the youngster's language and hands it to
a channel's transport. Messages to one address keep their order; different addresses are
served side by side, the most urgent first, so one chat's backlog (a rate limit, a long
queue) never holds up another's. A rate limit is waited out as long as the channel asks, a
network error is tried again within seconds; after a restart, whatever was left is sent.

A message delivered in the moment before it is marked sent (the process is killed, the
database is away) is sent again later: a channel without idempotent sends allows no better.
That window is kept small: each message is claimed alone, just before it is sent, and marked
in its own short transaction the moment the channel confirms it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from bot.services.conversation import Clock
from bot.services.parts import split_message
from bot.services.render import Rendered, Renderer
from flows.messages import Outbound
from storage.db import Database
from storage.models import utc
from storage.outbox import (
    claim_due,
    find_sent,
    mark_delivered,
    mark_part_sent,
    mark_sent,
    message_of,
    remember_sent,
    retry_later,
)

log = logging.getLogger(__name__)

SEND_TIMEOUT = 10.0  # seconds for one call to the channel; longer counts as a network error
LEASE = timedelta(seconds=20)  # a claimed message waits this long for a sender that died
MAX_PAUSE = timedelta(seconds=5)  # between tries after a network error: back within seconds
GIVE_UP_AFTER = timedelta(days=1)  # a message still refused after this long is dropped
CONCURRENCY = 20  # messages on their way at once, each to another address

T = TypeVar("T")


class TryLater(Exception):
    """The channel refused for now (rate limit, network); try again after `after`."""

    def __init__(self, after: timedelta | None = None) -> None:
        super().__init__("try later")
        self.after = after


class Undeliverable(Exception):
    """The channel will never take this message (blocked bot, unknown chat)."""


class Transport(Protocol):
    """A channel's way of delivering one rendered message to an address."""

    channel: str

    @property
    def max_text(self) -> int | None:
        """The longest text one message can carry (code points); None: no limit."""

    async def deliver(self, address: str, message: Rendered) -> str:
        """Deliver and return the channel's message id, or raise TryLater / Undeliverable."""

    async def edit(self, address: str, message_id: str, message: Rendered) -> None:
        """Replace an earlier message, or raise TryLater / Undeliverable."""

    async def copy(self, address: str, source: str, message_id: str) -> str:
        """Copy a message (media) from another chat, without its sender; the new message id."""


@dataclass(frozen=True)
class _Due:
    id: int
    address: str
    attempts: int
    parts_sent: int
    created_at: datetime
    language: str
    message: Outbound


def pause_after(attempts: int) -> timedelta:
    """How long to wait after a network error: 1, 2, 4 seconds, then every 5 seconds, so the
    queue drains within seconds of the channel coming back."""
    return min(timedelta(seconds=2 ** min(attempts, 10)), MAX_PAUSE)


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
    ) -> None:
        self.db = db
        self.renderer = renderer
        self.transport = transport
        self.clock = clock
        self.on_dropped = on_dropped  # told about a message that will never arrive
        self.concurrency = concurrency
        self._wake = asyncio.Event()
        self._sending: set[asyncio.Task[bool]] = set()
        self._stopping = False
        self._grace = 0.0  # seconds the messages on their way get once stopped

    def wake(self) -> None:
        """Something was committed to the outbox: send it soon."""
        self._wake.set()

    async def run(self, idle: float = 1.0) -> None:
        """Send forever: each address's next message as soon as it is due, up to
        `concurrency` at once. Looks again after every commit, every finished message (the
        next one to that address is due now) and every `idle` seconds (for retries). Ends
        after stop()."""
        try:
            while not self._stopping:
                try:
                    await self._start_due()
                except Exception:  # the database may be down for a moment: keep sending
                    log.exception("sending the outbox failed; trying again shortly")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=idle)
                self._wake.clear()
            if self._sending:  # stopped: what is on its way may arrive
                await asyncio.wait(set(self._sending), timeout=self._grace)
        finally:
            # Cancel once only: a second cancel would break into a send's database clean-up
            # (klik run cancels every task itself), leaving a connection, and the process, open.
            for task in self._sending:
                if not task.cancelling():
                    task.cancel()
            await asyncio.gather(*self._sending, return_exceptions=True)

    def stop(self, grace: float) -> None:
        """Make run() claim nothing more and end by itself, between two transactions
        (cancelling it inside one can leave its connection open), once the messages on their
        way arrived or `grace` seconds passed: one cut off would stay leased (its chat waits
        for the lease to end) and could be sent twice."""
        self._stopping = True
        self._grace = grace
        self.wake()

    async def _start_due(self) -> None:
        room = self.concurrency - len(self._sending)
        if room <= 0 or self._stopping:
            return
        for due in await self._claim(room):
            task = asyncio.create_task(self._send(due))
            self._sending.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[bool]) -> None:
        self._sending.discard(task)
        self.wake()

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

    async def _claim(self, limit: int) -> list[_Due]:
        async with self.db.transaction() as session:
            rows = await claim_due(
                session, channel=self.transport.channel, now=self.clock(), lease=LEASE, limit=limit
            )
            claimed = []
            for row in rows:
                assert row.id is not None
                claimed.append(
                    _Due(
                        row.id,
                        row.address,
                        row.attempts,
                        row.parts_sent,
                        utc(row.created_at),
                        row.language,
                        message_of(row),
                    )
                )
            return claimed

    async def _send(self, due: _Due) -> bool:
        """Deliver one claimed message; True once it left the outbox (delivered or dropped)."""
        try:
            await self._deliver(due)
        except TryLater as refusal:
            await self._postpone(due, refusal.after)
            return False
        except Undeliverable:
            log.warning("a message could not be delivered and was dropped (id %d)", due.id)
            async with self.db.transaction() as session:
                await mark_sent(session, message_id=due.id)
            await self._dropped(due.message)
        except Exception:
            # E.g. the database went away between sending and marking: the claim runs out
            # and the message is tried again, as after a crash.
            log.exception("sending message id %d failed; it is tried again later", due.id)
            return False
        return True

    async def _deliver(self, due: _Due) -> None:
        """Send what is left of a message: a copy, or its parts from the first not yet
        delivered; an edit replaces the earlier message with the first part."""
        if due.message.copy:
            source, _, original = due.message.copy.rpartition(":")
            copied = await self._call(self.transport.copy(due.address, source, original))
            await self._delivered(due, copied, last=True, part=0)
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
            if part == 0 and earlier is not None:
                await self._call(self.transport.edit(due.address, earlier, parts[0]))
                message_id = earlier
            else:
                message_id = await self._call(self.transport.deliver(due.address, parts[part]))
            await self._delivered(due, message_id, last=part == len(parts) - 1, part=part)

    async def _call(self, call: Awaitable[T]) -> T:
        """One call to the channel; one that hangs counts as a network error."""
        try:
            async with asyncio.timeout(SEND_TIMEOUT):
                return await call
        except TimeoutError:
            raise TryLater() from None

    async def _delivered(self, due: _Due, message_id: str, *, last: bool, part: int) -> None:
        """Mark a delivered message at once, in one statement where the database allows;
        the part of a long one in a short transaction of its own."""
        if last:
            async with self.db.at_once() as session:
                await mark_delivered(
                    session,
                    message_id=due.id,
                    channel=self.transport.channel,
                    address=due.address,
                    delivered_as=message_id,
                    tag=due.message.tag,
                    now=self.clock(),
                )
            return
        async with self.db.transaction() as session:
            await mark_part_sent(
                session, message_id=due.id, parts_sent=part + 1, claimed_until=self.clock() + LEASE
            )
            if due.message.tag:
                await remember_sent(
                    session,
                    channel=self.transport.channel,
                    address=due.address,
                    message_id=message_id,
                    tag=due.message.tag,
                    now=self.clock(),
                )

    async def _dropped(self, message: Outbound) -> None:
        if self.on_dropped is not None:
            await self.on_dropped(message)
            self.wake()

    async def _postpone(self, due: _Due, after: timedelta | None) -> None:
        """Try again later: as long as a rate limit asks, within seconds after a network
        error; a message refused for more than a day is given up."""
        now = self.clock()
        if now - due.created_at > GIVE_UP_AFTER:
            log.error("giving up on message id %d after %d attempts", due.id, due.attempts)
            async with self.db.transaction() as session:
                await mark_sent(session, message_id=due.id)
            await self._dropped(due.message)
            return
        pause = after if after is not None else pause_after(due.attempts)
        if after is not None:
            log.info("rate limited: message id %d waits %.0f s", due.id, pause.total_seconds())
        else:
            log.debug("network error: message id %d waits %.0f s", due.id, pause.total_seconds())
        async with self.db.transaction() as session:
            await retry_later(session, message_id=due.id, not_before=now + pause)
