"""Webhook updates through the chat queue (bot/services/inbox.py): each update is kept, as
handled or as pending, before Telegram hears it arrived, and handled by the same handlers as
in polling mode, in its chat's update order, whichever worker behind the load balancer
received it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from telegram import Bot, Update

from bot.channels.telegram.polling import chat_of, read_update
from bot.channels.telegram.transport import CHANNEL
from bot.services.conversation import Clock
from bot.services.inbox import ChatQueue
from storage.db import Database


class TelegramInbox:
    """Stores Telegram's updates (webhook) and hands them to the handlers in chat order."""

    def __init__(
        self, db: Database, bot: Bot, handle: Callable[[Update], Awaitable[bool]], *, clock: Clock
    ) -> None:
        self.bot = bot
        self.handle = handle
        self.queue = ChatQueue(db, channel=CHANNEL, handle=self._handle, clock=clock)

    async def receive(self, update: Update, raw: dict[str, Any]) -> None:
        """Handle one update at once when its chat has nothing pending, else store it and
        handle its chat's pending updates in order (raises when it cannot be kept: Telegram
        must send it again); a failure is tried again by the sweep."""
        await self.queue.receive(
            event_id=f"tg:{update.update_id}",
            address=str(chat_of(update)),
            seq=update.update_id,
            payload=json.dumps(raw, ensure_ascii=False),
            handle_now=partial(self.handle, update),
        )

    async def sweep(self) -> int:
        """Handle what was left pending (a worker died, a handling failed); how many."""
        return await self.queue.sweep()

    async def run(self, stop: asyncio.Event) -> None:
        """Sweep every few seconds until `stop` is set."""
        await self.queue.run(stop)

    async def _handle(self, payload: str) -> bool:
        update = read_update(json.loads(payload), self.bot)
        if update is None:
            return True  # it was readable when it was stored; nothing left to do with it
        return await self.handle(update)
