"""Inbound through the webhook route: the bench's intake updates POSTed as Telegram posts them
to the real worker (bench/webhook_worker.py: create_app in webhook mode, served by `serve` on a
localhost socket, in a child process), over one keep-alive ClientSession.

A 200 from the route means the update was kept, handled and committed with its replies in
the outbox: the route answers once ChatQueue.receive returns, which handles it at once when
its chat has nothing pending, and else drains the chat itself when no other task holds it.
Here each youngster's next update is posted only after the last one's answer, so the chat is
always free and the 200 comes after the one commit (and, for a tap,
after the tap's answer and keyboard edit went to the Bot API). `check_all_handled` confirms it
afterwards from the database: nothing pending, nothing set aside.

The worker's CPU is read from /proc for the child alone; the generator's (and the Bot API
stand-in's) CPU stays in this process and is reported apart.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import aiohttp
from aiohttp import web
from sqlalchemy import func, select
from sqlmodel import col

from bench.keys import BENCH_KEY
from bot.channels.telegram.webhook import PATH, SECRET_HEADER
from flows.messages import Inbound
from storage.db import Database
from storage.models import InboxEvent, SetAsideUpdate
from tests.e2e.test_intake_e2e import free_port

TOKEN = "123456:BENCHTOKENabcdefghijklmnopqrstu"
SECRET = "bench-webhook-secret-0123456789abcdefghij"
BOT = {"id": 900001, "is_bot": True, "first_name": "Klik", "username": "KlikBenchBot"}
CONNECTIONS = 40  # what Telegram opens at most to one webhook (the worker's default setting)
ROOT = Path(__file__).resolve().parent.parent


def _chat(chat: int) -> dict[str, Any]:
    return {"id": chat, "type": "private", "first_name": "Jo"}


def _user(chat: int) -> dict[str, Any]:
    return {"id": chat, "is_bot": False, "first_name": "Jo", "language_code": "nl"}


def telegram_update(update_id: int, chat: int, event: Inbound) -> dict[str, Any]:
    """The update Telegram would post for one of the bench's events: /start, a command and
    typed words as a message; a choice as a tap on a button of the bot's question carrying
    that data."""
    now = int(time.time())
    if event.kind == "choice":
        question = {
            "message_id": update_id,
            "date": now,
            "chat": _chat(chat),
            "from": BOT,
            "text": "Vraag",
            "reply_markup": {
                "inline_keyboard": [[{"text": "Antwoord", "callback_data": event.choice}]]
            },
        }
        tap = {
            "id": str(update_id),
            "from": _user(chat),
            "chat_instance": str(chat),
            "data": event.choice,
            "message": question,
        }
        return {"update_id": update_id, "callback_query": tap}
    command = {"start": "/start", "command": f"/{event.command}"}.get(event.kind)
    text = f"/start {event.argument}" if event.kind == "start" else command or event.text
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": now,
        "chat": _chat(chat),
        "from": _user(chat),
        "text": text,
    }
    if command:
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": update_id, "message": message}


async def _bot_api(request: web.Request) -> web.Response:
    """The Bot API as the worker calls it while handling (logging in, setWebhook, a tap's
    answer and keyboard edit): answered at once, as Telegram would."""
    method = request.match_info["method"]
    params = await request.post()
    result: Any = True
    if method == "getMe":
        result = {**BOT, "can_join_groups": False, "can_read_all_group_messages": False}
        result["supports_inline_queries"] = False
    elif method in ("editMessageText", "sendMessage"):
        chat = int(str(params.get("chat_id", 1)))
        result = {
            "message_id": int(str(params.get("message_id", 1))),
            "date": int(time.time()),
            "chat": _chat(chat),
            "from": BOT,
            "text": str(params.get("text", "")),
        }
    return web.json_response({"ok": True, "result": result})


@asynccontextmanager
async def bot_api_stand_in() -> AsyncIterator[str]:
    """A Bot API stand-in on localhost; its base URL (TELEGRAM_API_BASE_URL)."""
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", _bot_api)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        await runner.cleanup()


def _ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


@dataclass
class Worker:
    """The worker process and the webhook URL it serves."""

    process: asyncio.subprocess.Process
    url: str

    def cpu(self) -> float:
        """CPU seconds the worker used so far (user and system)."""
        return _ticks(self.process.pid) / os.sysconf("SC_CLK_TCK")


def _log_file(folder: str) -> BinaryIO:
    """Where the worker logs (its lines, one per event, cost CPU there as in production)."""
    return Path(folder, "worker.log").open("wb")  # the caller closes it


@asynccontextmanager
async def worker(
    database_url: str, api_base: str, start: datetime, profile: str | None = None
) -> AsyncIterator[Worker]:
    """`klik run`'s application in webhook mode in a child process, until it is stopped."""
    port = free_port()
    key = base64.urlsafe_b64encode(BENCH_KEY).decode().rstrip("=")
    folder = tempfile.mkdtemp(prefix="klik-bench-webhook-")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATA_KEY": key,
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api_base,
        "TELEGRAM_MODE": "webhook",
        "PUBLIC_URL": "https://klik.example.org",
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_MAX_CONNECTIONS": str(CONNECTIONS),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(port),
        "TARGETS_FILE": f"{folder}/targets.yaml",
    }
    log = _log_file(folder)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.webhook_worker",
        start.isoformat(),
        *([profile] if profile else []),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=log,
    )
    failed = True
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=120)
        if not line.startswith(b"klik: serving"):
            raise RuntimeError(f"the webhook worker did not start; see {folder}/worker.log")
        yield Worker(process, f"http://127.0.0.1:{port}{PATH}")
        failed = False
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()
        log.close()
        if not failed:  # the log is kept only to find out why a run failed
            shutil.rmtree(folder, ignore_errors=True)


class WebhookPoster:
    """The bench's Handle through the route: each event POSTed as a Telegram update, one chat
    per youngster, a new update_id each time; returns on the 200."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url
        self.chats: dict[str, int] = {}
        self.ids = itertools.count(1)
        self.posted = 0

    async def __call__(self, address: str, event: Inbound, event_id: str) -> object:
        chat = self.chats.setdefault(address, 10_000_000 + len(self.chats))
        update = telegram_update(next(self.ids), chat, event)
        headers = {SECRET_HEADER: SECRET}
        async with self.session.post(self.url, json=update, headers=headers) as answer:
            if answer.status != 200:
                raise RuntimeError(f"the webhook answered {answer.status}")
            await answer.read()
        self.posted += 1
        return None


@asynccontextmanager
async def poster(url: str) -> AsyncIterator[WebhookPoster]:
    """One keep-alive session with as many connections as Telegram would open."""
    connector = aiohttp.TCPConnector(limit=CONNECTIONS)
    async with aiohttp.ClientSession(connector=connector) as session:
        yield WebhookPoster(session, url)


async def check_all_handled(db: Database, posted: int) -> None:
    """Every update answered 200 was handled: all in the inbox, none pending, none set aside."""
    async with db.transaction() as session:
        stored = await session.scalar(
            select(func.count())
            .select_from(InboxEvent)
            .where(col(InboxEvent.event_id).like("tg:%"))
        )
        pending = await session.scalar(
            select(func.count()).select_from(InboxEvent).where(col(InboxEvent.pending))
        )
        aside = await session.scalar(select(func.count()).select_from(SetAsideUpdate))
    if (stored, pending, aside) != (posted, 0, 0):
        raise RuntimeError(
            f"webhook: {posted} answered 200, but {stored} in the inbox, {pending} pending, "
            f"{aside} set aside"
        )
