"""Runs the appointments' due work: reminders, the missed check and the quiet nudge, each
row exactly once.

Claiming rows (FOR UPDATE SKIP LOCKED), acting on them (messages into the outbox) and marking
them done happen in one transaction, so a crash repeats nothing that was committed and loses
nothing that was not, and two workers never take the same row. A case's quiet check is armed
when it turns active (bot/services/staff_apply.py) and re-arms itself when it fires, so a run
reads only the due rows, however many cases are active.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable

from bot.services.conversation import Clock
from bot.services.staff import StaffService
from bot.services.staff_load import reached
from storage.appointments import claim_due
from storage.db import Database

log = logging.getLogger(__name__)

BATCH = 50


async def run_due(
    db: Database,
    matchteam: StaffService,
    clock: Clock,
    wake: Callable[[], None] | None = None,
) -> Counter[str]:
    """Take every due row; return how many became of each outcome, by kind. `wake`: the
    sender, woken after each committed batch, so the first reminders leave while the next
    batch is taken (1,000 due in one minute all arrive within the minute)."""
    desk = matchteam.desk
    taken: Counter[str] = Counter()
    while True:
        async with db.transaction() as session:
            now = clock()
            rows = await claim_due(session, now=now, limit=BATCH)
            team = await reached(session, desk, now) if rows else None
            batch: Counter[str] = Counter()
            for row in rows:
                outcome = await matchteam.appointment_due(session, row, now, team)
                batch[f"{row.kind}:{outcome}"] += 1
        for what, count in sorted(batch.items()):  # committed: each is told once
            log.info("event=appointment_due what=%s count=%d", what, count)
        taken += batch
        if rows and wake is not None:
            wake()
        if len(rows) < BATCH:
            return taken
