"""Updates handled in each chat's order by however many workers receive them (webhook mode).

A load balancer may hand two updates of one chat to two workers at once, and a channel that
got no answer sends an update again, perhaps to another worker. So an update is either
handled at once, in one transaction that keeps it as handled, when its chat has nothing
pending (storage/inbox.py `taking_turn`: the usual case, one commit per update), or stored
first (pending, committed: now the channel may be told it arrived) when the chat is busy or
the handling failed. A stored update waits its turn: a worker drains its chat by claiming
the chat's lowest pending update, but only while no other worker holds one of that chat,
handing it to the channel's handler, whose transaction marks it handled, and going on until
nothing of that chat is pending. A worker that finds the chat busy leaves its update to the
one draining it. What a dead worker held is picked up, once its lease ran out, by the next
update of that chat or by `sweep`, which every worker runs every few seconds.

An update is handled once (the handling transaction marks it, `first_time_seen`), a later
update that is merely pending never overtakes an earlier one, and an earlier one that arrives
after a later one was handled is still handled, not lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.conversation import Clock
from storage.db import Database
from storage.inbox import (
    ChatBusy,
    Pending,
    Turn,
    chats_waiting,
    claim_next,
    release,
    store_pending,
    taking_turn,
)

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=10)  # a claimed update waits this long for a worker that died
PAUSE = timedelta(seconds=2)  # after a failed handling, before the chat is tried again
SWEEP_EVERY = 2.0  # seconds between looks for chats left pending
LEFT_AFTER = timedelta(seconds=2)  # a pending update this old with no live claim was left

Handle = Callable[[str], Awaitable[bool]]  # the raw update; False: failed, try again later
HandleNow = Callable[[], Awaitable[bool]]  # the update in hand, already read


class ChatQueue:
    """Stores each update of a channel and handles every chat's updates in their order."""

    def __init__(
        self, db: Database, *, channel: str, handle: Handle, clock: Clock, lease: timedelta = LEASE
    ) -> None:
        self.db = db
        self.channel = channel
        self.handle = handle
        self.clock = clock
        self.lease = lease

    async def receive(
        self,
        *,
        event_id: str,
        address: str,
        seq: int,
        payload: str,
        handle_now: HandleNow | None = None,
    ) -> None:
        """Keep and handle an update; raises when it cannot be kept (the channel must send
        it again). When its chat has nothing pending it is handled at once (`handle_now`, the
        channel's handling of the update it has read already; else `handle` on the payload),
        and the commit that handles it keeps it. Else, or when that handling fails, it is
        stored as pending and handled in its turn: a failure is tried again, not raised."""
        try:
            with taking_turn(Turn(event_id, self.channel, address)):
                if await (handle_now or partial(self.handle, payload))():
                    return
            # It failed: kept as pending, its chat paused, for the sweep to try again.
            paused_until: datetime | None = self.clock() + PAUSE
        except ChatBusy:  # rolled back: it waits behind what the chat has pending
            paused_until = None
        async with self.db.transaction() as session:
            await store_pending(
                session,
                event_id=event_id,
                channel=self.channel,
                address=address,
                seq=seq,
                payload=payload,
                now=self.clock(),
                claimed_until=paused_until,
            )
            # Stored and, when the chat is free, claimed in one transaction: one round less.
            first = None if paused_until else await self._claim(session, address, done=None)
        if first is not None:  # else another worker has the chat and handles this one next
            await self.drain(address, first=first)

    async def _claim(self, session: AsyncSession, address: str, done: str | None) -> Pending | None:
        return await claim_next(
            session,
            channel=self.channel,
            address=address,
            now=self.clock(),
            lease=self.lease,
            done=done,
        )

    async def drain(self, address: str, first: Pending | None = None) -> int:
        """Handle a chat's pending updates in order while no other worker does, starting
        with `first` when it was claimed already; how many."""
        done: str | None = None
        handled = 0
        try:
            while True:
                pending: Pending | None = first
                first = None
                if pending is None:
                    async with self.db.transaction() as session:
                        pending = await self._claim(session, address, done)
                if pending is None:
                    return handled
                if not await self.handle(pending.payload):
                    async with self.db.transaction() as session:
                        await release(
                            session,
                            event_id=pending.event_id,
                            channel=self.channel,
                            address=address,
                            until=self.clock() + PAUSE,
                        )
                    return handled
                done, handled = pending.event_id, handled + 1
        except Exception as error:  # the database went away: the sweep tries again
            log.warning("handling a chat's updates failed (%s); tried again", type(error).__name__)
            return handled

    async def sweep(self) -> int:
        """Drain every chat whose updates were left pending; how many updates were handled."""
        async with self.db.transaction() as session:
            chats = await chats_waiting(
                session, channel=self.channel, now=self.clock(), older_than=LEFT_AFTER
            )
        handled = 0
        for address in chats:
            handled += await self.drain(address)
        if handled:
            log.info("picked up %d updates left pending", handled)
        return handled

    async def run(self, stop: asyncio.Event, every: float = SWEEP_EVERY) -> None:
        """Sweep every `every` seconds until `stop` is set; it ends between two transactions,
        never cancelled inside one (that can leave a database connection open)."""
        while not stop.is_set():
            try:
                await self.sweep()
            except Exception as error:  # the database may be down for a moment
                log.warning("looking for pending updates failed (%s)", type(error).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
