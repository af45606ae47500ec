"""The process application (bot/process/app.py) started in-process on a test server: the
real create_app with its database, sender, scheduler and Telegram channel; only Telegram's
HTTP side answers from memory (BotApiRequest) and the clock is the test's."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.process.app import create_app
from bot.process.config import load_settings
from flows.content import Content
from tests.bot.channels.telegram.botapi_request import BotApiRequest
from tests.conftest import Clock

TOKEN = "123456:TESTTOKENabcdefghijklmnopqrstu"
SECRET = "s3cret-for-tests-only_0123456789abcdef"
PUBLIC_URL = "https://klik.example.org"
CHAT = 515151
# Update and message ids: far from the in-process harness's (tests/bot/channels/telegram/
# test_handlers.py counts from 1), since an update id seen twice is dropped as handled.
_ids = itertools.count(1_000_000)


@dataclass
class Served:
    app: web.Application
    client: TestClient  # type: ignore[type-arg]
    request: BotApiRequest


class Serve:
    """Starts the application on the test's database, clock and content."""

    def __init__(self, database_url: str, clock: Clock, content: Content) -> None:
        self.database_url = database_url
        self.clock = clock
        self.content = content

    def __call__(self, **settings: Any) -> AbstractAsyncContextManager[Served]:
        return served(self.database_url, self.clock, self.content, **settings)


@asynccontextmanager
async def served(
    database_url: str, clock: Clock, content: Content, **settings: Any
) -> AsyncIterator[Served]:
    """The application, started and serving on a free port of 127.0.0.1."""
    request = BotApiRequest()
    # A test may take the token away (telegram_token=None): Klik without Telegram.
    given: dict[str, Any] = {
        "telegram_token": TOKEN,
        "telegram_api_base_url": "http://127.0.0.1:1/bot",
        "database_url": database_url,
        **settings,
    }
    app = create_app(
        load_settings(**given),
        request=request,
        clock=clock,
        content=content,
    )
    async with TestClient(TestServer(app)) as client:
        yield Served(app, client, request)


def webhook_settings(**more: Any) -> dict[str, Any]:
    return {
        "telegram_mode": "webhook",
        "public_url": PUBLIC_URL,
        "webhook_secret": SECRET,
        **more,
    }


def text_update(text: str, *, chat: int = CHAT, reply_to: int | None = None) -> dict[str, Any]:
    """An update as Telegram posts it: a private text message, perhaps answering (Telegram's
    "reply") the bot's message `reply_to`."""
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "text": text,
        "chat": {"id": chat, "type": "private", "first_name": "Jo"},
        "from": {"id": chat, "is_bot": False, "first_name": "Jo", "language_code": "nl"},
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    if reply_to is not None:
        message["reply_to_message"] = {
            "message_id": reply_to,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "Jo"},
            "from": {"id": 900001, "is_bot": True, "first_name": "Klik"},
            "text": "…",
        }
    return {"update_id": next(_ids), "message": message}
