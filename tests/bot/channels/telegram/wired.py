"""The Telegram channel wired to the real service and sender over an in-process Bot API
request: what the handler and inbox tests both start from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from telegram.ext import Application

from bot.channels.telegram.app import build_application
from bot.channels.telegram.handlers import TelegramHandlers
from bot.channels.telegram.transport import TelegramTransport
from bot.services.conversation import ConversationService
from bot.services.render import Renderer
from bot.services.sender import OutboxSender
from bot.services.staff import StaffService
from flows.intake import IntakeFlow, Rules
from storage.db import Database
from tests.bot.channels.telegram.botapi_request import BotApiRequest
from tests.conftest import Clock

TOKEN = "123456:TESTTOKENabcdefghijklmnopqrstu"


@dataclass
class Wired:
    application: Application  # type: ignore[type-arg]
    handlers: TelegramHandlers
    sender: OutboxSender
    request: BotApiRequest


@asynccontextmanager
async def wired(
    db: Database, flow: IntakeFlow, rules: Rules, renderer: Renderer, clock: Clock
) -> AsyncIterator[Wired]:
    """Handlers installed on a running application; the sender delivers through it."""
    request = BotApiRequest()
    application = build_application(TOKEN, "http://127.0.0.1:1/bot", request=request)
    sender = OutboxSender(db, renderer, TelegramTransport(application.bot), clock=clock)
    service = ConversationService(db, flow, clock=clock, matchteam=StaffService(flow, rules))
    handlers = TelegramHandlers(service, renderer)
    handlers.install(application)
    async with application:
        yield Wired(application, handlers, sender, request)
