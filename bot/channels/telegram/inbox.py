"""Webhook updates through the chat queue (bot/services/inbox.py): each raw update is stored
before Telegram hears it arrived, then handled by the same handlers as in polling mode, in
its chat's update order, whichever worker behind the load balancer received it."""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.channels.telegram.handlers import TelegramHandlers
from bot.channels.telegram.polling import chat_of, id_of, raw_kind
from bot.channels.telegram.transport import CHANNEL
from bot.services.conversation import Clock
from bot.services.inbox import ChatQueue
from storage.db import Database

log = logging.getLogger(__name__)


class TelegramInbox:
    """Receives Telegram's raw updates (webhook) and hands them to the handlers in order."""

    def __init__(
        self,
        db: Database,
        application: Application,  # type: ignore[type-arg]
        handlers: TelegramHandlers,
        *,
        clock: Clock,
    ) -> None:
        self.application = application
        self.handlers = handlers
        self.queue = ChatQueue(db, channel=CHANNEL, handle=self._handle, clock=clock)

    async def receive(self, raw: dict[str, Any]) -> None:
        """Store one update and handle its chat's pending updates; raises only when the update
        could not be stored (Telegram must send it again). An update the library cannot read
        is skipped, its id and kind logged, never its text."""
        update = self._read(raw)
        if update is None:
            update_id = id_of(raw)
            log.warning(
                "update %s (%s) cannot be read; skipped",
                "?" if update_id is None else update_id,
                raw_kind(raw),
            )
            return
        await self.queue.receive(
            event_id=f"tg:{update.update_id}",
            address=str(chat_of(update)),
            seq=update.update_id,
            payload=json.dumps(raw, ensure_ascii=False),
        )

    async def sweep(self) -> int:
        """Handle what was left pending (a worker died, a handling failed); how many."""
        return await self.queue.sweep()

    async def run(self) -> None:
        """Sweep every few seconds, forever."""
        await self.queue.run()

    def _read(self, raw: dict[str, Any]) -> Update | None:
        try:
            update = Update.de_json(raw, self.application.bot)
        except Exception:  # whatever the library trips over, one update must not stop all
            return None
        return update if isinstance(update, Update) else None

    async def _handle(self, payload: str) -> bool:
        update = self._read(json.loads(payload))
        if update is None:
            return True  # stored once it was readable; nothing left to do with it
        return await self.handlers.handle(self.application, update)
