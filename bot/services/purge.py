"""The retention purge: every kind of row past its limit (flows/retention.py) deleted in
small transactions, so a purge of many rows never holds a lock for long, and any number of
workers may run it at once (storage/retention.py: each row is taken by one).

Logs and the watcher hear counts per kind, never an id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.services.observer import UNOBSERVED, Observer
from flows.audit import SYSTEM, Entry
from flows.retention import KINDS, Retention
from storage.audit import record
from storage.db import Database
from storage.retention import count_due, purge_batch

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


async def due_counts(db: Database, retention: Retention, clock: Clock) -> dict[str, int]:
    """Per kind, how many rows (youngsters) a purge now would remove; nothing changes."""
    cutoffs = retention.cutoffs(clock())
    async with db.transaction() as session:
        return {kind: await count_due(session, kind=kind, cutoffs=cutoffs) for kind in KINDS}


async def purge(
    db: Database, retention: Retention, clock: Clock, observer: Observer = UNOBSERVED
) -> dict[str, int]:
    """Delete everything due, batch by batch; per kind, how many this run removed. The
    cutoffs are taken once, at the start: what falls due meanwhile waits for the next run."""
    cutoffs = retention.cutoffs(clock())
    removed = dict.fromkeys(KINDS, 0)
    for kind in KINDS:
        while True:
            async with db.transaction() as session:
                taken = await purge_batch(session, kind=kind, cutoffs=cutoffs)
            removed[kind] += taken
            if taken == 0:
                break
    gone = {kind: count for kind, count in removed.items() if count}
    if gone:
        # One entry per run and kind: the purge itself is an erasure the audit log shows.
        entries = [Entry("purge", detail=f"{kind}:{count}") for kind, count in gone.items()]
        async with db.transaction() as session:
            await record(session, at=clock(), actor=SYSTEM, entries=entries)
    for kind, count in removed.items():
        observer.purged(kind, count)
    log.info("event=purge %s", " ".join(f"{kind}={count}" for kind, count in removed.items()))
    return removed
