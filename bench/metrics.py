"""What watching costs: one /metrics scrape with a full outbox and a long queue, and the
observer's and the log line's share of handling one update. Part of `make bench`."""

from __future__ import annotations

import logging
import random
import statistics
import time
from datetime import datetime, timedelta

from bot.process.logs import KeyValueFormatter
from bot.process.metrics import Metrics
from flows.messages import Outbound
from flows.state import CaseView, Intake, Rules
from storage.db import Database
from storage.intakes import create_youngster
from storage.outbox import enqueue_messages
from storage.youngster_cases import open_case

OUTBOX_ROWS, WAITING = 1000, 200


async def _fill(db: Database, now: datetime) -> None:
    """OUTBOX_ROWS messages to 100 chats and WAITING queued cases."""
    async with db.transaction() as session:
        for chat in range(100):
            await enqueue_messages(
                session,
                channel="telegram",
                address=str(9_000_000 + chat),
                youngster_id=None,
                language="nl",
                messages=[Outbound("raw", {"text": "hoi"})] * (OUTBOX_ROWS // 100),
                now=now,
            )
        rng = random.Random(1)
        for number in range(WAITING):
            youngster = await create_youngster(
                session,
                channel="telegram",
                address=str(8_000_000 + number),
                intake=Intake(state="queued", language="nl"),
                now=now,
                rng=rng,
            )
            view = CaseView(now, now + timedelta(days=1), urgent=number % 10 == 0)
            await open_case(session, youngster_id=youngster.id, case=view)


async def bench_scrape(url: str, label: str, rules: Rules, now: datetime) -> list[str]:
    """Milliseconds per scrape (database figures read, text written), median of 50."""
    db = Database(url)
    try:
        await _fill(db, now)
        metrics = Metrics()
        metrics.watch(db, rules, lambda: now)
        times = []
        for _ in range(50):
            begin = time.perf_counter()
            await metrics.refresh()
            size = len(metrics.exposition())
            times.append(time.perf_counter() - begin)
    finally:
        await db.close()
    return [
        f"{label} /metrics scrape, {OUTBOX_ROWS} in the outbox, {WAITING} waiting: "
        f"{statistics.median(times) * 1000:6.2f} ms ({size} bytes)"
    ]


def bench_observer() -> list[str]:
    """Microseconds per handled update for the counts and for its log line."""
    metrics = Metrics()
    formatter = KeyValueFormatter()
    record = logging.LogRecord(
        "bot.services.conversation",
        logging.INFO,
        __file__,
        1,
        "event=update_handled kind=%s side=%s replies=%d stats=%s signal=%s ms=%.1f",
        ("tap", "youngster", 1, "answered", "-", 3.14),
        None,
    )
    rounds = 20_000

    def timed(action: object) -> float:
        begin = time.perf_counter()
        for _ in range(rounds):
            action()  # type: ignore[operator]
        return (time.perf_counter() - begin) / rounds * 1e6

    counted = timed(lambda: metrics.update("tap", "handled", 0.0031))
    logged = timed(lambda: formatter.format(record))
    return [
        f"counting one handled update:      {counted:8.2f} µs",
        f"formatting its log line:          {logged:8.2f} µs",
    ]
