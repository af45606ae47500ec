"""Media copies through the Telegram transport against the Bot API stand-in (SQLite and
PostgreSQL): a channel-neutral media reference is resolved here, also the older
"<chat id>:<message id>" form an outbox row may still hold."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot

from bot.channels.telegram.transport import TelegramTransport
from bot.services.render import Renderer
from bot.services.sender import OutboxSender
from flows.messages import MediaRef, Outbound, outbound_to_json
from storage.db import Database
from storage.models import OutboxMessage
from storage.outbox import enqueue_messages
from tests.conftest import Clock
from tests.support.botapi import FakeBotApi

TOKEN = "123456:TEST-token"
JO, LOTTE = 42, 77


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        stand_in.user(JO, first_name="Jo")
        stand_in.user(LOTTE, first_name="Lotte")
        yield stand_in


@pytest.fixture
async def sender(
    db: Database, renderer: Renderer, api: FakeBotApi, clock: Clock
) -> AsyncIterator[tuple[OutboxSender, list[Outbound]]]:
    dropped: list[Outbound] = []

    async def on_dropped(message: Outbound) -> None:
        dropped.append(message)

    async with Bot(TOKEN, base_url=api.base_url) as bot:
        yield (
            OutboxSender(db, renderer, TelegramTransport(bot), clock=clock, on_dropped=on_dropped),
            dropped,
        )


def copied(api: FakeBotApi) -> list[tuple[int, int]]:
    return [
        (int(params["from_chat_id"]), int(params["message_id"]))
        for _, params in api.requests("copyMessage")
    ]


async def test_a_media_reference_is_copied_from_the_chat_it_names(
    sender: tuple[OutboxSender, list[Outbound]], api: FakeBotApi, clock: Clock
) -> None:
    voice = api.send_voice(JO)
    media = MediaRef("telegram", str(JO), str(voice["message_id"]), "voice")
    async with sender[0].db.transaction() as session:
        await enqueue_messages(
            session,
            channel="telegram",
            address=str(LOTTE),
            youngster_id=None,
            language="nl",
            messages=[Outbound("relay.copy", copy=media)],
            now=clock(),
        )
    await sender[0].drain()
    assert copied(api) == [(JO, voice["message_id"])]
    assert "voice" in api.messages(LOTTE)[-1]


async def test_an_outbox_row_with_the_older_chat_and_message_form_still_sends(
    sender: tuple[OutboxSender, list[Outbound]], api: FakeBotApi, db: Database, clock: Clock
) -> None:
    voice = api.send_voice(JO)
    payload = {**outbound_to_json(Outbound("relay.copy")), "copy": f"{JO}:{voice['message_id']}"}
    async with db.transaction() as session:
        session.add(
            OutboxMessage(
                channel="telegram",
                address=str(LOTTE),
                language="nl",
                payload=json.dumps(payload),
                created_at=clock(),
                not_before=clock(),
            )
        )
    await sender[0].drain()
    assert copied(api) == [(JO, voice["message_id"])]


async def test_media_from_another_channel_is_not_sent_as_a_telegram_copy(
    sender: tuple[OutboxSender, list[Outbound]], api: FakeBotApi, clock: Clock
) -> None:
    media = MediaRef("web", "session-1", "9", "photo")
    async with sender[0].db.transaction() as session:
        await enqueue_messages(
            session,
            channel="telegram",
            address=str(LOTTE),
            youngster_id=None,
            language="nl",
            messages=[Outbound("relay.copy", copy=media, tag="relay:1")],
            now=clock(),
        )
    await sender[0].drain()
    assert copied(api) == []
    assert [message.copy for message in sender[1]] == [media]  # the writer will be told
