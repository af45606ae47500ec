"""Webhook mode through the real process application: Telegram's calls to the route, signed
with the secret, and what gets stored and answered."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.channels.telegram.polling import ALLOWED_UPDATES
from bot.channels.telegram.webhook import PATH, SECRET_HEADER
from bot.process.keys import SERVICE, TELEGRAM
from storage.db import Database
from storage.models import InboxEvent, OutboxMessage, Youngster
from tests.bot.served import CHAT, PUBLIC_URL, SECRET, Serve, text_update, webhook_settings

SIGNED = {SECRET_HEADER: SECRET}


async def count(database_url: str, table: Any) -> int:
    db = Database(database_url)
    async with db.transaction() as session:
        counted: int = (await session.execute(select(func.count()).select_from(table))).scalar_one()
    await db.close()
    return counted


async def test_at_start_the_webhook_is_registered_with_its_secret_updates_and_connections(
    database_url: str, serve: Serve
) -> None:
    async with serve(**webhook_settings(webhook_max_connections=7)) as it:
        (registered,) = it.request.sent("setWebhook")
    assert registered["url"] == PUBLIC_URL + PATH
    assert registered["secret_token"] == SECRET
    assert registered["allowed_updates"] == ALLOWED_UPDATES
    assert registered["max_connections"] == 7
    assert it.request.sent("deleteWebhook") == []


@pytest.mark.parametrize(
    "headers", [{}, {SECRET_HEADER: "forged"}, {SECRET_HEADER: SECRET[:-1] + "X"}]
)
async def test_a_call_without_the_right_secret_gets_401_and_nothing_is_stored(
    database_url: str, serve: Serve, headers: dict[str, str]
) -> None:
    async with serve(**webhook_settings()) as it:
        answer = await it.client.post(PATH, json=text_update("/start"), headers=headers)
        assert answer.status == 401
    assert await count(database_url, InboxEvent) == 0
    assert await count(database_url, Youngster) == 0
    assert it.request.sent("sendMessage") == []


async def test_an_update_is_answered_200_once_it_and_its_reply_are_committed(
    database_url: str, serve: Serve
) -> None:
    update = text_update("/start")
    async with serve(**webhook_settings()) as it:
        answer = await it.client.post(PATH, json=update, headers=SIGNED)
        assert answer.status == 200
        # At the 200 the handling transaction is committed: the update is in the inbox and its
        # reply in the outbox, or already sent by the sender.
        db = Database(database_url)
        async with db.transaction() as session:
            handled = await session.get(InboxEvent, f"tg:{update['update_id']}")
            waiting = (await session.execute(select(OutboxMessage.payload))).scalars().all()
        await db.close()
    assert handled is not None
    sent = [params["text"] for params in it.request.sent("sendMessage")]
    assert any('"welcome' in payload for payload in waiting) or any(
        text.startswith("Hoi! 👋") for text in sent
    )


async def test_the_same_update_posted_twice_is_handled_once(
    database_url: str, serve: Serve
) -> None:
    update = text_update("/start")
    async with serve(**webhook_settings()) as it:
        first = await it.client.post(PATH, json=update, headers=SIGNED)
        again = await it.client.post(PATH, json=update, headers=SIGNED)
        assert (first.status, again.status) == (200, 200)
    assert await count(database_url, InboxEvent) == 1


async def test_an_update_that_cannot_be_handled_gets_a_500_so_telegram_sends_it_again(
    database_url: str, serve: Serve
) -> None:
    down = Database("postgresql://nobody@127.0.0.1:1/nothing")
    async with serve(**webhook_settings()) as it:
        # The database goes away, for the service and for the inbox that stores updates.
        it.app[SERVICE].db = it.app[TELEGRAM].inbox.queue.db = down
        answer = await it.client.post(PATH, json=text_update("hallo"), headers=SIGNED)
        assert answer.status == 500
    await down.close()
    assert await count(database_url, InboxEvent) == 0


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"not json at all", "update ? (?) cannot be read; skipped"),
        (
            json.dumps({"update_id": 77, "message": {"text": "geheim", "entities": [{}]}}).encode(),
            "update 77 (message) cannot be read; skipped",
        ),
    ],
)
async def test_a_body_that_is_no_readable_update_gets_200_and_one_line_without_its_text(
    database_url: str, serve: Serve, caplog: pytest.LogCaptureFixture, body: bytes, said: str
) -> None:
    async with serve(**webhook_settings()) as it:
        with caplog.at_level(logging.WARNING):
            answer = await it.client.post(PATH, data=body, headers=SIGNED)
        assert answer.status == 200
    assert said in caplog.messages
    assert "geheim" not in caplog.text
    assert await count(database_url, InboxEvent) == 0


async def test_in_polling_mode_there_is_no_webhook_route(database_url: str, serve: Serve) -> None:
    async with serve() as it:
        answer = await it.client.post(PATH, json=text_update("/start", chat=CHAT), headers=SIGNED)
        assert answer.status == 405 or answer.status == 404
    assert it.request.sent("setWebhook") == []
