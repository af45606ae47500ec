"""Turns at SQLite's one writer, inside one process.

Every SQLite transaction begins with BEGIN IMMEDIATE (storage/db.py), so only one runs at a
time. Left to SQLite, the others wait in its busy handler, which sleeps and tries again (up to
100 ms between tries) and serves whoever tries at the right moment: under a burst of updates a
write that should land at once, such as marking a message Telegram has just taken (until then a
crash would send it twice), could wait for seconds behind a pool of connections. Here the
transactions of this process queue instead: in the order they asked, with urgent ones first,
and each is handed the turn the moment the previous one ends. Other processes on the same file
(a `klik staff` command) still meet this one in SQLite's lock, as before.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

URGENT, IN_ORDER = 0, 1


class WriteTurns:
    """One writer at a time; waiting writers served urgent first, then in arrival order."""

    def __init__(self) -> None:
        self._busy = False
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()
        # Set in the task that holds the turn: a transaction opened inside it (which SQLite
        # could only run if the outer one has not written yet) is not made to wait for itself.
        self._holding: ContextVar[bool] = ContextVar(f"holding_{id(self)}", default=False)

    @property
    def waiting(self) -> int:
        """How many transactions wait for their turn."""
        return sum(not future.done() for _, _, future in self._waiting)

    @asynccontextmanager
    async def turn(self, *, urgent: bool = False) -> AsyncIterator[None]:
        """Hold the turn for the block; `urgent`: before every transaction that waits."""
        if self._holding.get():
            yield
            return
        await self._take(URGENT if urgent else IN_ORDER)
        token = self._holding.set(True)
        try:
            yield
        finally:
            self._holding.reset(token)
            self._hand_on()

    async def _take(self, rank: int) -> None:
        if not self._busy and not self.waiting:
            self._busy = True
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (rank, next(self._arrivals), future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._hand_on()  # handed the turn in the moment it was cancelled: pass it on
            raise

    def _hand_on(self) -> None:
        """The turn goes to the first waiting transaction still there, or is free."""
        while self._waiting:
            _, _, future = heapq.heappop(self._waiting)
            if not future.done():
                future.set_result(None)
                return
        self._busy = False
