"""Flat with size: what an update costs with 1,000 youngsters stored against 100,000, the query
plans of the paths that used to grow with the tables, and the memory of a serving process
with 10,000 stored.

The stored youngsters are written straight with asyncpg's COPY (seconds for 100,000): each
has a contact, five answers, five statistics events and a delivered message id; one in five
has a closed case, one in ten an active one with one of 200 earlier coaches (not linked, so
never told about new cases); and the queue holds the same 20 cases at every size, because
"flat with size" is about the youngsters kept, not about a longer queue.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from bench.inbound import CHANNEL, BenchClock, add_team, one_after_another, service_handle
from bench.rss import serving_rss
from bot.services.purge import purge as purge_all
from flows.intake import IntakeFlow, Rules
from flows.messages import Inbound
from flows.retention import Retention
from storage.db import Database
from storage.outbox import claim_due
from storage.queue import reachable_staff, waiting_cases
from storage.retention import purge_batch
from storage.sealing import ring

ROOT = Path(__file__).resolve().parent.parent
OLD_COACHES = 200
QUEUED_CASES = 20
BIG_TABLES = ("youngsters", "contacts", "cases", "intake_answers", "sent_messages", "stat_events")


def plain_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def seed(url: str, youngsters: int, start: datetime) -> None:
    """Store this many youngsters, with what a running service keeps about them."""
    import asyncpg

    connection = await asyncpg.connect(plain_url(url))
    try:
        old = start - timedelta(days=60)
        ids = [f"{n:032x}" for n in range(1, youngsters + 1)]
        await connection.copy_records_to_table(
            "staff",
            columns=["id", "role", "name", "intro", "languages", "focus", "regions", "modes",
                     "capacity", "hours", "active", "created_at"],
            records=[(10_000 + n, "coach", f"Old{n}", "", "nl", "", "", "chat", 99, "", True, old)
                     for n in range(OLD_COACHES)],
        )  # fmt: skip
        await connection.copy_records_to_table(
            "youngsters",
            columns=["id", "pseudonym", "language", "state", "paused", "journey", "created_at",
                     "last_seen"],
            # Seen yesterday: none of them is due for the purge, which is timed finding that
            # out (its look-ups must not read whole tables), not erasing 60,000 youngsters.
            records=[(y, f"Seed{n}", "nl", "queued", False, y, old, start - timedelta(days=1))
                     for n, y in enumerate(ids)],
        )  # fmt: skip
        # Written past the ORM, so sealed as its column types would: the chat id sealed, its
        # keyed hash beside it, the answers' words sealed (storage/sealing.py).
        keys = ring()
        sealed_nothing = keys.seal("")
        await connection.copy_records_to_table(
            "contacts",
            columns=["youngster_id", "channel", "address", "address_key"],
            records=[(y, CHANNEL, keys.seal(f"seed-{n}"), keys.lookup(f"seed-{n}"))
                     for n, y in enumerate(ids)],
        )  # fmt: skip
        questions = ("age", "q.health", "q.home", "q.goals", "q.money")
        await connection.copy_records_to_table(
            "intake_answers",
            columns=["youngster_id", "question", "choice", "text"],
            records=[(y, q, "3", sealed_nothing) for y in ids for q in questions],
        )
        await connection.copy_records_to_table(
            "stat_events",
            columns=["journey", "hour", "kind", "step", "value"],
            records=[(y, old, "answer", q, "3") for y in ids for q in questions],
        )
        await connection.copy_records_to_table(
            "sent_messages",
            columns=["channel", "address", "address_key", "message_id", "tag", "created_at"],
            records=[(CHANNEL, keys.seal(f"seed-{n}"), keys.lookup(f"seed-{n}"), str(n),
                      f"case:{n}", start - timedelta(days=1))
                     for n in range(youngsters)],
        )  # fmt: skip
        cases = []
        for n, y in enumerate(ids):
            coach = 10_000 + n % OLD_COACHES
            if n < QUEUED_CASES:
                cases.append((y, "queued", None, old, None))
            elif n % 5 == 0:
                cases.append((y, "closed", coach, old, old))
            elif n % 10 == 1:
                cases.append((y, "active", coach, old, None))
        await connection.copy_records_to_table(
            "cases",
            columns=["youngster_id", "state", "coach_id", "queued_at", "closed_at", "deadline",
                     "urgent", "priority", "shared"],
            records=[(y, state, coach, at, closed, at + timedelta(days=1), False, False, True)
                     for y, state, coach, at, closed in cases],
        )  # fmt: skip
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def timed(action: Callable[[], Awaitable[object]], repeat: int) -> float:
    """Wall milliseconds per call: what the database does counts here, not only our CPU."""
    begin = time.perf_counter()
    for _ in range(repeat):
        await action()
    return (time.perf_counter() - begin) / repeat * 1e3


async def seq_scans(db: Database, work: Callable[[AsyncSession], Awaitable[object]]) -> list[str]:
    """The big tables PostgreSQL reads whole (Seq Scan) for the statements `work` sends."""
    sent: list[tuple[str, Any]] = []

    def capture(_c: Any, _cu: Any, statement: str, parameters: Any, *_a: Any) -> None:
        if not statement.startswith("EXPLAIN"):
            sent.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
    scans: list[str] = []
    try:
        async with db.transaction() as session:
            await work(session)
            for statement, parameters in list(sent):
                connection = await session.connection()
                plan = await connection.exec_driver_sql("EXPLAIN " + statement, parameters)
                for (line,) in plan.all():
                    scans += [t for t in BIG_TABLES if f"Seq Scan on {t} " in line + " "]
            await session.rollback()
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
    return sorted(set(scans))


async def at_size(
    flow: IntakeFlow, rules: Rules, start: datetime, url: str, youngsters: int
) -> dict[str, Any]:
    """Per-update costs with this many youngsters stored (a fresh database)."""
    await seed(url, youngsters, start)
    db = Database(url)
    clock = BenchClock(start)
    team = await add_team(db, start)
    handle = service_handle(db, flow, rules, clock)
    queue_command = Inbound("command", command="wachtrij")
    try:
        await one_after_another(handle, "warm", 3, clock)
        intake = await one_after_another(handle, "size", 20, clock)
        queue_ms = await timed(lambda: handle("staff-0", queue_command, secrets.token_hex(8)), 10)

        cutoffs = Retention().cutoffs(clock.now)

        async def purge() -> None:
            await purge_all(db, Retention(), clock)

        async def claim() -> None:
            async with db.transaction() as session:
                await claim_due(session, channel=CHANNEL, now=clock.now, lease=timedelta(0))

        purge_ms = await timed(purge, 5)
        claim_ms = await timed(claim, 5)
        scans = {
            "coaches to notify": await seq_scans(db, lambda s: reachable_staff(s, channel=CHANNEL)),
            "/wachtrij": await seq_scans(db, waiting_cases),
            "purge": await seq_scans(
                db, lambda s: purge_batch(s, kind="sent_messages", cutoffs=cutoffs)
            ),
            "outbox claim": await seq_scans(
                db, lambda s: claim_due(s, channel=CHANNEL, now=clock.now, lease=timedelta(0))
            ),
        }
    finally:
        await db.close()
    assert team
    return {
        "intake_cpu_ms": intake.cpu_ms,
        "intake_wall_ms": intake.wall_ms,
        "queue_command_ms": queue_ms,
        "purge_ms": purge_ms,
        "claim_ms": claim_ms,
        "seq_scans": scans,
    }


async def bench_size(
    flow: IntakeFlow,
    rules: Rules,
    start: datetime,
    fresh_postgres: Callable[[], Awaitable[str | None]],
    drop: Callable[[str], Awaitable[None]],
) -> tuple[list[str], dict[str, Any]]:
    """1,000 against 100,000 youngsters stored, and the RSS of a process with 10,000."""
    sizes: dict[int, dict[str, Any]] = {}
    for youngsters in (1_000, 100_000):
        url = await fresh_postgres()
        if url is None:
            return ["flat with size: skipped, no PostgreSQL"], {}
        try:
            sizes[youngsters] = await at_size(flow, rules, start, url, youngsters)
        finally:
            await drop(url)
    url = await fresh_postgres()
    assert url is not None
    try:
        await seed(url, 10_000, start)
        rss = await serving_rss(url, start)
    finally:
        await drop(url)
    small, big = sizes[1_000], sizes[100_000]
    lines = ["flat with size (PostgreSQL; 1,000 -> 100,000 youngsters stored):"]
    figures: dict[str, Any] = {"rss_mb_10000_stored": rss}
    for key, label in (
        ("intake_wall_ms", "intake update, wall"),
        ("intake_cpu_ms", "intake update, CPU"),
        ("queue_command_ms", "/wachtrij (20 waiting)"),
        ("purge_ms", "retention purge"),
        ("claim_ms", "outbox claim"),
    ):
        ratio = big[key] / small[key]
        lines.append(f"  {label:<24} {small[key]:7.2f} ms -> {big[key]:7.2f} ms  (x{ratio:.2f})")
        figures[f"size_{key}_1000"] = small[key]
        figures[f"size_{key}_100000"] = big[key]
        figures[f"size_{key}_ratio"] = ratio
    scans = big["seq_scans"]
    figures["size_seq_scans_100000"] = scans
    lines.append(
        "  big tables read whole at 100,000: "
        + ("; ".join(f"{k}: {', '.join(v) or 'none'}" for k, v in scans.items()))
    )
    lines.append(f"RSS of a serving process with 10,000 youngsters stored: {rss:.0f} MB")
    return lines, figures
