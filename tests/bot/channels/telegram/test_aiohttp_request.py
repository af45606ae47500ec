"""Klik's aiohttp HTTP layer for python-telegram-bot against the Bot API stand-in over real
HTTP: Telegram's refusals reach the sender as they did through the library's default."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import aiohttp
import pytest
from telegram import Bot

from bot.channels.telegram.aiohttp_request import AiohttpRequest
from bot.channels.telegram.transport import TelegramTransport
from bot.services.render import Rendered
from bot.services.transport import TryLater, Undeliverable
from tests.support.botapi import FakeBotApi

TOKEN = "123456:TEST-token"
JO = 42
HOI = Rendered("Hoi", ())


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        stand_in.user(JO, first_name="Jo")
        yield stand_in


@pytest.fixture
async def transport(api: FakeBotApi) -> AsyncIterator[TelegramTransport]:
    request = AiohttpRequest(read_timeout=0.5)
    async with Bot(TOKEN, base_url=api.base_url, request=request) as bot:
        yield TelegramTransport(bot)


async def test_a_message_goes_out_with_its_buttons(
    api: FakeBotApi, transport: TelegramTransport
) -> None:
    await transport.deliver(str(JO), Rendered("Oké?", ((("Ja", "consent:yes"),),)))
    (sent,) = api.messages(JO)
    assert sent["text"] == "Oké?"
    assert sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "consent:yes"


async def test_too_many_requests_is_try_later_after_as_long_as_telegram_asks(
    api: FakeBotApi, transport: TelegramTransport
) -> None:
    api.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(TryLater) as refusal:
        await transport.deliver(str(JO), HOI)
    assert refusal.value.after == timedelta(seconds=7)


@pytest.mark.parametrize("status", [400, 403])
async def test_a_bad_request_or_a_blocked_bot_is_undeliverable(
    api: FakeBotApi, transport: TelegramTransport, status: int
) -> None:
    api.fail_next("sendMessage", status=status)
    with pytest.raises(Undeliverable):
        await transport.deliver(str(JO), HOI)


async def test_an_answer_that_takes_too_long_is_try_later_soon(
    api: FakeBotApi, transport: TelegramTransport
) -> None:
    api.delay_next("sendMessage", seconds=3)
    with pytest.raises(TryLater) as refusal:
        await transport.deliver(str(JO), HOI)
    assert refusal.value.after is None


async def test_telegram_out_of_reach_is_try_later_soon(
    api: FakeBotApi, transport: TelegramTransport
) -> None:
    api.go_down()
    with pytest.raises(TryLater) as refusal:
        await transport.deliver(str(JO), HOI)
    assert refusal.value.after is None


async def test_calls_one_after_another_share_one_connection(api: FakeBotApi) -> None:
    opened: list[object] = []

    async def count(*_: object) -> None:
        opened.append(1)

    tracing = aiohttp.TraceConfig()
    tracing.on_connection_create_end.append(count)
    request = AiohttpRequest(trace_configs=[tracing])
    async with Bot(TOKEN, base_url=api.base_url, request=request) as bot:
        for _ in range(5):
            await bot.send_message(chat_id=JO, text="Hoi")
    assert len(api.messages(JO)) == 5
    assert len(opened) == 1
