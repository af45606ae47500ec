"""The Telegram side of `klik run`: the python-telegram-bot application, the command menu per
language, the outbox sender and the polling loop, started and stopped together."""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram import User
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.channels.telegram.aiohttp_request import AiohttpRequest
from bot.channels.telegram.errors import said
from bot.channels.telegram.handlers import TelegramHandlers
from bot.channels.telegram.menus import set_commands
from bot.channels.telegram.polling import poll
from bot.channels.telegram.transport import CHANNEL, seconds
from bot.process.jobs import CrisisReach, make_scheduler
from bot.process.runtime import StartupError, shown_url
from bot.services.conversation import ConversationService
from bot.services.render import Renderer
from bot.services.sender import OutboxSender
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
JOB_GRACE = 5.0  # seconds a running job may take to finish when klik stops


async def _connect(application: Application, stop: asyncio.Event) -> bool:  # type: ignore[type-arg]
    """Log in to Telegram. A refused token is final (StartupError, one line, never the
    token); a network that is down is tried again with growing pauses, and "Too Many
    Requests" after the pause Telegram asks for, until it answers (True) or the process is
    told to stop (False)."""
    pause = FIRST_PAUSE
    while True:
        delay = pause
        try:
            await application.initialize()
            return True
        except InvalidToken:
            raise StartupError(
                "klik: Telegram refused TELEGRAM_TOKEN. Get the token again from @BotFather."
            ) from None
        except RetryAfter as refusal:
            delay = seconds(refusal.retry_after).total_seconds()
            log.warning("Telegram asks to slow down (429); logging in again in %.0f s", delay)
        except NetworkError as error:  # TimedOut is a NetworkError too
            # The type only: an error's text can hold the URL, and the URL holds the token.
            log.warning(
                "Telegram cannot be reached (%s); trying again in %.0f s",
                type(error).__name__,
                pause,
            )
            pause = min(pause * 2, LONGEST_PAUSE)
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
            return False
        except TimeoutError:
            pass


async def _finish_tasks() -> None:
    """Wait for every other task, cancelling those that take longer than JOB_GRACE; look again
    for a task one of them started meanwhile."""
    for _ in range(3):
        running = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if not running:
            return
        _, stuck = await asyncio.wait(running, timeout=JOB_GRACE)
        for task in stuck:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)


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


async def run_telegram(
    application: Application,  # type: ignore[type-arg]
    service: ConversationService,
    sender: OutboxSender,
    renderer: Renderer,
) -> None:
    """Run until SIGINT or SIGTERM: send what the outbox holds, poll and handle updates."""
    handlers = TelegramHandlers(service, renderer)
    handlers.install(application)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    if not await _connect(application, stop):
        return
    try:
        me = application.bot.bot  # logging in asked Telegram who we are
        await _refuse_another_bot(service, me)
        try:
            await application.bot.delete_webhook()
        except TelegramError as error:
            # Without a webhook polling works; with one, getUpdates says so (409), in the log.
            log.warning("the webhook could not be removed (%s)", said(error))
        try:
            await set_commands(application, renderer)
        except TelegramError as error:
            # The menu is a convenience: every command works without it.
            log.warning("the command menu could not be set (%s); klik runs without it", said(error))
        sending = asyncio.create_task(sender.run())
        assert service.matchteam is not None
        reach = CrisisReach()
        await reach.check(service.db, service.matchteam, service.clock)  # warns if nobody
        scheduler = make_scheduler(service.db, service.clock, service.matchteam, sender.wake, reach)
        scheduler.start()
        log.info("klik is running as @%s (polling)", me.username)
        try:
            await poll(
                application.bot,
                lambda update: handlers.handle(application, update),
                stop=stop,
            )
        finally:
            # Start no new job and stop the sender; give a job still running a moment to finish
            # its transaction (shutting the scheduler down would cancel it, and APScheduler logs
            # a cancelled job as an error), cancel what is left, and wait for all while the loop
            # still runs: each closes its database connection on the way out. A connection left
            # open keeps its (non-daemon) SQLite thread, and the process, alive.
            scheduler.pause()
            sending.cancel()
            await _finish_tasks()
            scheduler.shutdown(wait=False)
    finally:
        await application.shutdown()
        log.info("klik stopped")
