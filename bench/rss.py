"""The memory of `klik run` as it serves: its application in webhook mode, in the worker the
webhook bench posts to (bench/webhook_worker.py: settings, content, database, scheduler,
web chat, dashboard and Telegram channel, as `klik run` builds them), on the database it is
given, after 50 whole intakes and five /wachtrij of a team lead came in through the route.
The RSS is read from /proc for the worker alone, so nothing of the bench's own (its load
generator, the asyncpg baseline, the test helpers) is counted."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from bench.inbound import CHANNEL, BenchClock, add_team, one_after_another
from bench.webhook import bot_api_stand_in, poster, worker
from flows.messages import Inbound
from storage.db import Database
from storage.models import Staff, StaffContact

LEAD_CHAT = 77_000_001  # the Telegram chat of the team lead who asks for the queue


def rss_mb(pid: int) -> float:
    """A process's resident memory in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def add_lead(db: Database, start: datetime) -> None:
    """A team lead linked to LEAD_CHAT, the chat that asks /wachtrij."""
    async with db.transaction() as session:
        lead = Staff(role="teamlead", name="Noor", languages="nl,en", created_at=start)
        session.add(lead)
        await session.flush()
        assert lead.id is not None
        session.add(StaffContact(staff_id=lead.id, channel=CHANNEL, address=str(LEAD_CHAT)))


async def serving_rss(url: str, start: datetime) -> float:
    """The worker's RSS in MB once it served the intakes and the queue."""
    db = Database(url)
    try:
        await add_team(db, start)
        await add_lead(db, start)
    finally:
        await db.close()
    async with (
        bot_api_stand_in() as api,
        worker(url, api, start) as served,
        poster(served.url) as hook,
    ):
        await one_after_another(hook, "rss", 50, BenchClock(start))
        hook.chats["lead"] = LEAD_CHAT
        for _ in range(5):
            await hook("lead", Inbound("command", command="wachtrij"), secrets.token_hex(8))
        return rss_mb(served.process.pid)
