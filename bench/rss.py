"""`python -m bench.rss <database url>`: the memory of a process serving as `klik run` does
(the Telegram channel, the sender and the service loaded), after it handled 50 intakes and
/wachtrij on the database it is given. Prints {"rss_mb": ...}; bench/size.py starts it."""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import bot.channels.telegram.app
import bot.services.sender  # noqa: F401
from bench.inbound import BenchClock, add_team, one_after_another, service_handle
from bench.keys import install_bench_key
from flows.content import load_content
from flows.hours import parse_service_hours
from flows.intake import IntakeFlow, Rules
from flows.messages import Inbound
from storage.db import Database


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def serve(url: str) -> float:
    start = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    rules = Rules(24, 12, ZoneInfo("Europe/Brussels"), parse_service_hours("mon-fri 09:00-21:00"))
    flow = IntakeFlow(load_content(), rules)
    db = Database(url)
    clock = BenchClock(start)
    await add_team(db, start)
    handle = service_handle(db, flow, rules, clock)
    await one_after_another(handle, "rss", 50, clock)
    for _ in range(5):
        await handle("staff-0", Inbound("command", command="wachtrij"), secrets.token_hex(8))
    await db.close()
    return rss_mb()


if __name__ == "__main__":
    install_bench_key()
    print(json.dumps({"rss_mb": asyncio.run(serve(sys.argv[1]))}))
