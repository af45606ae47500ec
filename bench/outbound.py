"""Figures for the way out, against `bench.limited_api` (Telegram's limits enforced: 30 a
second per bot, one a second per chat, 429 beyond):

- messages a second sustained and CPU per message sent (the whole bench process: sender,
  renderer, database driver, HTTP), and how many connections that took;
- how long a crisis reply and an urgent alert to staff wait with 1,000 rows in the outbox;
- 200 youngsters sending /start within one second: time to their first reply (p50/p95/max);
- python-telegram-bot's HTTP layer: our aiohttp `BaseRequest` against the httpx default,
  CPU and wall time per call, side by side.

`python -m bench.outbound` runs only these and merges its figures into bench/results.json.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bench.keys import install_bench_key
from bench.results import keep, on_both
from bot.channels.telegram.aiohttp_request import AiohttpRequest
from bot.channels.telegram.transport import LIMITS, TelegramTransport
from bot.services.conversation import ConversationService
from bot.services.render import Renderer
from bot.services.sender import OutboxSender
from flows.content import load_content
from flows.hours import parse_service_hours
from flows.intake import IntakeFlow, Rules
from flows.messages import HelpLines, Inbound, Outbound, Param, Ref
from storage.db import Database
from storage.migrate import migrate
from storage.models import OutboxMessage
from storage.outbox import enqueue_messages

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:bench-token"


def now() -> datetime:
    return datetime.now(UTC)


class StandIn:
    """The limited stand-in in its own process."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.base_url = f"{self.url}/bot"

    def reset(self, *, limited: bool) -> None:
        urllib.request.urlopen(
            urllib.request.Request(f"{self.url}/reset?limited={int(limited)}", method="POST")
        ).read()

    def stats(self) -> dict[str, Any]:
        return json.loads(urllib.request.urlopen(f"{self.url}/stats").read())  # type: ignore[no-any-return]


@contextmanager
def stand_in() -> Iterator[StandIn]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.limited_api"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = json.loads(process.stdout.readline())["port"]
        yield StandIn(port)
    finally:
        process.terminate()
        process.wait(timeout=10)


@asynccontextmanager
async def sending(
    db: Database, renderer: Renderer, api: StandIn, request: BaseRequest | None = None
) -> AsyncIterator[OutboxSender]:
    """The sender as `klik run` has it (Telegram's limits, aiohttp), running."""
    bot = Bot(TOKEN, base_url=api.base_url, request=request or AiohttpRequest())
    async with bot:
        sender = OutboxSender(db, renderer, TelegramTransport(bot), clock=now, limits=LIMITS)
        task = asyncio.create_task(sender.run())
        try:
            yield sender
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def put(db: Database, address: str, *messages: Outbound) -> None:
    async with db.transaction() as session:
        await enqueue_messages(
            session,
            channel="telegram",
            address=address,
            youngster_id=None,
            language="nl",
            messages=list(messages),
            now=now(),
        )


async def arrived(api: StandIn, count: int) -> dict[str, Any]:
    """Wait until the stand-in took `count` messages (two minutes at most); its stats."""
    deadline = time.monotonic() + 120
    while True:
        stats = await asyncio.to_thread(api.stats)
        if len(stats["arrivals"]) >= count or time.monotonic() > deadline:
            return stats
        await asyncio.sleep(0.25)


async def sustained(db: Database, renderer: Renderer, api: StandIn) -> dict[str, float]:
    """900 messages to 450 chats, two each: rate, CPU per message, connections."""
    api.reset(limited=True)
    chats = 450
    for chat in range(chats):
        await put(
            db,
            str(10_000 + chat),
            Outbound("raw", {"text": f"Hoi {chat}"}),
            Outbound("raw", {"text": f"Nog iets {chat}"}),
        )
    cpu = time.process_time()
    async with sending(db, renderer, api):
        stats = await arrived(api, 2 * chats)
        cpu = time.process_time() - cpu
    times = [when for when, _, _ in stats["arrivals"]]
    return {
        "messages_per_s": (len(times) - 1) / (times[-1] - times[0]),
        "cpu_ms_per_message": cpu / len(times) * 1e3,
        "refused_429_bot_limit": stats["refused"]["bot"],
        "refused_429_chat_limit": stats["refused"]["chat"],
        "connections": stats["connections"],
    }


async def crisis_wait(db: Database, renderer: Renderer, api: StandIn) -> dict[str, float]:
    """A crisis reply and an urgent alert to staff, committed while 1,000 rows wait."""
    api.reset(limited=True)
    for chat in range(1000):
        await put(db, str(20_000 + chat), Outbound("raw", {"text": f"Antwoord {chat}"}))
    async with sending(db, renderer, api) as sender:
        await asyncio.sleep(1.0)  # sending at the limit, the outbox still full
        committed = time.monotonic()
        await put(db, "30001", Outbound("crisis.alert", {"help_lines": HelpLines("crisis")}))
        alert: dict[str, Param] = {"pseudonym": "Sam-4821", "signal": Ref("crisis.rule.other")}
        await put(db, "30002", Outbound("relay.urgent", alert))
        sender.wake()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            stats = await asyncio.to_thread(api.stats)
            first = {chat: when for when, chat, _ in reversed(stats["arrivals"])}
            if 30001 in first and 30002 in first:
                break
            await asyncio.sleep(0.05)
        waiting = 1000 - sum(1 for _, chat, _ in stats["arrivals"] if chat < 30000)
    return {
        "crisis_reply_wait_s": first[30001] - committed,
        "urgent_alert_wait_s": first[30002] - committed,
        "rows_still_waiting": waiting,
    }


async def start_burst(
    db: Database, flow: IntakeFlow, renderer: Renderer, api: StandIn, youngsters: int = 200
) -> dict[str, float]:
    """`youngsters` send /start within one second: seconds to each one's first reply."""
    api.reset(limited=True)
    service = ConversationService(db, flow, clock=now)
    sent: dict[int, float] = {}
    async with sending(db, renderer, api) as sender:
        service.on_outbox = sender.wake

        async def youngster(n: int) -> None:
            await asyncio.sleep(n / youngsters)
            sent[40_000 + n] = time.monotonic()
            await service.handle(
                channel="telegram", address=str(40_000 + n), event=Inbound("start")
            )

        await asyncio.gather(*(youngster(n) for n in range(youngsters)))
        handled = time.monotonic() - min(sent.values())
        stats = await arrived(api, youngsters)
    first: dict[int, float] = {}
    for when, chat, _ in stats["arrivals"]:
        first.setdefault(chat, when)
    waits = sorted(first[chat] - sent[chat] for chat in sent)
    return {
        "start_burst_p50_s": statistics.median(waits),
        "start_burst_p95_s": waits[int(len(waits) * 0.95) - 1],
        "start_burst_max_s": waits[-1],
        "start_burst_messages": len(stats["arrivals"]),
        "start_burst_all_handled_s": handled,
    }


async def request_cost(api: StandIn, calls: int = 400) -> dict[str, float]:
    """CPU and wall per sendMessage for each HTTP layer, on the same stand-in."""
    api.reset(limited=False)
    figures: dict[str, float] = {}
    for name, request in (("aiohttp", AiohttpRequest()), ("httpx", HTTPXRequest())):
        async with Bot(TOKEN, base_url=api.base_url, request=request) as bot:
            for n in range(20):  # warm up: connections open, code paths loaded
                await bot.send_message(chat_id=n, text="warm")
            cpu, wall = time.process_time(), time.perf_counter()
            for n in range(calls):
                await bot.send_message(chat_id=n, text="Hoi")
            figures[f"{name}_cpu_ms_per_call"] = (time.process_time() - cpu) / calls * 1e3
            figures[f"{name}_wall_ms_per_call"] = (time.perf_counter() - wall) / calls * 1e3
    return figures


async def on_database(
    url: str, label: str, flow: IntakeFlow, renderer: Renderer, api: StandIn
) -> dict[str, float]:
    """The three sending scenarios, each on an empty outbox."""
    figures: dict[str, float] = {}
    scenarios: tuple[Callable[[Database], Awaitable[dict[str, float]]], ...] = (
        lambda db: sustained(db, renderer, api),
        lambda db: crisis_wait(db, renderer, api),
        lambda db: start_burst(db, flow, renderer, api),
    )
    for scenario in scenarios:
        db = Database(url)
        await migrate(db)
        try:
            async with db.transaction() as session:
                await session.execute(delete(OutboxMessage))
            figures.update({f"outbound_{label}_{k}": v for k, v in (await scenario(db)).items()})
        finally:
            await db.close()
    return figures


async def measure(postgres_url: str | None) -> dict[str, float]:
    content = load_content()
    rules = Rules(24, 12, ZoneInfo("Europe/Brussels"), parse_service_hours("mon-sun 00:00-24:00"))
    flow = IntakeFlow(content, rules)
    renderer = Renderer(content, timezone=rules.timezone, country="BE")
    figures: dict[str, float] = {}
    with stand_in() as api, tempfile.TemporaryDirectory() as folder:
        figures.update(await request_cost(api))
        figures.update(
            await on_database(f"sqlite:///{folder}/out.db", "sqlite", flow, renderer, api)
        )
        if postgres_url is not None:
            figures.update(await on_database(postgres_url, "postgresql", flow, renderer, api))
    return figures


def lines(figures: dict[str, float]) -> list[str]:
    """The figures as `make bench` prints them."""
    out = [
        "Telegram HTTP layer, per sendMessage (CPU / wall):",
        f"  aiohttp BaseRequest:            {figures['aiohttp_cpu_ms_per_call']:6.2f} ms"
        f" / {figures['aiohttp_wall_ms_per_call']:.2f} ms",
        f"  httpx (PTB default):            {figures['httpx_cpu_ms_per_call']:6.2f} ms"
        f" / {figures['httpx_wall_ms_per_call']:.2f} ms",
    ]
    for label in ("sqlite", "postgresql"):
        key = f"outbound_{label}_"
        if key + "messages_per_s" not in figures:
            continue
        f = {k.removeprefix(key): v for k, v in figures.items() if k.startswith(key)}
        out += [
            f"outbound, {label} (limits 30/s, 1/s per chat):",
            f"  sustained:                      {f['messages_per_s']:6.1f} messages/s, "
            f"{f['cpu_ms_per_message']:.2f} ms CPU per message, "
            f"{f['refused_429_bot_limit']:.0f} + {f['refused_429_chat_limit']:.0f} refused "
            "(bot / chat limit), "
            f"{f['connections']:.0f} connections",
            f"  crisis reply / urgent alert, 1,000 rows waiting: {f['crisis_reply_wait_s']:.2f} s"
            f" / {f['urgent_alert_wait_s']:.2f} s "
            f"({f['rows_still_waiting']:.0f} rows still waiting)",
            f"  200 x /start in 1 s, first reply: p50 {f['start_burst_p50_s']:.2f} s, "
            f"p95 {f['start_burst_p95_s']:.2f} s, max {f['start_burst_max_s']:.2f} s "
            f"(all 200 handled after {f['start_burst_all_handled_s']:.2f} s)",
        ]
    return out


def figures_of_the_way_out() -> dict[str, float]:
    """Every figure above, on SQLite and (when reachable) PostgreSQL."""
    return on_both(measure)


def main() -> None:
    install_bench_key()
    figures = figures_of_the_way_out()
    print("\n".join(lines(figures)))
    keep(figures)


if __name__ == "__main__":
    main()
