"""Marks delivered messages in the outbox as they are confirmed, several in one write when
they arrive together (a group commit): at Telegram's 30 a second one transaction per
message would cost more CPU than the sending itself. A message whose mark is in a write
that is still running waits for the next one, so nothing is marked later than one write
after its confirmation: the moment in which a crash would send it twice stays short. On
SQLite a mark is the next write, before every update waiting (storage/turns.py).

A write that fails (a connection lost, the database restarting) is tried again within a
second or two: an unmarked message stays claimed and, once its lease ends, is sent again, so
giving up at the first error would send a whole group twice. Trying again is safe: a row
already deleted is neither deleted nor remembered twice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.outbox import Delivered, mark_delivered, mark_delivered_many

log = logging.getLogger(__name__)

# Seconds before each new try of a failed write: a moment's trouble passes within them, and
# the sender holds the messages' slots meanwhile, so the tries stay few.
PAUSES = (0.05, 0.25, 1.0)


@dataclass
class _Mark:
    delivered: Delivered
    done: asyncio.Future[None]


class DeliveredMarks:
    """One channel's delivered messages, marked in as few writes as they allow."""

    def __init__(
        self,
        db: Database,
        channel: str,
        clock: Callable[[], datetime],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.db = db
        self.channel = channel
        self.clock = clock
        self.sleep = sleep
        self._waiting: list[_Mark] = []
        self._writing: asyncio.Task[None] | None = None

    async def mark(self, delivered: Delivered) -> None:
        """Return once the message is marked delivered (raise when that write failed)."""
        done = asyncio.get_running_loop().create_future()
        self._waiting.append(_Mark(delivered, done))
        if self._writing is None:
            self._writing = asyncio.create_task(self._write_all())
        # Shielded: a send cancelled now (klik stops) still has its mark written.
        await asyncio.shield(done)

    async def settle(self) -> None:
        """Wait for the marks being written (the sender stops)."""
        if self._writing is not None:
            await asyncio.gather(self._writing, return_exceptions=True)

    async def _write_all(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    await self._write_trying([mark.delivered for mark in batch])
                except Exception as error:
                    for mark in batch:
                        mark.done.set_exception(error)
                        mark.done.exception()  # retrieved: the sender logs it once, per message
                else:
                    for mark in batch:
                        mark.done.set_result(None)
        finally:
            self._writing = None

    async def _write_trying(self, batch: list[Delivered]) -> None:
        """Write the batch, trying again after each pause in PAUSES; raise the last error."""
        for pause in PAUSES:
            try:
                await self._write(batch)
                return
            except Exception as error:
                # Only the error's kind: its text may hold a statement's parameters.
                log.warning(
                    "event=mark_retry messages=%d error=%s wait_s=%.2f",
                    len(batch),
                    type(error).__name__,
                    pause,
                )
            await self.sleep(pause)
        await self._write(batch)

    async def _write(self, batch: list[Delivered]) -> None:
        if len(batch) == 1:  # one statement in autocommit where the database allows
            async with self.db.at_once(urgent=True) as session:
                await mark_delivered(
                    session, channel=self.channel, delivered=batch[0], now=self.clock()
                )
            return
        async with self.db.transaction(urgent=True) as session:
            await mark_delivered_many(
                session, channel=self.channel, delivered=batch, now=self.clock()
            )
