"""Runs the 24-hour guard: takes every due ladder step exactly once.

Claiming a step, acting on it (messages into the outbox) and marking it done happen in one
transaction, so a crash repeats nothing that was committed and loses nothing that was not;
two workers never take the same step (FOR UPDATE SKIP LOCKED on PostgreSQL, serialised
writers on SQLite).
"""

from __future__ import annotations

import logging

from bot.services.conversation import Clock
from bot.services.observer import UNOBSERVED, Observer
from bot.services.staff import StaffService
from storage.db import Database
from storage.guard import claim_due_steps, mark_step_done

log = logging.getLogger(__name__)


async def run_guard(
    db: Database, matchteam: StaffService, clock: Clock, observer: Observer = UNOBSERVED
) -> list[tuple[int, str, str]]:
    """Take every due step; return (case id, step, fired | skipped) for each."""
    taken: list[tuple[int, str, str]] = []
    while True:
        batch: list[tuple[int, str, str]] = []
        async with db.transaction() as session:
            now = clock()
            steps = await claim_due_steps(session, now=now)
            for step in steps:
                outcome = await matchteam.guard_step(
                    session, case_id=step.case_id, rung=step.rung, now=now
                )
                assert step.id is not None
                await mark_step_done(session, step_id=step.id, outcome=outcome, now=now)
                batch.append((step.case_id, step.rung, outcome))
        for _, rung, outcome in batch:  # committed: each step is told once
            observer.guard_step(rung, outcome)
            log.info("event=guard_step step=%s outcome=%s", rung, outcome)
        taken += batch
        if len(steps) < 50:
            return taken
