"""What the process application holds, as typed keys: bot/process/app.py fills them while the
application starts (in its cleanup_ctx chain); routes read them from `request.app`."""

from __future__ import annotations

import asyncio

from aiohttp import web
from telegram.ext import Application

from bot.channels.telegram.app import TelegramChannel
from bot.process.config import Settings
from bot.process.jobs import CrisisReach
from bot.process.local_mode import Welcome
from bot.process.runtime import Runtime
from bot.services.conversation import Clock, ConversationService
from bot.services.sender import OutboxSender
from flows.content import Content
from storage.db import Database

# Given to create_app.
SETTINGS = web.AppKey("settings", Settings)
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
CONTENT = web.AppKey("content", Content)  # given, or loaded and checked first at start
# Only with a TELEGRAM_TOKEN (so are SENDING_ALLOWED, SENDER and TELEGRAM).
TELEGRAM_APP: web.AppKey[Application] = web.AppKey("telegram_app")  # type: ignore[type-arg]
# Set once the Telegram channel logged in and the database is its bot's: only then may the
# sender send (never another bot's replies through this token).
SENDING_ALLOWED = web.AppKey("sending_allowed", asyncio.Event)
# Filled in order while the application starts.
DATABASE = web.AppKey("database", Database)
RUNTIME = web.AppKey("runtime", Runtime)
SERVICE = web.AppKey("service", ConversationService)
SENDER = web.AppKey("sender", OutboxSender)
REACH = web.AppKey("reach", CrisisReach)
TELEGRAM = web.AppKey("telegram", TelegramChannel)
# Local mode only: what `serve` prints once it listens (the demo accounts' sign-in links).
WELCOME = web.AppKey("welcome", Welcome)
