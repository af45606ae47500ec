"""Periodic housekeeping, run by APScheduler. What is due lives in the database, so a job
that misses a run (a restart) loses nothing: the next run catches up."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.services.appointment_due import run_due
from bot.services.conversation import Clock
from bot.services.gate import release_calm
from bot.services.guard import run_guard
from bot.services.observer import UNOBSERVED, Observer
from bot.services.purge import purge
from bot.services.staff import StaffService
from flows.retention import Retention
from storage.db import Database

log = logging.getLogger(__name__)

PURGE_EVERY = 1  # hours between two purges in each worker; a row is due for days, not minutes


async def purge_job(
    db: Database, retention: Retention, clock: Clock, observer: Observer = UNOBSERVED
) -> None:
    """Delete what is past its retention (bot/services/purge.py); each row once, whichever
    worker takes it."""
    await purge(db, retention, clock, observer)


GUARD_EVERY = 30  # seconds; a step may fire up to this late, which is fine for hours-long steps
NOBODY_READS = (
    "a crisis now would reach nobody: no coach or team lead is linked, active and within their "
    "hours; youngsters in crisis are told that only the help lines can answer now"
)


class CrisisReach:
    """How many coaches and team leads a crisis alert would reach now (linked, active, not
    away, within hours). /readyz answers with it, and the log says it: a WARNING when it
    becomes nobody, an INFO when somebody is back; once per change, never a name or an id."""

    def __init__(self) -> None:
        self.last: int | None = None

    async def check(self, db: Database, matchteam: StaffService, clock: Clock) -> int:
        """Count who a crisis would reach now, and log the figure if it changed to or from 0."""
        async with db.transaction() as session:
            reached = await matchteam.readers_now(session, now=clock())
        if reached == 0 and self.last != 0:
            log.warning(NOBODY_READS)
        elif reached > 0 and self.last in (None, 0):
            log.info("a crisis now reaches %d coaches and team leads", reached)
        self.last = reached
        return reached


async def guard_job(
    db: Database,
    matchteam: StaffService,
    clock: Clock,
    wake: Callable[[], None],
    reach: CrisisReach | None = None,
    observer: Observer = UNOBSERVED,
) -> None:
    """Run the 24-hour guard and send what it queued; pass on messages held during a flood
    that is over; check who a crisis would reach."""
    taken = await run_guard(db, matchteam, clock, observer)
    if taken:
        log.info("guard: %d steps taken", len(taken))
    released = await release_calm(db, matchteam, clock())
    if released:
        log.info("event=flood_released youngsters=%d", released)
    if taken or released:
        wake()
    if reach is not None:
        await reach.check(db, matchteam, clock)


DUE_EVERY = 10  # seconds; a reminder leaves at most this late (plus the sender's queue)


async def appointments_job(
    db: Database, matchteam: StaffService, clock: Clock, wake: Callable[[], None]
) -> None:
    """Fire the appointments' due rows (reminders, missed checks, quiet nudges) and send."""
    await run_due(db, matchteam, clock, wake)


class Running:
    """The job runs in progress, so that stopping can let each finish its transaction
    (shutting the scheduler down would cancel them, and APScheduler logs that as an error)."""

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()

    def track(self, job: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        """The job, counted while it runs."""

        @functools.wraps(job)  # APScheduler's log lines name the job by its function
        async def tracked(*args: Any) -> None:
            task = asyncio.current_task()
            assert task is not None
            self.tasks.add(task)
            try:
                await job(*args)
            finally:
                self.tasks.discard(task)

        return tracked

    async def finish(self, grace: float) -> None:
        """Wait for the runs in progress; cancel those that take longer than `grace` seconds."""
        await ended(*self.tasks, grace=grace)


async def ended(*tasks: asyncio.Task[Any], grace: float) -> None:
    """Wait up to `grace` seconds for the tasks to end, then cancel what is left, and again if
    need be: a cancellation that lands while SQLAlchemy hands back a connection can be
    swallowed, and the task would run on and keep the process alive."""
    pending = {task for task in tasks if not task.done()}
    wait = grace
    for _ in range(5):
        if not pending:
            return
        _, pending = await asyncio.wait(pending, timeout=wait)
        for task in pending:
            task.cancel()
        wait = 0.5
    log.warning("%d tasks did not stop", len(pending))


def make_scheduler(
    db: Database,
    clock: Clock,
    matchteam: StaffService,
    wake: Callable[[], None],
    reach: CrisisReach | None = None,
    running: Running | None = None,
    observer: Observer = UNOBSERVED,
    guard_every: int = GUARD_EVERY,
    retention: Retention | None = None,
    due_every: int = DUE_EVERY,
) -> AsyncIOScheduler:
    """A scheduler with Klik's periodic jobs; start it inside the running event loop. Every
    worker runs them: each guard step, and each row the purge deletes, is taken by one (FOR
    UPDATE SKIP LOCKED)."""
    running = running or Running()
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        running.track(guard_job),
        "interval",
        seconds=guard_every,
        args=(db, matchteam, clock, wake, reach, observer),
        id="guard",
        next_run_time=clock(),
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        running.track(appointments_job),
        "interval",
        seconds=due_every,
        args=(db, matchteam, clock, wake),
        id="appointments",
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        running.track(purge_job),
        "interval",
        hours=PURGE_EVERY,
        args=(db, retention or Retention(), clock, observer),
        id="purge",
        next_run_time=clock(),
        coalesce=True,
        max_instances=1,
    )
    return scheduler
