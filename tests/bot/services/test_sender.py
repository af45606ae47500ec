"""The outbox sender against the Bot API stand-in over real HTTP, on SQLite and PostgreSQL:
retries after rate limits and network errors, giving up, and messages in parts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import func, select
from telegram import Bot

from bot.channels.telegram.transport import TelegramTransport
from bot.services.render import Renderer
from bot.services.sender import OutboxSender
from flows.messages import Outbound
from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox import enqueue_messages
from tests.conftest import Clock
from tests.support.botapi import FakeBotApi

TOKEN = "123456:TEST-token"
JO = 42


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        stand_in.user(JO, first_name="Jo")
        yield stand_in


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url) as client:
        yield client


class Dropped(list[Outbound]):
    async def __call__(self, message: Outbound) -> None:
        self.append(message)


@pytest.fixture
def dropped() -> Dropped:
    return Dropped()


@pytest.fixture
def sender(
    db: Database, renderer: Renderer, bot: Bot, clock: Clock, dropped: Dropped
) -> OutboxSender:
    return OutboxSender(db, renderer, TelegramTransport(bot), clock=clock, on_dropped=dropped)


async def put(sender: OutboxSender, *messages: Outbound) -> None:
    async with sender.db.transaction() as session:
        await enqueue_messages(
            session,
            channel="telegram",
            address=str(JO),
            youngster_id=None,
            language="nl",
            messages=list(messages),
            now=sender.clock(),
        )


def texts(api: FakeBotApi) -> list[str]:
    return [m["text"] for m in api.messages(JO)]


async def test_a_rate_limited_message_waits_as_long_as_telegram_asks(
    api: FakeBotApi, sender: OutboxSender, clock: Clock
) -> None:
    api.rate_limit(JO, retry_after=30)
    await put(sender, Outbound("raw", {"text": "Hoi"}))
    await sender.drain()
    api.rate_limit(JO, None)
    clock.advance(seconds=29)
    await sender.drain()
    assert texts(api) == []
    clock.advance(seconds=1)
    await sender.drain()
    assert texts(api) == ["Hoi"]


async def test_after_many_network_errors_the_next_try_is_at_most_five_seconds_away(
    api: FakeBotApi, sender: OutboxSender, clock: Clock
) -> None:
    api.go_down()
    await put(sender, Outbound("raw", {"text": "Hoi"}))
    for _ in range(8):  # pauses of 1, 2, 4, then 5 seconds
        await sender.drain()
        clock.advance(seconds=5)
    api.come_back()
    await sender.drain()
    assert texts(api) == ["Hoi"]


async def test_a_message_refused_for_more_than_a_day_is_given_up_and_reported(
    api: FakeBotApi, sender: OutboxSender, clock: Clock, dropped: Dropped
) -> None:
    api.rate_limit(JO, retry_after=60)
    message = Outbound("raw", {"text": "Hoi"})
    await put(sender, message)
    await sender.drain()
    clock.advance(days=1, seconds=1)
    await sender.drain()
    assert dropped == [message]
    api.rate_limit(JO, None)
    clock.advance(minutes=5)
    await sender.drain()
    assert texts(api) == []


async def test_a_long_message_broken_off_after_its_first_part_goes_on_from_the_second(
    api: FakeBotApi, sender: OutboxSender, clock: Clock
) -> None:
    paragraphs = ["a" * 3000, "b" * 3000, "c" * 3000]
    await put(sender, Outbound("raw", {"text": "\n\n".join(paragraphs)}))
    api.fail_next("sendMessage", status=502, after=1)  # Telegram breaks after the first part
    await sender.drain()
    assert texts(api) == paragraphs[:1]
    clock.advance(seconds=1)
    await sender.drain()
    assert texts(api) == paragraphs


async def test_an_edit_too_long_for_one_message_replaces_the_earlier_one_with_its_first_part(
    api: FakeBotApi, sender: OutboxSender
) -> None:
    await put(sender, Outbound("raw", {"text": "Kort."}, tag="note:1"))
    await sender.drain()
    await put(sender, Outbound("raw", {"text": "a" * 3000 + "\n\n" + "b" * 3000}, edit="note:1"))
    await sender.drain()
    assert texts(api) == ["a" * 3000, "b" * 3000]


async def test_a_message_on_its_way_when_the_sender_stops_arrives_and_run_ends_by_itself(
    api: FakeBotApi, sender: OutboxSender, db: Database
) -> None:
    api.delay_next("sendMessage", 0.3)  # Telegram is slow to answer: the message is on its way
    await put(sender, Outbound("raw", {"text": "Hoi"}))
    running = asyncio.create_task(sender.run())
    await asyncio.to_thread(api.wait_for, lambda stand_in: len(stand_in.requests("sendMessage")))

    sender.stop(grace=10)
    await asyncio.wait_for(running, timeout=10)

    assert not running.cancelled()
    assert texts(api) == ["Hoi"]
    async with db.transaction() as session:  # marked sent: nothing left leased
        left = (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar()
    assert left == 0
