"""The Bot API stand-in's webhook: updates posted as Telegram posts them, to a small receiver
in the test standing in for the bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from telegram import Bot
from telegram.error import BadRequest

from tests.support.botapi import FakeBotApi
from tests.support.webhooks import SECRET_HEADER, Delivery

TOKEN = "123456:TEST-token"
SAM = 42
URL = "https://klik.example/telegram/webhook"


class Receiver:
    """Answers each post with the next status of `answers` (then 200) and keeps what came."""

    def __init__(self) -> None:
        self.answers: list[int] = []
        self.posts: list[tuple[str, str | None, dict[str, Any]]] = []

    async def on_post(self, request: web.Request) -> web.Response:
        self.posts.append((request.path, request.headers.get(SECRET_HEADER), await request.json()))
        return web.Response(status=self.answers.pop(0) if self.answers else 200)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as fake:
        fake.user(SAM, first_name="Sam")
        yield fake


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url) as client:
        yield client


@pytest.fixture
async def receiver(api: FakeBotApi) -> AsyncIterator[Receiver]:
    receiving = Receiver()
    app = web.Application()
    app.router.add_post("/telegram/webhook", receiving.on_post)
    server = TestServer(app)
    await server.start_server()
    api.forward_webhooks(f"http://127.0.0.1:{server.port}")
    yield receiving
    await server.close()


async def emptied(api: FakeBotApi) -> None:
    await asyncio.to_thread(api.wait_for, lambda stand_in: stand_in.pending_updates() == 0)


async def test_an_update_is_posted_to_the_webhook_with_the_secret_and_leaves_the_queue_on_200(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(URL, secret_token="s3cret-token")
    api.send_text(SAM, "hoi")

    await emptied(api)

    ((path, secret, update),) = receiver.posts
    assert (path, secret, update["message"]["text"]) == ("/telegram/webhook", "s3cret-token", "hoi")


async def test_an_update_the_bot_refuses_is_posted_again_until_it_is_taken(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    receiver.answers = [500, 503]
    await bot.set_webhook(URL, secret_token="s3cret-token")
    sent = api.send_text(SAM, "hoi")

    await emptied(api)

    update_id = receiver.posts[0][2]["update_id"]
    assert api.webhook_deliveries() == [
        Delivery(update_id, 500),
        Delivery(update_id, 503),
        Delivery(update_id, 200),
    ]
    assert all(post[2]["message"]["message_id"] == sent["message_id"] for post in receiver.posts)


async def test_the_webhook_info_tells_the_connections_and_updates_registered(
    bot: Bot, api: FakeBotApi
) -> None:
    await bot.set_webhook(URL, max_connections=7, allowed_updates=["message"])

    info = await bot.get_webhook_info()

    assert (info.url, info.max_connections, info.allowed_updates) == (URL, 7, ("message",))


async def test_a_secret_with_characters_telegram_does_not_allow_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)secret token contains unallowed characters"):
        await bot.set_webhook(URL, secret_token="not allowed!")


async def test_post_to_webhook_delivers_one_call_with_the_secret_a_test_chooses(
    api: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(URL, secret_token="s3cret-token")

    status = await asyncio.to_thread(api.post_to_webhook, {"update_id": 1}, secret="forged")

    assert status == 200
    assert receiver.posts == [("/telegram/webhook", "forged", {"update_id": 1})]
