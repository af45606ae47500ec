"""Photos between the web chat and Telegram, and what the web chat cannot show: the web
transport against the real database, the Telegram transport against the Bot API stand-in."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator

import pytest
from telegram import Bot

from bot.channels.telegram.transport import TelegramTransport
from bot.channels.web.photos import web_photos
from bot.channels.web.transport import Bell, WebTransport
from bot.services.render import Renderer
from bot.services.sender import OutboxSender
from flows.messages import MediaRef, Outbound
from storage.db import Database
from storage.outbox import enqueue_messages
from storage.web_chat import history, keep_file, open_file
from tests.bot.channels.web.test_chat_files import png
from tests.conftest import Clock
from tests.support.botapi import FakeBotApi

TOKEN = "123456:TEST-token"
LOTTE = 77
CHAT = "wTestChatAddress0001"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        stand_in.user(LOTTE, first_name="Lotte")
        yield stand_in


async def test_a_photo_from_a_web_youngster_reaches_a_telegram_coach_as_an_upload(
    db: Database, renderer: Renderer, api: FakeBotApi, clock: Clock
) -> None:
    async with db.transaction() as session:
        await keep_file(
            session,
            address=CHAT,
            token="photo-token-1",
            content_type="image/png",
            name="",
            data=base64.b64encode(png()).decode("ascii"),
            now=clock(),
        )
        await enqueue_messages(
            session,
            channel="telegram",
            address=str(LOTTE),
            youngster_id=None,
            language="nl",
            messages=[Outbound("relay.copy", copy=MediaRef("web", CHAT, "photo-token-1", "photo"))],
            now=clock(),
        )
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        transport = TelegramTransport(bot)
        transport.web_photos = web_photos(db)
        assert await OutboxSender(db, renderer, transport, clock=clock).drain() == 1
    assert len(api.requests("sendPhoto")) == 1
    assert "photo" in api.messages(LOTTE)[-1]


async def test_a_voice_note_from_a_coach_is_told_plainly_on_the_web(
    db: Database, clock: Clock
) -> None:
    transport = WebTransport(db, clock, Bell())
    await transport.copy(CHAT, MediaRef("telegram", str(LOTTE), "5", "voice"))
    async with db.transaction() as session:
        [line] = await history(session, address=CHAT, after=0)
    assert line.body == {"notice": "media_unshown"}


async def test_a_photo_from_a_telegram_coach_is_kept_for_the_web_youngster_alone(
    db: Database, clock: Clock
) -> None:
    async def fetched(media: MediaRef) -> bytes | None:
        return png() if media.message_id == "5" else None

    transport = WebTransport(db, clock, Bell(), fetch_telegram=fetched)
    await transport.copy(CHAT, MediaRef("telegram", str(LOTTE), "5", "photo"))
    async with db.transaction() as session:
        [line] = await history(session, address=CHAT, after=0)
        kept = await open_file(session, token=line.body["photo"], address=CHAT)
        elsewhere = await open_file(session, token=line.body["photo"], address="wOther000000000001")
    assert kept is not None and base64.b64decode(kept.data) == png()
    assert elsewhere is None


async def test_a_telegram_photo_that_is_no_image_is_told_plainly(
    db: Database, clock: Clock
) -> None:
    async def fetched(media: MediaRef) -> bytes | None:
        return b"<html>not a photo</html>"

    transport = WebTransport(db, clock, Bell(), fetch_telegram=fetched)
    await transport.copy(CHAT, MediaRef("telegram", str(LOTTE), "5", "photo"))
    async with db.transaction() as session:
        [line] = await history(session, address=CHAT, after=0)
    assert line.body == {"notice": "media_unshown"}


async def test_a_ring_while_the_history_is_read_is_not_missed() -> None:
    bell = Bell()
    mark = bell.mark()
    bell.ring()  # a line written between reading the history and waiting
    async with asyncio.timeout(1):
        await Bell.wait(mark, 60)
