"""The outbox sender against the Bot API stand-in over real HTTP, on SQLite and PostgreSQL:
retries after rate limits and network errors, giving up, and messages in parts."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError
from telegram import Bot

from bot.channels.telegram.transport import LIMITS, TelegramTransport
from bot.services.render import Renderer
from bot.services.sender import OutboxSender
from flows.messages import HelpLines, Outbound
from storage.db import Database
from storage.models import OutboxMessage, SentMessage
from storage.outbox import enqueue_messages
from tests.bot.channels.telegram.botapi_request import BotApiRequest
from tests.conftest import Clock
from tests.support.botapi import FakeBotApi

TOKEN = "123456:TEST-token"
JO = 42
SECOND = timedelta(seconds=1)


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


class ErasedAfterFirstPart(TelegramTransport):
    """Delivers like Telegram; after the first part the row is deleted, as an erasure does."""

    def __init__(self, bot: Bot, db: Database) -> None:
        super().__init__(bot)
        self.db = db

    async def deliver(self, address: str, message: Any) -> str:
        delivered = await super().deliver(address, message)
        async with self.db.transaction() as session:
            await session.execute(delete(OutboxMessage))
        return delivered


async def test_a_long_message_whose_youngster_erased_everything_stops_and_remembers_nothing(
    api: FakeBotApi, db: Database, renderer: Renderer, bot: Bot, clock: Clock
) -> None:
    sender = OutboxSender(db, renderer, ErasedAfterFirstPart(bot, db), clock=clock)
    paragraphs = ["a" * 3000, "b" * 3000, "c" * 3000]
    await put(sender, Outbound("raw", {"text": "\n\n".join(paragraphs)}, tag="relay:7"))
    await sender.drain()
    async with db.transaction() as session:
        remembered = (await session.execute(select(func.count()).select_from(SentMessage))).one()
    assert texts(api) == paragraphs[:1] and remembered == (0,)


async def test_an_edit_too_long_for_one_message_replaces_the_earlier_one_with_its_first_part(
    api: FakeBotApi, sender: OutboxSender
) -> None:
    await put(sender, Outbound("raw", {"text": "Kort."}, tag="note:1"))
    await sender.drain()
    await put(sender, Outbound("raw", {"text": "a" * 3000 + "\n\n" + "b" * 3000}, edit="note:1"))
    await sender.drain()
    assert texts(api) == ["a" * 3000, "b" * 3000]


# -- pacing and order: the sender paced by Telegram's limits, time passed by the test clock --


class Recorded(BotApiRequest):
    """Answers in-process and notes when, by the test clock, each message was sent."""

    def __init__(self, clock: Clock, expected: int) -> None:
        super().__init__()
        self.clock = clock
        self.expected = expected
        self.times: list[tuple[datetime, int, str]] = []
        self.all_sent = asyncio.Event()

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        answer = await super().do_request(url, method, *args, **kwargs)
        name, params = self.calls[-1]
        if name == "sendMessage":
            self.times.append((self.clock(), int(params["chat_id"]), str(params["text"])))
            if len(self.times) >= self.expected:
                self.all_sent.set()
        return answer


async def paced(db: Database, renderer: Renderer, clock: Clock, expected: int) -> Recorded:
    """Run the sender with Telegram's limits until `expected` messages went out. Its sleeps
    move the test clock, once the sends on their way are done: sending takes no time."""
    request = Recorded(clock, expected)
    bot = Bot(TOKEN, request=request)

    async def sleep(seconds: float) -> None:
        await asyncio.gather(*outbox.on_the_way, return_exceptions=True)
        clock.advance(seconds=seconds)

    outbox = OutboxSender(
        db, renderer, TelegramTransport(bot), clock=clock, limits=LIMITS, sleep=sleep
    )
    running = asyncio.create_task(outbox.run())
    try:
        async with asyncio.timeout(120):  # a guard against a hang, never a measurement
            await request.all_sent.wait()
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    return request


async def put_to(db: Database, clock: Clock, address: int, *texts: str, key: str = "raw") -> None:
    async with db.transaction() as session:
        await enqueue_messages(
            session,
            channel="telegram",
            address=str(address),
            youngster_id=None,
            language="nl",
            messages=[Outbound(key, {"text": text}) for text in texts],
            now=clock(),
        )


async def test_the_pacing_never_sends_a_chat_two_messages_within_a_second_nor_thirty_one_in_one(
    db: Database, renderer: Renderer, clock: Clock
) -> None:
    for chat in range(40):
        await put_to(db, clock, 100 + chat, "een", "twee", "drie")
    sent = (await paced(db, renderer, clock, 120)).times
    times = [when for when, _, _ in sent]
    assert all(later - first >= SECOND for first, later in zip(times, times[30:], strict=False))
    for chat in range(40):
        mine = [when for when, to, _ in sent if to == 100 + chat]
        assert len(mine) == 3
        assert all(b - a >= SECOND for a, b in itertools.pairwise(mine))


async def test_a_crisis_reply_queued_behind_a_thousand_others_is_sent_first(
    db: Database, renderer: Renderer, clock: Clock
) -> None:
    async with db.transaction() as session:
        for chat in range(1000):
            await enqueue_messages(
                session,
                channel="telegram",
                address=str(1000 + chat),
                youngster_id=None,
                language="nl",
                messages=[Outbound("raw", {"text": f"antwoord {chat}"})],
                now=clock(),
            )
    crisis = Outbound("crisis.alert", {"help_lines": HelpLines("crisis")})
    async with db.transaction() as session:
        await enqueue_messages(
            session,
            channel="telegram",
            address="5000",
            youngster_id=None,
            language="nl",
            messages=[crisis],
            now=clock(),
        )
    sent = (await paced(db, renderer, clock, 1)).times
    assert sent[0][1] == 5000


async def test_in_a_burst_every_first_reply_goes_out_before_anyone_s_second_one(
    db: Database, renderer: Renderer, clock: Clock
) -> None:
    for chat in range(50):
        await put_to(db, clock, 100 + chat, f"eerste {chat}", f"tweede {chat}")
    sent = (await paced(db, renderer, clock, 100)).times
    order = [text.split()[0] for _, _, text in sent]
    assert order == ["eerste"] * 50 + ["tweede"] * 50


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


async def test_a_message_as_a_file_arrives_as_one_document_named_in_the_language(
    api: FakeBotApi, sender: OutboxSender
) -> None:
    words = "Mijn antwoord " * 500  # longer than one message: a file is never cut in parts
    await put(sender, Outbound("raw", {"text": words}, document="mydata.file"))
    assert await sender.drain() == 1
    (sent,) = api.messages(JO)
    assert sent["document"]["file_name"] == "klik-mijn-gegevens.txt"
    assert sent["document"]["file_size"] == len(words.encode())


class LostConnection:
    """The database losing its connection for a moment: the next `count` urgent writes (the
    delivered marks, bot/services/marks.py) fail before they reach it, as a connection does
    that dropped."""

    def __init__(self, db: Database, count: int) -> None:
        self.count = count
        self.original = {name: getattr(db, name) for name in ("transaction", "at_once")}
        for name, opened in self.original.items():
            setattr(db, name, self._failing(opened))

    def _failing(self, opened: Any) -> Any:
        @contextlib.asynccontextmanager
        async def session(*, urgent: bool = False) -> AsyncIterator[Any]:
            if urgent and self.count > 0:
                self.count -= 1
                raise OperationalError("DELETE FROM outbox", {}, ConnectionError("lost"))
            async with opened(urgent=urgent) as inside:
                yield inside

        return session


async def test_a_message_whose_mark_fails_for_a_moment_is_still_marked_and_never_sent_twice(
    api: FakeBotApi, sender: OutboxSender, db: Database, clock: Clock
) -> None:
    lost = LostConnection(db, count=2)
    await put(sender, Outbound("raw", {"text": "Hoi"}))
    await sender.drain()
    assert lost.count == 0  # both failures happened
    clock.advance(minutes=1)  # long past the lease of an unmarked message
    await sender.drain()
    assert texts(api) == ["Hoi"]
    async with db.transaction() as session:
        left = (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar()
    assert left == 0


async def test_a_commit_that_gave_only_another_channel_messages_does_not_wake_the_sender(
    api: FakeBotApi, sender: OutboxSender
) -> None:
    running = asyncio.create_task(sender.run(idle=3600))  # looks again only when woken
    await asyncio.sleep(0.2)  # its first look found the outbox empty
    await put(sender, Outbound("raw", {"text": "Hoi"}))
    sender.wake({"web"})  # the web chat got messages; the Telegram sender has nothing new
    await asyncio.sleep(0.3)
    assert texts(api) == []
    sender.wake({"telegram"})
    await asyncio.to_thread(api.wait_for, lambda stand_in: len(stand_in.requests("sendMessage")))
    sender.stop(grace=10)
    await asyncio.wait_for(running, timeout=10)
    assert texts(api) == ["Hoi"]
