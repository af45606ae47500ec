"""Figures for the coaching side, measured through the real `klik run` process.

- From queue entry to coach notification: a youngster taps "talk to someone" on the Bot API
  stand-in; we time until the coach's offer arrives there. This includes Telegram-side
  polling, the transaction, the outbox and the sender, as a youngster and coach would see it.
- The 24-hour guard: the promise (24 open hours of mon-fri 09:00-21:00, Monday 14:00 to
  Wednesday 14:00) simulated with an injected clock; each step must fire once.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.services.conversation import ConversationService
from bot.services.guard import run_guard
from bot.services.staff import StaffService
from flows.content import load_content
from flows.hours import parse_service_hours
from flows.intake import IntakeFlow, Rules
from flows.messages import Inbound
from storage.db import Database
from storage.migrate import migrate
from storage.models import Staff, StaffContact
from tests.e2e.test_intake_e2e import free_port
from tests.support.botapi import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
COACH = 9000


def _klik(args: list[str], env: dict[str, str], cwd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.process.cli", *args], env=env, cwd=cwd, capture_output=True,
        text=True, timeout=60, check=True,
    )  # fmt: skip


def notification_latency(youngsters: int = 10) -> list[str]:
    """Seconds from the youngster's tap to the coach's offer, through the real process."""
    with tempfile.TemporaryDirectory() as folder, FakeBotApi(token=TOKEN) as api:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": f"sqlite:///{folder}/bench.db",
            "TELEGRAM_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "LOG_LEVEL": "WARNING",
            "HTTP_PORT": str(free_port()),  # not 8080: something else may be serving there
        }
        _klik(["migrate"], env, folder)
        # Lotte works every hour, so the figure does not depend on when the bench runs.
        hours = ["--hours", "mon-sun 00:00-24:00"]
        added = _klik(["coach", "add", "--name", "Lotte", "--capacity", "99", *hours], env, folder)
        code = re.search(r"/coach (KLIK(?:-\w{4}){6})", added.stdout)
        assert code is not None
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.process.cli", "run"], env=env, cwd=folder,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            api.wait_until_polling(timeout=30)
            api.user(COACH, first_name="Lotte")
            api.send_command(COACH, f"/coach {code.group(1)}")
            api.wait_for_message(COACH, contains="Welkom", timeout=20)
            seconds = []
            for n in range(youngsters):
                user = 7000 + n
                api.user(user)
                api.send_command(user, "/start")
                consent = api.wait_for_message(user, contains="Is dat oké", timeout=20)
                api.tap(user, consent["message_id"], data="consent:yes:nl:")
                age = api.wait_for_message(user, contains="Hoe oud", timeout=20)
                offers_before = sum("Nieuwe aanvraag" in m["text"] for m in api.messages(COACH))
                begin = time.perf_counter()
                api.tap(user, age["message_id"], data="talk")
                api.wait_for_message(
                    COACH, contains="Nieuwe aanvraag", count=offers_before + 1, timeout=20
                )
                seconds.append(time.perf_counter() - begin)
        finally:
            process.terminate()
            process.wait(timeout=20)
    ms = sorted(s * 1000 for s in seconds)
    return [
        f"queue entry -> coach notified (real process, stand-in, SQLite, {youngsters} youngsters): "
        f"median {statistics.median(ms):.0f} ms, max {ms[-1]:.0f} ms",
    ]


def guard_ladder() -> list[str]:
    """The promise passes with an injected clock; when each ladder step fired."""

    async def simulate() -> list[tuple[int, str, str]]:
        rules = Rules(
            24, 12, ZoneInfo("Europe/Brussels"), parse_service_hours("mon-fri 09:00-21:00")
        )
        flow = IntakeFlow(load_content(), rules)
        now = [datetime(2026, 11, 23, 13, 0, tzinfo=UTC)]
        with tempfile.TemporaryDirectory() as folder:
            db = Database(f"sqlite:///{folder}/guard.db")
            await migrate(db)
            async with db.transaction() as session:
                for role, name in (("coach", "Lotte"), ("teamlead", "Ahmed")):
                    staff = Staff(role=role, name=name, capacity=8, created_at=now[0])
                    session.add(staff)
                    await session.flush()
                    assert staff.id is not None
                    session.add(StaffContact(staff_id=staff.id, channel="telegram", address=name))
            matchteam = StaffService(flow, rules)
            service = ConversationService(db, flow, clock=lambda: now[0], matchteam=matchteam)
            for event in (
                Inbound("start"),
                Inbound("choice", choice="consent:yes:nl:"),
                Inbound("choice", choice="talk"),
            ):
                await service.handle(channel="telegram", address="y", event=event)
            start, taken = now[0], []
            for _ in range(49 * 6):  # every 10 simulated minutes, Monday 14:00 to Wednesday 15:00
                now[0] += timedelta(minutes=10)
                minute = int((now[0] - start).total_seconds() // 60)
                for _, rung, outcome in await run_guard(db, matchteam, lambda: now[0]):
                    taken.append((minute, rung, outcome))
            await db.close()
            return taken

    taken = asyncio.run(simulate())
    lines = [
        "24-hour guard, one case over 49 simulated hours, 24 of them open "
        "(after queueing: step, outcome):"
    ]
    lines += [
        f"  +{minute // 60:02d}:{minute % 60:02d}  {rung:<17} {outcome}"
        for minute, rung, outcome in taken
    ]
    return lines
