"""Delivers the outbox: renders each saved reply in the youngster's language and hands it to
a channel's transport. Refusals that pass (rate limits, network errors) are retried with
growing pauses; after a restart, whatever was left is sent. Messages to one address keep
their order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from bot.render import Rendered, Renderer
from bot.service import Clock
from flows.messages import Outbound
from storage.db import Database
from storage.outbox import (
    claim_due,
    find_sent,
    mark_sent,
    message_of,
    remember_sent,
    retry_later,
)

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_PAUSE = timedelta(minutes=10)
GIVE_UP_AFTER = 200  # attempts; with pauses up to 10 minutes that is more than a day


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

    async def deliver(self, address: str, message: Rendered) -> str:
        """Deliver and return the channel's message id, or raise TryLater / Undeliverable."""

    async def edit(self, address: str, message_id: str, message: Rendered) -> None:
        """Replace an earlier message, or raise TryLater / Undeliverable."""

    async def copy(self, address: str, source: str, message_id: str) -> str:
        """Copy a message (media) from another chat, without its sender; the new message id."""


@dataclass(frozen=True)
class _Due:
    id: int
    attempts: int
    language: str
    message: Outbound


def pause_after(attempts: int) -> timedelta:
    """How long to wait before the next try: 1, 2, 4, ... seconds, at most 10 minutes."""
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
    ) -> None:
        self.db = db
        self.renderer = renderer
        self.transport = transport
        self.clock = clock
        self.on_dropped = on_dropped  # told about a message that will never arrive
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something was committed to the outbox: send it soon."""
        self._wake.set()

    async def run(self, idle: float = 1.0) -> None:
        """Send forever: after every wake-up, and every `idle` seconds for retries."""
        while True:
            try:
                await self.drain()
            except Exception:  # the database may be down for a moment: keep the sender alive
                log.exception("sending the outbox failed; trying again shortly")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=idle)
            self._wake.clear()

    async def drain(self) -> int:
        """Send every message that is due now; return how many were delivered."""
        delivered = 0
        while True:
            async with self.db.transaction() as session:
                rows = await claim_due(
                    session, channel=self.transport.channel, now=self.clock(), lease=LEASE
                )
            if not rows:
                return delivered
            by_address: dict[str, list[_Due]] = defaultdict(list)
            for row in rows:
                assert row.id is not None
                by_address[row.address].append(
                    _Due(row.id, row.attempts, row.language, message_of(row))
                )
            results = await asyncio.gather(
                *(self._send_in_order(address, items) for address, items in by_address.items())
            )
            sent = sum(results)
            delivered += sent
            if sent == 0:
                return delivered

    async def _send_in_order(self, address: str, items: list[_Due]) -> int:
        sent = 0
        for position, due in enumerate(items):
            delivered: str | None = None
            try:
                delivered = await self._send_one(address, due)
            except TryLater as refusal:
                await self._postpone(items[position:], refusal.after)
                return sent
            except Undeliverable:
                log.warning("a message could not be delivered and was dropped (id %d)", due.id)
                await self._dropped(due.message)
            async with self.db.transaction() as session:
                await mark_sent(session, message_id=due.id)
                if delivered is not None and due.message.tag:
                    await remember_sent(
                        session,
                        channel=self.transport.channel,
                        address=address,
                        message_id=delivered,
                        tag=due.message.tag,
                        now=self.clock(),
                    )
            sent += 1
        return sent

    async def _send_one(self, address: str, due: _Due) -> str | None:
        """Deliver one message, or edit the earlier one it replaces; the message id."""
        if due.message.copy:
            source, _, original = due.message.copy.rpartition(":")
            return await self.transport.copy(address, source, original)
        rendered = self.renderer.render(due.message, due.language)
        if due.message.edit:
            async with self.db.transaction() as session:
                earlier = await find_sent(
                    session, channel=self.transport.channel, address=address, tag=due.message.edit
                )
            if earlier is not None:
                await self.transport.edit(address, earlier, rendered)
                return earlier
        return await self.transport.deliver(address, rendered)

    async def _dropped(self, message: Outbound) -> None:
        if self.on_dropped is not None:
            await self.on_dropped(message)
            self.wake()

    async def _postpone(self, items: list[_Due], after: timedelta | None) -> None:
        pause = after if after is not None else pause_after(items[0].attempts)
        log.info("channel asked to wait %.0f s; %d postponed", pause.total_seconds(), len(items))
        async with self.db.transaction() as session:
            for due in items:
                if due.attempts >= GIVE_UP_AFTER:
                    log.error("giving up on message id %d after %d attempts", due.id, due.attempts)
                    await mark_sent(session, message_id=due.id)
                    await self._dropped(due.message)
                else:
                    await retry_later(session, message_id=due.id, not_before=self.clock() + pause)
