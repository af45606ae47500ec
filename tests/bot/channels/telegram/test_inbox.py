"""Webhook updates through the chat queue, in-process: raw JSON as Telegram posts it, the
real Application, handlers, service and database; only the HTTP layer answers from memory."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Update

from bot.channels.telegram.inbox import TelegramInbox
from bot.services.conversation import ConversationService
from bot.services.inbox import LEASE
from bot.services.observer import Outcome, Unobserved
from bot.services.render import Renderer
from bot.services.sender import OutboxSender
from flows.intake import IntakeFlow, Rules
from storage.db import Database
from storage.inbox import store_pending
from storage.models import InboxEvent
from tests.bot.channels.telegram.botapi_request import BotApiRequest
from tests.bot.channels.telegram.wired import wired
from tests.conftest import Clock
from tests.support.statements import counting

TOKEN = "123456:TESTTOKENabcdefghijklmnopqrstu"
CHAT = 424242


def start(update_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            "chat": {"id": CHAT, "type": "private", "first_name": "Jo"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Jo", "language_code": "nl"},
        },
    }


class Webhook:
    def __init__(
        self,
        inbox: TelegramInbox,
        sender: OutboxSender,
        request: BotApiRequest,
        service: ConversationService,
    ) -> None:
        self.inbox = inbox
        self.sender = sender
        self.request = request
        self.service = service

    async def post(self, raw: dict[str, Any]) -> list[str]:
        update = Update.de_json(raw, self.inbox.bot)
        await self.inbox.receive(update, raw)
        await self.sender.drain()
        return [params["text"] for params in self.request.sent("sendMessage")]


@pytest.fixture
async def webhook(
    db: Database, flow: IntakeFlow, rules: Rules, renderer: Renderer, clock: Clock
) -> AsyncIterator[Webhook]:
    async with wired(db, flow, rules, renderer, clock) as w:
        inbox = TelegramInbox(
            db, w.application.bot, lambda u: w.handlers.handle(w.application, u), clock=clock
        )
        yield Webhook(inbox, w.sender, w.request, w.handlers.service)


async def test_a_webhook_update_is_answered_as_in_polling_mode(webhook: Webhook) -> None:
    texts = await webhook.post(start(1))
    assert texts[0].startswith("Hoi! 👋 Ik ben de bot van Klik")


async def test_an_update_posted_twice_is_answered_once(webhook: Webhook) -> None:
    once = await webhook.post(start(1))
    assert await webhook.post(start(1)) == once


async def test_a_handled_webhook_update_leaves_nothing_pending(
    webhook: Webhook, db: Database
) -> None:
    await webhook.post(start(1))
    async with db.transaction() as session:
        row = (await session.execute(select(InboxEvent))).scalar_one()
    assert (row.event_id, row.pending, row.payload) == ("tg:1", False, None)


async def test_a_free_chats_update_is_kept_and_handled_in_one_commit(
    webhook: Webhook, db: Database
) -> None:
    raw = start(1)
    with counting(db.engine) as sent:
        await webhook.inbox.receive(Update.de_json(raw, webhook.inbox.bot), raw)
    assert sent.sent.count("COMMIT") == 1, "\n".join(sent.sent)
    await webhook.sender.drain()
    assert webhook.request.sent("sendMessage")


async def another_worker_holds_update_1(db: Database, clock: Clock) -> None:
    """Update 1 of the chat stored and claimed by another worker, still busy with it."""
    async with db.transaction() as session:
        await store_pending(
            session,
            event_id="tg:1",
            channel="telegram",
            address=str(CHAT),
            seq=1,
            payload=json.dumps(start(1)),
            now=clock(),
            claimed_until=clock() + LEASE,
        )


async def test_an_update_behind_one_another_worker_holds_waits_without_an_error_message(
    webhook: Webhook, db: Database, clock: Clock
) -> None:
    await another_worker_holds_update_1(db, clock)
    assert await webhook.post(start(2)) == []
    async with db.transaction() as session:
        pending = await session.execute(select(InboxEvent.event_id).where(InboxEvent.pending))
        assert sorted(pending.scalars()) == ["tg:1", "tg:2"]
    clock.advance(seconds=LEASE.total_seconds() + 1)
    await webhook.inbox.sweep()
    await webhook.sender.drain()
    texts = [params["text"] for params in webhook.request.sent("sendMessage")]
    assert len(texts) == 2 and all(text.startswith("Hoi! 👋") for text in texts)


class Outcomes(Unobserved):
    """Keeps each update's outcome as the metrics would count it."""

    def __init__(self) -> None:
        self.outcomes: list[str] = []

    def update(self, kind: str, outcome: Outcome, seconds: float | None = None) -> None:
        self.outcomes.append(outcome)


async def test_an_update_waiting_its_turn_is_not_counted_as_failed(
    webhook: Webhook, db: Database, clock: Clock
) -> None:
    outcomes = Outcomes()
    webhook.service.observer = outcomes
    await another_worker_holds_update_1(db, clock)
    await webhook.post(start(2))
    assert outcomes.outcomes == []
    clock.advance(seconds=LEASE.total_seconds() + 1)
    await webhook.inbox.sweep()
    assert outcomes.outcomes == ["handled", "handled"]
