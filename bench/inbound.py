"""Inbound speed: intake updates through the conversation service, side by side with a
hand-written asyncpg handler (bench/asyncpg_baseline.py) that writes the same rows.

Every figure drives one `Handle`: a function taking (address, event, event id) that returns
once the update is handled and committed with its replies in the outbox:
`ConversationService.handle`, the entry point the Telegram channel and the webhook route
call, and on PostgreSQL also the webhook route itself, served by a worker process
(bench/webhook.py), whose CPU is read for that process alone.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import signal
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bench.asyncpg_baseline import AsyncpgIntake
from bench.webhook import (
    CONNECTIONS,
    WebhookPoster,
    Worker,
    bot_api_stand_in,
    check_all_handled,
    poster,
    worker,
)
from bot.services.conversation import ConversationService
from bot.services.staff import StaffService
from flows.intake import IntakeFlow, Rules
from flows.messages import Inbound
from storage.db import Database
from storage.models import Staff, StaffContact
from tests.support.statements import counting

Handle = Callable[[str, Inbound, str], Awaitable[object]]
CHANNEL = "telegram"
# One full intake as a youngster plays it: every question answered, some words typed; the
# last tap puts them in the queue, and the best-matching coaches get an offer.
SCRIPT = [
    Inbound("start", argument="insta"),
    Inbound("choice", choice="consent:yes:nl:insta"),
    Inbound("choice", choice="age:16_17"),
    Inbound("text", text="ik kan goed tekenen"),
    Inbound("text", text="ik slaap de laatste tijd slecht"),
    Inbound("choice", choice="q.health:2"),
    Inbound("choice", choice="q.home:3"),
    Inbound("choice", choice="q.goals:4"),
    Inbound("choice", choice="q.money:1"),
    Inbound("choice", choice="q.network:3"),
    Inbound("choice", choice="summary:send"),
]
STEP_NAMES = [
    "start",
    "consent",
    "age",
    "text",
    "text",
    "check-in",
    "check-in",
    "check-in",
    "check-in",
    "check-in",
    "enter queue",
]


class BenchClock:
    """Time as the service sees it: START, moved on by the bench."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


async def add_team(db: Database, start: datetime) -> dict[str, int]:
    """Three coaches and a team lead, linked, working every hour; their chat addresses."""
    team = {}
    async with db.transaction() as session:
        for n, (role, name, focus) in enumerate(
            (
                ("coach", "Lotte", "home"),
                ("coach", "Bram", "health"),
                ("coach", "Sara", "money"),
                ("teamlead", "Ahmed", ""),
            )
        ):
            staff = Staff(
                role=role,
                name=name,
                languages="nl,en",
                focus=focus,
                capacity=10**6,
                hours="mon-sun 00:00-24:00",
                created_at=start,
            )
            session.add(staff)
            await session.flush()
            assert staff.id is not None
            address = f"staff-{n}"
            session.add(StaffContact(staff_id=staff.id, channel=CHANNEL, address=address))
            team[name] = staff.id
    return team


def service_handle(db: Database, flow: IntakeFlow, rules: Rules, clock: BenchClock) -> Handle:
    """The conversation service as the channels call it. For the webhook route, a Handle that
    POSTs {"update_id", "message"/"callback_query"} to it measures the same things."""
    service = ConversationService(
        db, flow, clock=clock, rng=random.Random(1), matchteam=StaffService(flow, rules)
    )

    async def handle(address: str, event: Inbound, event_id: str) -> object:
        return await service.handle(
            channel=CHANNEL, address=address, event=event, event_id=event_id
        )

    return handle


def baseline_handle(handler: AsyncpgIntake) -> Handle:
    async def handle(address: str, event: Inbound, event_id: str) -> object:
        await handler.handle(channel=CHANNEL, address=address, event=event, event_id=event_id)
        return None

    return handle


@dataclass(frozen=True)
class Round:
    cpu_ms: float  # process CPU per update
    wall_ms: float
    updates: int


async def one_after_another(
    handle: Handle,
    prefix: str,
    youngsters: int,
    clock: BenchClock,
    cpu_clock: Callable[[], float] = time.process_time,
) -> Round:
    """Whole intakes, one update at a time: CPU (of this process, or what `cpu_clock`
    counts) and wall time per update."""
    updates = 0
    wall, cpu = time.perf_counter(), cpu_clock()
    for n in range(youngsters):
        for event in SCRIPT:
            await handle(f"{prefix}-{n}", event, secrets.token_hex(8))
            updates += 1
        clock.now += timedelta(seconds=1)
    cpu, wall = cpu_clock() - cpu, time.perf_counter() - wall
    return Round(cpu / updates * 1e3, wall / updates * 1e3, updates)


async def interleaved_cpu(
    handles: dict[str, Handle],
    youngsters: int,
    clock: BenchClock,
    rounds: int = 3,
    cpu_clocks: dict[str, Callable[[], float]] | None = None,
) -> dict[str, float]:
    """CPU per update of each handler, measured in alternating rounds so that the machine's
    other load falls on all alike; the median round of each. A handler served by another
    process is counted by its own clock in `cpu_clocks`."""
    seen: dict[str, list[float]] = {name: [] for name in handles}
    for r in range(rounds):
        for name, handle in handles.items():
            cpu_clock = (cpu_clocks or {}).get(name, time.process_time)
            result = await one_after_another(handle, f"{name}-{r}", youngsters, clock, cpu_clock)
            seen[name].append(result.cpu_ms)
    return {name: statistics.median(values) for name, values in seen.items()}


@dataclass(frozen=True)
class Load:
    offered: float  # updates/s offered (0: as fast as it goes)
    achieved: float  # updates/s handled
    p50_ms: float
    p99_ms: float
    updates: int


async def offered_load(handle: Handle, prefix: str, rate: float, youngsters: int) -> Load:
    """Open loop: update i is offered at i/rate seconds, youngsters interleaved (each one's
    updates in order, as the channel keeps them); latency counts from the offered moment, so
    falling behind shows as latency. rate 0: everything offered at once (the most it takes)."""
    begin = time.perf_counter()
    latencies: list[float] = []

    async def youngster(n: int) -> None:
        for step, event in enumerate(SCRIPT):
            due = begin + (step * youngsters + n) / rate if rate else begin
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            await handle(f"{prefix}-{n}", event, secrets.token_hex(8))
            latencies.append(time.perf_counter() - due)

    await asyncio.gather(*(youngster(n) for n in range(youngsters)))
    elapsed = time.perf_counter() - begin
    ordered = sorted(latencies)
    return Load(
        rate,
        len(ordered) / elapsed,
        ordered[len(ordered) // 2] * 1e3,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e3,
        len(ordered),
    )


async def statements_per_update(db: Database, handle: Handle, prefix: str) -> dict[str, int]:
    """How many statements each kind of update sends (commit included), for one intake."""
    counts: dict[str, int] = {}
    with counting(db.engine) as sent:
        for name, event in zip(STEP_NAMES, SCRIPT, strict=True):
            sent.reset()
            await handle(prefix, event, secrets.token_hex(8))
            counts[name] = max(counts.get(name, 0), len(sent))
    return counts


async def bench_inbound(
    flow: IntakeFlow, rules: Rules, start: datetime, postgres_url: str | None, sqlite_url: str
) -> tuple[list[str], dict[str, object]]:
    """The inbound figures on PostgreSQL (service and asyncpg side by side) and SQLite."""
    lines: list[str] = []
    figures: dict[str, object] = {}
    if postgres_url is not None:
        pg_lines, pg_figures = await _postgres(flow, rules, start, postgres_url)
        lines += pg_lines
        figures.update(pg_figures)
    else:
        lines.append("inbound on PostgreSQL: skipped, no server")
    lite_lines, lite_figures = await _sqlite(flow, rules, start, sqlite_url)
    return lines + lite_lines, figures | lite_figures


@dataclass(frozen=True)
class RouteLoad:
    load: Load
    worker_cpu_ms: float  # the worker process's CPU per update, under this load
    generator_cpu_ms: float  # this process's: the load generator and the Bot API stand-in


async def route_load(hook: WebhookPoster, served: Worker, rate: float) -> RouteLoad:
    """`offered_load` through the webhook route, with each side's CPU per update. With
    KLIK_BENCH_PROFILE set, the worker profiles this round (bench/webhook_worker.py)."""
    profiling = rate == 500 and os.environ.get("KLIK_BENCH_PROFILE")
    worker_cpu, own_cpu = served.cpu(), time.process_time()
    if profiling:
        served.process.send_signal(signal.SIGUSR1)
    load = await offered_load(hook, f"load-webhook-{rate:.0f}", rate, 200)
    if profiling:
        served.process.send_signal(signal.SIGUSR2)
    worker_cpu, own_cpu = served.cpu() - worker_cpu, time.process_time() - own_cpu
    return RouteLoad(load, worker_cpu / load.updates * 1e3, own_cpu / load.updates * 1e3)


async def _postgres(
    flow: IntakeFlow, rules: Rules, start: datetime, url: str
) -> tuple[list[str], dict[str, object]]:
    import asyncpg

    db = Database(url)
    clock = BenchClock(start)
    await add_team(db, start)
    pool = await asyncpg.create_pool(
        url.replace("postgresql+asyncpg", "postgresql"), min_size=10, max_size=10
    )
    try:
        async with (
            bot_api_stand_in() as api,
            worker(url, api, start, os.environ.get("KLIK_BENCH_PROFILE")) as served,
            poster(served.url) as hook,
        ):
            service = service_handle(db, flow, rules, clock)
            baseline = baseline_handle(AsyncpgIntake(pool, flow, rules, clock))
            handles: dict[str, Handle] = {"service": service, "asyncpg": baseline, "webhook": hook}
            for name, handle in handles.items():
                await one_after_another(handle, f"warm-{name}", 5, clock)
            statements = await statements_per_update(db, service, "count")
            cpu = await interleaved_cpu(handles, 30, clock, cpu_clocks={"webhook": served.cpu})
            loads = {
                name: await offered_load(handle, f"load-{name}", 500, 200)
                for name, handle in (("service", service), ("asyncpg", baseline))
            }
            routed = await route_load(hook, served, 500)
            most = await offered_load(service, "most", 0, 200)
            routed_most = await route_load(hook, served, 0)
            await check_all_handled(db, hook.posted)
    finally:
        await pool.close()
        await db.close()
    return _postgres_report(cpu, loads, most, routed, routed_most, statements)


def _postgres_report(
    cpu: dict[str, float],
    loads: dict[str, Load],
    most: Load,
    routed: RouteLoad,
    routed_most: RouteLoad,
    statements: dict[str, int],
) -> tuple[list[str], dict[str, object]]:
    ratio = cpu["service"] / cpu["asyncpg"]
    hook_ratio = cpu["webhook"] / cpu["asyncpg"]
    served, hand, route = loads["service"], loads["asyncpg"], routed.load
    lines = [
        "inbound, PostgreSQL, one worker (intake updates through ConversationService.handle):",
        f"  CPU per update: service {cpu['service']:.2f} ms, asyncpg by hand "
        f"{cpu['asyncpg']:.2f} ms (x{ratio:.2f}); on one free core at most "
        f"{1000 / cpu['service']:.0f} and {1000 / cpu['asyncpg']:.0f} updates/s",
        f"  500/s offered ({served.updates} updates): service {served.achieved:.0f}/s, p50 "
        f"{served.p50_ms:.1f} ms, p99 {served.p99_ms:.1f} ms; asyncpg {hand.achieved:.0f}/s, "
        f"p99 {hand.p99_ms:.1f} ms",
        f"  all offered at once (200 youngsters): service {most.achieved:.0f} updates/s, "
        f"p99 {most.p99_ms:.0f} ms",
        "  statements per update: " + ", ".join(f"{k} {v}" for k, v in statements.items()),
        "inbound, PostgreSQL, through the webhook route (klik's application in a worker "
        "process, POSTed over localhost; CPU of the worker process alone):",
        f"  CPU per update: webhook {cpu['webhook']:.2f} ms (x{hook_ratio:.2f} the asyncpg "
        f"handler); on one free core at most {1000 / cpu['webhook']:.0f} updates/s",
        f"  500/s offered ({route.updates} updates): {route.achieved:.0f}/s, p50 "
        f"{route.p50_ms:.1f} ms, p99 {route.p99_ms:.1f} ms; CPU per update: worker "
        f"{routed.worker_cpu_ms:.2f} ms, load generator {routed.generator_cpu_ms:.2f} ms",
        f"  all offered at once (200 youngsters, {CONNECTIONS} connections): "
        f"{routed_most.load.achieved:.0f} updates/s, p99 {routed_most.load.p99_ms:.0f} ms",
    ]
    figures: dict[str, object] = {
        "inbound_pg_cpu_ms_service": cpu["service"],
        "inbound_pg_cpu_ms_asyncpg": cpu["asyncpg"],
        "inbound_pg_cpu_ratio": ratio,
        "inbound_pg_cpu_bound_per_s_service": 1000 / cpu["service"],
        "inbound_pg_cpu_bound_per_s_asyncpg": 1000 / cpu["asyncpg"],
        "inbound_pg_500_offered_per_s": served.achieved,
        "inbound_pg_500_offered_p50_ms": served.p50_ms,
        "inbound_pg_500_offered_p99_ms": served.p99_ms,
        "inbound_pg_500_offered_asyncpg_p99_ms": hand.p99_ms,
        "inbound_pg_max_per_s": most.achieved,
        "inbound_pg_webhook_cpu_ms": cpu["webhook"],
        "inbound_pg_webhook_cpu_ratio": hook_ratio,
        "inbound_pg_webhook_500_offered_per_s": route.achieved,
        "inbound_pg_webhook_500_offered_p50_ms": route.p50_ms,
        "inbound_pg_webhook_500_offered_p99_ms": route.p99_ms,
        "inbound_pg_webhook_500_offered_worker_cpu_ms": routed.worker_cpu_ms,
        "inbound_pg_webhook_500_offered_generator_cpu_ms": routed.generator_cpu_ms,
        "inbound_pg_webhook_max_per_s": routed_most.load.achieved,
        "statements_per_update": statements,
    }
    return lines, figures


async def _sqlite(
    flow: IntakeFlow, rules: Rules, start: datetime, url: str
) -> tuple[list[str], dict[str, object]]:
    db = Database(url)
    clock = BenchClock(start)
    await add_team(db, start)
    try:
        service = service_handle(db, flow, rules, clock)
        await one_after_another(service, "warm", 5, clock)
        alone = await one_after_another(service, "alone", 30, clock)
        loaded = await offered_load(service, "load", 250, 100)
        most = await offered_load(service, "most", 0, 100)
    finally:
        await db.close()
    lines = [
        "inbound, SQLite, one worker:",
        f"  CPU per update {alone.cpu_ms:.2f} ms; 250/s offered: {loaded.achieved:.0f}/s, "
        f"p99 {loaded.p99_ms:.1f} ms; all at once: {most.achieved:.0f} updates/s",
    ]
    figures: dict[str, object] = {
        "inbound_sqlite_cpu_ms": alone.cpu_ms,
        "inbound_sqlite_250_offered_p99_ms": loaded.p99_ms,
        "inbound_sqlite_max_per_s": most.achieved,
    }
    return lines, figures
