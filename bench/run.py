"""`make bench`: speed and memory of the intake, measured side by side in one run.

Figures go to bench/results/latest.txt and bench/results.json; the way out (sending under
Telegram's limits) is measured in bench/outbound.py. Timings are for comparing within one
run (ratios); machines are shared and noisy, so no test ever asserts a timing.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from transitions import Machine

from bench.coaching import guard_ladder, notification_latency
from bench.inbound import SCRIPT, bench_inbound
from bench.keys import install_bench_key
from bench.metrics import bench_observer, bench_scrape
from bench.outbound import figures_of_the_way_out
from bench.outbound import lines as outbound_lines
from bench.reminders import figures_of_the_reminders
from bench.reminders import lines as reminder_lines
from bench.results import JSON_RESULTS
from bench.size import bench_size
from bench.statistics import bench_statistics
from bot.services.conversation import ConversationService
from bot.services.render import Renderer
from flows.content import load_content
from flows.crisis import CrisisDetector
from flows.hours import parse_service_hours
from flows.intake import IntakeFlow, Rules, intake_machine_spec
from storage.db import Database, async_url
from storage.migrate import migrate

RESULTS = Path(__file__).resolve().parent / "results" / "latest.txt"
POSTGRES_URL = os.environ.get("KLIK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
START = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)

# One full intake as a youngster plays it: every question answered, some words typed.


def per_call(action: Callable[[], object], repeat: int) -> float:
    """Median seconds per call over five rounds."""
    rounds = []
    for _ in range(5):
        begin = time.perf_counter()
        for _ in range(repeat):
            action()
        rounds.append((time.perf_counter() - begin) / repeat)
    return statistics.median(rounds)


def bench_machines(flow: IntakeFlow) -> list[str]:
    """One shared machine moving a light model, against a machine built per update."""
    spec = intake_machine_spec(flow.content)

    class Model:
        state = "q.health"

    def shared() -> None:
        model = Model()
        flow.machine.events["next"].trigger(model)

    def per_update() -> None:
        model = Model()
        Machine(model=model, auto_transitions=False, **{**spec, "initial": "q.health"})
        model.trigger("next")  # type: ignore[attr-defined]

    a, b = per_call(shared, 5000), per_call(per_update, 200)
    return [
        f"transition, shared machine:       {a * 1e6:8.1f} µs",
        f"transition, machine per update:   {b * 1e6:8.1f} µs   ({b / a:.0f}x the shared machine)",
    ]


def bench_flow(flow: IntakeFlow, renderer: Renderer) -> list[str]:
    """The pure flow and the renderer for a whole intake."""

    def intake() -> None:
        state = None
        for event in SCRIPT:
            step = flow.handle(state, event, START)
            state = step.intake

    def rendered() -> None:
        state = None
        for event in SCRIPT:
            step = flow.handle(state, event, START)
            for message in step.outbound:
                renderer.render(message, "nl")
            state = step.intake

    a, b = per_call(intake, 300), per_call(rendered, 300)
    n = len(SCRIPT)
    return [
        f"flow per event (pure):            {a / n * 1e6:8.1f} µs",
        f"flow + rendering per event:       {b / n * 1e6:8.1f} µs",
    ]


# A long message as young people write them, with concept words all through it: the rules'
# worst case is many candidate words, not emoji.
CRISIS_300 = (
    "ik weet echt niet meer wat ik moet doen, thuis is het zo erg en mijn pa schreeuwt de hele "
    "tijd tegen me, school gaat slecht en ik slaap bijna niet meer. soms denk ik dat het beter "
    "is als ik er niet meer ben, niemand zou het merken denk ik. sorry voor dit lange bericht "
    "maar ik moest het echt even kwijt aan iemand, want thuis kan ik er met niemand over praten."
)[:300]


def bench_crisis(flow: IntakeFlow) -> tuple[list[str], dict[str, float]]:
    """The crisis check per message, the rules alone and with the model, side by side."""
    detector = flow.content.detector
    rules = CrisisDetector(flow.content.crisis)
    long_text = ((CRISIS_300 + " ") * 14)[:4000]
    assert (len(CRISIS_300), len(long_text)) == (300, 4000)
    figures = {
        "crisis_300_chars_ms": per_call(lambda: detector.detect(CRISIS_300), 1000) * 1e3,
        "crisis_4000_chars_ms": per_call(lambda: detector.detect(long_text), 50) * 1e3,
        "crisis_rules_only_300_chars_ms": per_call(lambda: rules.detect(CRISIS_300), 1000) * 1e3,
        "crisis_rules_only_4000_chars_ms": per_call(lambda: rules.detect(long_text), 50) * 1e3,
    }
    ratio = figures["crisis_300_chars_ms"] / figures["crisis_rules_only_300_chars_ms"]
    return [
        f"crisis check, 300 characters:     {figures['crisis_300_chars_ms']:8.3f} ms",
        f"crisis check, 4,000 characters:   {figures['crisis_4000_chars_ms']:8.2f} ms",
        f"  rules alone, 300 / 4,000:       {figures['crisis_rules_only_300_chars_ms']:8.3f} ms"
        f" / {figures['crisis_rules_only_4000_chars_ms']:.2f} ms (with the model: x{ratio:.1f})",
    ], figures


async def bench_service(flow: IntakeFlow, url: str, youngsters: int, label: str) -> list[str]:
    """Whole intakes through the service and a real database: time per event, CPU and wall."""
    db = Database(url)
    clock_now = [START]
    service = ConversationService(db, flow, clock=lambda: clock_now[0], rng=random.Random(1))
    events = 0
    wall = time.perf_counter()
    cpu = time.process_time()
    for n in range(youngsters):
        for event in SCRIPT:
            await service.handle(
                channel="bench", address=f"{label}-{n}", event=event, event_id=secrets.token_hex(8)
            )
            events += 1
        clock_now[0] += timedelta(seconds=1)
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    concurrent_wall = time.perf_counter()

    async def one(n: int) -> None:
        for event in SCRIPT:
            await service.handle(channel="bench", address=f"{label}-c{n}", event=event)

    await asyncio.gather(*(one(n) for n in range(youngsters)))
    concurrent_wall = time.perf_counter() - concurrent_wall
    await db.close()
    return [
        f"service round per event, {label}: {wall / events * 1e3:6.2f} ms wall, "
        f"{cpu / events * 1e3:5.2f} ms CPU ({events} events, one after another)",
        f"  {youngsters} youngsters at once, {label}: {events / concurrent_wall:7.0f} events/s",
    ]


async def postgres_database() -> str | None:
    admin = create_async_engine(async_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"klik_bench_{secrets.token_hex(3)}"
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:
        return None
    finally:
        await admin.dispose()
    return async_url(POSTGRES_URL).rsplit("/", 1)[0] + f"/{name}"


async def drop(url: str) -> None:
    admin = create_async_engine(async_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(
            text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        )
    await admin.dispose()


async def bench_databases(flow: IntakeFlow) -> list[str]:
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{folder}/bench.db"
        db = Database(sqlite)
        await migrate(db)
        await db.close()
        lines += await bench_service(flow, sqlite, 50, "SQLite    ")
        lines += await bench_scrape(sqlite, "SQLite    ", flow.rules, START)
    url = await postgres_database()
    if url is None:
        lines.append(f"PostgreSQL: skipped, not reachable at {POSTGRES_URL}")
        return lines
    db = Database(url)
    await migrate(db)
    await db.close()
    try:
        lines += await bench_service(flow, url, 50, "PostgreSQL")
        lines += await bench_scrape(url, "PostgreSQL", flow.rules, START)
    finally:
        await drop(url)
    return lines


async def fresh_postgres() -> str | None:
    """A new, migrated PostgreSQL database, or None without a server."""
    url = await postgres_database()
    if url is not None:
        db = Database(url)
        await migrate(db)
        await db.close()
    return url


async def bench_inbound_both(flow: IntakeFlow, rules: Rules) -> tuple[list[str], dict[str, object]]:
    """bench/inbound.py on a fresh PostgreSQL database (if there is a server) and SQLite."""
    url = await fresh_postgres()
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{folder}/inbound.db"
        db = Database(sqlite)
        await migrate(db)
        await db.close()
        try:
            return await bench_inbound(flow, rules, START, url, sqlite)
        finally:
            if url is not None:
                await drop(url)


def bench_memory(flow: IntakeFlow) -> list[str]:
    """Memory held by the loaded content and by one youngster's intake state."""
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    content = load_content()
    after = tracemalloc.take_snapshot()
    loaded = sum(s.size_diff for s in after.compare_to(before, "filename"))
    states = []
    snapshot = tracemalloc.take_snapshot()
    for _ in range(1000):
        state = None
        for event in SCRIPT[:-1]:
            state = flow.handle(state, event, START).intake
        states.append(state)
    per_youngster = sum(
        s.size_diff for s in tracemalloc.take_snapshot().compare_to(snapshot, "filename")
    )
    tracemalloc.stop()
    del content
    return [
        f"content loaded (texts, crisis):   {loaded / 1e6:8.2f} MB",
        f"one intake state in memory:       {per_youngster / 1000 / 1e3:8.2f} kB",
    ]


def main() -> None:
    install_bench_key()
    content = load_content()
    rules = Rules(24, 12, ZoneInfo("Europe/Brussels"), parse_service_hours("mon-fri 09:00-21:00"))
    flow = IntakeFlow(content, rules)
    renderer = Renderer(content, timezone=rules.timezone, country="BE")
    lines = [f"Klik benchmarks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores", ""]
    lines += bench_machines(flow)
    lines += bench_flow(flow, renderer)
    crisis_lines, crisis_figures = bench_crisis(flow)
    lines += crisis_lines
    lines += asyncio.run(bench_databases(flow))
    inbound_lines, inbound_figures = asyncio.run(bench_inbound_both(flow, rules))
    lines += inbound_lines
    size_lines, size_figures = asyncio.run(bench_size(flow, rules, START, fresh_postgres, drop))
    lines += size_lines
    statistics_lines, statistics_figures = asyncio.run(bench_statistics(fresh_postgres, drop))
    lines += statistics_lines
    lines += bench_memory(flow)
    lines += bench_observer()
    lines += notification_latency()
    lines += guard_ladder()
    outbound = figures_of_the_way_out()
    lines += outbound_lines(outbound)
    reminders = figures_of_the_reminders()
    lines += reminder_lines(reminders)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    figures = {
        "measured_at": f"{datetime.now(UTC):%Y-%m-%dT%H:%M}Z",
        **crisis_figures,
        **outbound,
        **reminders,
        **inbound_figures,
        **size_figures,
        **statistics_figures,
    }
    JSON_RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()
