"""Telegram's webhook delivery through a load balancer, for tests with several workers.

It takes the updates people make at the Bot API stand-in (tests/support/botapi.py) and posts
each, signed with the webhook secret, to one worker after the other (round robin), each in its
own request, so updates of one chat may be handled by two workers at once. An update that
gets no 200 (the worker died, answered 5xx or not at all) is posted again to the next worker
after a short pause, as Telegram sends again what it got no 200 for; every `twice`-th update
is posted to two workers at once, as when Telegram sends again while the first is in flight.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.support.botapi import FakeBotApi

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RESEND_AFTER = 0.2  # seconds before an update that got no 200 goes again
TIMEOUT = 30.0  # seconds a worker may take to answer


@dataclass
class Deliveries:
    """What the balancer did: posts per worker, answers, and what went twice or again."""

    posted: list[int] = field(default_factory=list)  # per worker
    ok: list[int] = field(default_factory=list)  # 200s per worker
    resent: int = 0  # updates posted again after no 200
    twice: int = 0  # updates posted to two workers at once
    updates: int = 0  # distinct updates delivered (answered 200 at least once)


class Balancer:
    """Posts the stand-in's updates to workers until stop(); a thread of its own."""

    def __init__(
        self,
        api: FakeBotApi,
        targets: list[str],
        secret: str,
        *,
        twice: int = 0,
        route: Callable[[Any], int | None] | None = None,
    ) -> None:
        self.api = api
        self.targets = targets
        self.secret = secret
        self.twice = twice
        self.route = route  # picks the worker for an update (None: round robin)
        self.stats = Deliveries(posted=[0] * len(targets), ok=[0] * len(targets))
        self._turn = itertools.count()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self._lock = threading.Lock()
        self._in_flight = 0

    def start(self) -> Balancer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=TIMEOUT + 5)

    def idle(self) -> bool:
        """Nothing queued at the stand-in and nothing on its way to a worker."""
        with self._lock:
            return self._in_flight == 0 and self.api.pending_updates() == 0

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=TIMEOUT)
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            tasks: set[asyncio.Task[None]] = set()
            number = 0
            while not self._stop.is_set():
                with self._lock:
                    updates = self.api.take_updates()
                    self._in_flight += len(updates)
                for update in updates:
                    number += 1
                    copies = 2 if self.twice and number % self.twice == 0 else 1
                    self.stats.twice += copies == 2
                    task = asyncio.create_task(self._deliver(session, update, copies))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                await asyncio.sleep(0.005)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _deliver(self, session: aiohttp.ClientSession, update: Any, copies: int) -> None:
        try:
            chosen = self.route(update) if self.route is not None else None
            target = next(self._turn) % len(self.targets) if chosen is None else chosen
            targets = [(target + n) % len(self.targets) for n in range(copies)]
            while not self._stop.is_set():
                answers = await asyncio.gather(*(self._post(session, t, update) for t in targets))
                if any(answers):
                    self.stats.updates += 1
                    return
                self.stats.resent += 1
                await asyncio.sleep(RESEND_AFTER)
                targets = [(targets[0] + 1) % len(self.targets)]  # the next worker
        finally:
            with self._lock:
                self._in_flight -= 1

    async def _post(self, session: aiohttp.ClientSession, target: int, update: Any) -> bool:
        self.stats.posted[target] += 1
        try:
            async with session.post(
                self.targets[target], json=update, headers={SECRET_HEADER: self.secret}
            ) as response:
                ok = response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            ok = False
        self.stats.ok[target] += ok
        return ok
