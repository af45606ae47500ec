"""The Telegram channel of `klik run`: the python-telegram-bot application, logging in, the
refusal of another bot's database, the command menus, and updates coming in by polling or by
webhook. The process around it (database, sender, scheduler, HTTP) is bot/process/app.py."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import Update, User
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.channels.telegram.aiohttp_request import AiohttpRequest
from bot.channels.telegram.errors import said
from bot.channels.telegram.handlers import TelegramHandlers
from bot.channels.telegram.inbox import TelegramInbox
from bot.channels.telegram.menus import set_commands
from bot.channels.telegram.polling import ALLOWED_UPDATES, poll, read_update, say_unreadable
from bot.channels.telegram.transport import CHANNEL, seconds
from bot.process.runtime import StartupError, shown_url
from bot.services.conversation import Clock, ConversationService
from bot.services.render import Renderer
from storage.bots import remember_bot

log = logging.getLogger(__name__)


def build_application(token: str, base_url: str, request: BaseRequest | None = None) -> Application:  # type: ignore[type-arg]
    """A python-telegram-bot application without its own Updater (we poll ourselves) and
    without the library's rate limiter: the outbox sender paces what it sends (30 messages a
    second, one a second per chat, `bot.channels.telegram.transport.LIMITS`), so the limiter
    was only a slower second gate.

    Calls go over aiohttp (one session, connections reused); `request` replaces that, e.g.
    with one that answers in-process in tests.
    """
    builder = Application.builder().token(token).base_url(base_url).updater(None)
    if request is None:
        request = AiohttpRequest(connect_timeout=10, read_timeout=15)
        # A long poll holds its connection for its whole timeout: it gets a pool of its own.
        polling = AiohttpRequest(connections=1, connect_timeout=10, read_timeout=15)
        return builder.request(request).get_updates_request(polling).build()
    return builder.request(request).get_updates_request(request).build()


FIRST_PAUSE, LONGEST_PAUSE = 1.0, 60.0  # seconds between tries while Telegram cannot be reached
RECHECK = timedelta(seconds=30)  # how long a getMe that answered counts as "Telegram is there"
CHECK_TIMEOUT = 5.0  # seconds a readiness check waits for getMe


async def _patiently(call: Callable[[], Awaitable[object]], again: str) -> None:
    """Make a call Telegram must answer before klik can serve. A network that is down is tried
    again with growing pauses, and "Too Many Requests" after the pause Telegram asks for,
    until it answers; cancelling (klik is told to stop) ends the wait."""
    pause = FIRST_PAUSE
    while True:
        delay = pause
        try:
            await call()
            return
        except RetryAfter as refusal:
            delay = seconds(refusal.retry_after).total_seconds()
            log.warning("Telegram asks to slow down (429); %s in %.0f s", again, delay)
        except BadRequest:
            raise  # a NetworkError in python-telegram-bot, but final: the caller says why
        except NetworkError as error:  # TimedOut is a NetworkError too
            # The type only: an error's text can hold the URL, and the URL holds the token.
            log.warning(
                "Telegram cannot be reached (%s); trying again in %.0f s",
                type(error).__name__,
                pause,
            )
            pause = min(pause * 2, LONGEST_PAUSE)
        await asyncio.sleep(delay)


async def _connect(application: Application) -> None:  # type: ignore[type-arg]
    """Log in to Telegram, patiently. A refused token is final (StartupError, one line, never
    the token)."""
    try:
        await _patiently(application.initialize, "logging in again")
    except InvalidToken:
        raise StartupError(
            "klik: Telegram refused TELEGRAM_TOKEN. Get the token again from @BotFather."
        ) from None


async def _refuse_another_bot(service: ConversationService, me: User) -> None:
    """Remember the bot at the first start; refuse (one line, never the token) to run another
    bot on this database: its chat ids would send replies through the wrong bot."""
    async with service.db.transaction() as session:
        owner = await remember_bot(
            session,
            channel=CHANNEL,
            bot_id=str(me.id),
            username=me.username or "",
            now=service.clock(),
        )
    if owner.bot_id != str(me.id):
        raise StartupError(
            f"klik: the database {shown_url(service.db.url)} belongs to the bot "
            f"@{owner.username}, not @{me.username}. Use @{owner.username}'s TELEGRAM_TOKEN, "
            f"or give @{me.username} a database of its own (DATABASE_URL)."
        )


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts updates in webhook mode, and the secret it signs them with."""

    url: str
    secret: str
    max_connections: int


class UpdateFailed(Exception):
    """An update could not be handled now (the database away, ...); it must come again."""


class TelegramChannel:
    """Telegram's side of the process: open() logs in and registers how updates come (polling
    or webhook), receive() handles one update, close() stops taking updates."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        service: ConversationService,
        renderer: Renderer,
        *,
        clock: Clock,
        webhook: Webhook | None = None,
    ) -> None:
        self.application = application
        self.service = service
        self.renderer = renderer
        self.clock = clock
        self.webhook = webhook
        self.handlers = TelegramHandlers(service, renderer)
        self.handlers.install(application)
        # Webhook mode: updates are stored, then handled in each chat's order by whichever
        # worker gets there (several may run behind a load balancer).
        self.inbox = TelegramInbox(service.db, application.bot, self.handle, clock=clock)
        self._stop = asyncio.Event()
        self._polling: asyncio.Task[None] | None = None
        self._answered: datetime | None = None  # when Telegram last answered getMe

    @property
    def mode(self) -> str:
        return "polling" if self.webhook is None else "webhook"

    async def open(self) -> None:
        """Log in, refuse another bot's database, say how updates come, set the menus."""
        await _connect(self.application)
        me = self.application.bot.bot  # logging in asked Telegram who we are
        await _refuse_another_bot(self.service, me)
        if self.webhook is None:
            try:
                await self.application.bot.delete_webhook()
            except TelegramError as error:
                # Without a webhook polling works; with one, getUpdates says so (409), in the log.
                log.warning("the webhook could not be removed (%s)", said(error))
        else:
            await self._set_webhook(self.webhook)
        try:
            await set_commands(self.application, self.renderer)
        except TelegramError as error:
            # The menu is a convenience: every command works without it.
            log.warning("the command menu could not be set (%s); klik runs without it", said(error))
        self._answered = self.clock()
        log.info("klik is running as @%s (%s)", me.username, self.mode)

    async def _set_webhook(self, webhook: Webhook) -> None:
        """Ask Telegram to post updates to the webhook; a refusal stops the start (one line,
        never the secret)."""

        async def register() -> None:
            await self.application.bot.set_webhook(
                url=webhook.url,
                secret_token=webhook.secret,
                allowed_updates=ALLOWED_UPDATES,
                max_connections=webhook.max_connections,
            )

        try:
            await _patiently(register, "setting the webhook again")
        except TelegramError as error:
            raise StartupError(
                f"klik: Telegram refused the webhook {webhook.url} ({said(error)}); "
                "check PUBLIC_URL"
            ) from None

    def start_polling(self) -> None:
        """Fetch updates from Telegram until close(); in webhook mode Telegram posts them,
        and what was left pending (by a worker that died) is looked for every few seconds."""
        if self.webhook is None:
            self._polling = asyncio.create_task(
                poll(
                    self.application.bot,
                    self.handle,
                    stop=self._stop,
                    observer=self.service.observer,
                )
            )
        else:
            self._polling = asyncio.create_task(self.inbox.run(self._stop))

    async def handle(self, update: Update) -> bool:
        """Handle one update, from polling or the webhook; False when it failed and must come
        again, True when it was handled or, failing the same way again and again, set aside.
        Every update of either mode passes here."""
        return await self.handlers.handle(self.application, update)

    async def receive(self, raw: Any) -> None:
        """One update as Telegram posted it (JSON). Returns once it is stored and, unless
        another worker is busy with its chat and handles it next, handled and committed; or
        skipped because it cannot be read (logged by id and kind; it would only come again).
        Raises UpdateFailed when it could not be stored and must come again."""
        update = read_update(raw, self.application.bot) if isinstance(raw, dict) else None
        if update is None:
            say_unreadable(raw)
            return
        try:
            await self.inbox.receive(update, raw)
        except Exception as error:  # not stored (the database away): Telegram sends it again
            log.warning(
                "update %d could not be stored (%s)", update.update_id, type(error).__name__
            )
            raise UpdateFailed(update.update_id) from None

    async def reachable(self) -> bool:
        """Whether Telegram answers: logged in, and getMe answered within RECHECK."""
        if self._answered is None:
            return False
        if self.clock() - self._answered < RECHECK:
            return True
        try:
            await asyncio.wait_for(self.application.bot.get_me(), timeout=CHECK_TIMEOUT)
        except (TelegramError, TimeoutError):
            return False
        self._answered = self.clock()
        return True

    async def close(self, grace: float = 1.0) -> None:
        """Take no new updates; polling gives the batch in hand up to `grace` seconds to
        finish (one cut off comes again: it was not confirmed). A webhook stays registered:
        Telegram keeps the updates meanwhile, or gives them to another worker."""
        self._stop.set()
        if self._polling is not None:
            _, late = await asyncio.wait({self._polling}, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
        await self.application.shutdown()
