"""The process as one aiohttp application: `create_app(settings)` builds it, `serve` runs it
(`klik run`).

Its cleanup_ctx chain opens, in order, the content (checked first, as `klik run` always did:
a broken edit is reported even without a database), the database, the flows and service on
them (runtime), the outbox sender, the scheduler (the guard) and the Telegram channel (polling
or webhook), and closes them in the opposite order: first no new updates (the one in hand
finishes its transaction), then no new jobs, then the sender stops (what it did not send stays
in the outbox for the next start), then the database closes. Without a TELEGRAM_TOKEN there is
no Telegram sender and no channel: what is queued for a Telegram chat waits in the outbox, and
in local mode a last step makes the demo accounts and their sign-in links (local_mode.py).
Nothing is built at import time; tests pass their own Bot API request and clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable

from aiohttp import web
from telegram.request import BaseRequest

from bot.channels.telegram.app import TelegramChannel, Webhook, build_application
from bot.channels.telegram.transport import LIMITS, TelegramTransport
from bot.channels.telegram.webhook import PATH, webhook_route
from bot.channels.web.setup import add_web_chat
from bot.dashboard.setup import add_dashboard
from bot.process.config import Settings
from bot.process.health import add_health_routes
from bot.process.jobs import CrisisReach, Running, ended, make_scheduler
from bot.process.keys import (
    CLOCK,
    CONTENT,
    DATABASE,
    REACH,
    RUNTIME,
    SENDER,
    SENDING_ALLOWED,
    SERVICE,
    SETTINGS,
    TELEGRAM,
    TELEGRAM_APP,
    WELCOME,
)
from bot.process.local_mode import prepare_local
from bot.process.metrics import METRICS, Metrics, add_metrics_routes
from bot.process.runtime import (
    Runtime,
    StartupError,
    content_or_refuse,
    database_or_refuse,
    utc_now,
)
from bot.services.conversation import Clock, ConversationService
from bot.services.sender import OutboxSender
from flows.content import Content

log = logging.getLogger(__name__)

# Seconds, together under the 5 s a stop may take: an HTTP request in flight (a webhook
# update) may finish, then the polled batch in hand, a guard job still running, and the
# messages on their way.
HTTP_GRACE = 1.0
UPDATE_GRACE = 1.0
JOB_GRACE = 1.0
SEND_GRACE = 1.0


def create_app(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock = utc_now,
    content: Content | None = None,
) -> web.Application:
    """The process's application; nothing is opened until it starts. `request` replaces the
    HTTP layer to Telegram (tests answer in-process), `clock` the real clock, and `content`,
    already checked, the content of CONTENT_DIR (loading it takes seconds)."""
    if settings.telegram_token is None and settings.telegram_mode == "webhook":
        # Said at start, not by the settings: without a token the mode is otherwise unused.
        raise StartupError(
            "klik: setting TELEGRAM_MODE: webhook needs TELEGRAM_TOKEN, the token from @BotFather"
        )
    app = web.Application()
    app[SETTINGS] = settings
    app[CLOCK] = clock
    if content is not None:
        app[CONTENT] = content
    app.cleanup_ctx.extend([_content, _database, _runtime])
    if settings.telegram_token is None:
        app.cleanup_ctx.extend([_scheduler, _without_telegram])
    else:
        app[TELEGRAM_APP] = build_application(
            settings.telegram_token.get_secret_value(), settings.telegram_api_base_url, request
        )
        app[SENDING_ALLOWED] = asyncio.Event()
        app.cleanup_ctx.extend([_sender, _scheduler, _telegram])
    add_health_routes(app)
    add_metrics_routes(app, Metrics())
    add_dashboard(app)
    add_web_chat(app)
    if settings.telegram_mode == "webhook":
        assert settings.webhook_secret is not None  # the settings refuse webhook mode without
        app.router.add_post(
            PATH,
            webhook_route(
                settings.webhook_secret.get_secret_value(), lambda raw: app[TELEGRAM].receive(raw)
            ),
        )
    return app


def _webhook(settings: Settings) -> Webhook | None:
    if settings.telegram_mode != "webhook":
        return None
    assert settings.public_url is not None and settings.webhook_secret is not None
    return Webhook(
        url=settings.public_url + PATH,
        secret=settings.webhook_secret.get_secret_value(),
        max_connections=settings.webhook_max_connections,
    )


async def _content(app: web.Application) -> AsyncIterator[None]:
    """The content, checked first: a broken edit is reported even without a database."""
    if CONTENT not in app:
        app[CONTENT] = content_or_refuse(app[SETTINGS])
    yield


async def _database(app: web.Application) -> AsyncIterator[None]:
    """The database, reachable and at the newest migration, or StartupError."""
    app[DATABASE] = await database_or_refuse(app[SETTINGS])
    app[METRICS].watch(app[DATABASE], app[SETTINGS].rules(), app[CLOCK])
    yield
    await app[DATABASE].close()


async def _runtime(app: web.Application) -> AsyncIterator[None]:
    """The flows and the conversation service on the content and the database."""
    runtime = Runtime.build(app[SETTINGS], app[CONTENT], app[DATABASE])
    app[RUNTIME] = runtime
    app[SERVICE] = runtime.service(clock=app[CLOCK], observer=app[METRICS])
    yield


async def _send_when_allowed(allowed: asyncio.Event, sender: OutboxSender) -> None:
    await allowed.wait()
    await sender.run()


async def _sender(app: web.Application) -> AsyncIterator[None]:
    """The outbox sender: woken after every commit, sending once the channel is open."""
    service = app[SERVICE]
    sender = OutboxSender(
        app[DATABASE],
        app[RUNTIME].renderer,
        TelegramTransport(app[TELEGRAM_APP].bot),
        clock=app[CLOCK],
        on_dropped=service.message_dropped,
        observer=app[METRICS],
        limits=LIMITS,
    )
    service.on_outbox = sender.wake
    app[SENDER] = sender
    sending = asyncio.create_task(_send_when_allowed(app[SENDING_ALLOWED], sender))
    yield
    # What was not sent stays in the outbox and goes at the next start.
    sender.stop(SEND_GRACE)
    if not app[SENDING_ALLOWED].is_set():
        sending.cancel()  # still waiting for the channel to open: nothing in hand
    await ended(sending, grace=SEND_GRACE + 0.5)


async def _scheduler(app: web.Application) -> AsyncIterator[None]:
    """The periodic jobs: the guard, the check of who a crisis would reach, the purge."""
    service = app[SERVICE]
    assert service.matchteam is not None
    reach = CrisisReach()
    app[REACH] = reach
    await reach.check(app[DATABASE], service.matchteam, app[CLOCK])  # warns if nobody
    running = Running()
    scheduler = make_scheduler(
        app[DATABASE],
        app[CLOCK],
        service.matchteam,
        lambda: _wake_senders(service),
        reach,
        running,
        app[METRICS],
        guard_every=app[SETTINGS].guard_every,
        retention=app[SETTINGS].retention(),
    )
    scheduler.start()
    yield
    # Start no new job; let one still running finish its transaction, then stop.
    scheduler.pause()
    await running.finish(JOB_GRACE)
    scheduler.shutdown(wait=False)


def _wake_senders(service: ConversationService) -> None:
    """The jobs' wake-up: every sender the service wakes after a commit (Telegram's, the web
    chat's, which wraps it later in the chain); none without either: the outbox keeps them."""
    if service.on_outbox is not None:
        service.on_outbox()


async def _without_telegram(app: web.Application) -> AsyncIterator[None]:
    """No TELEGRAM_TOKEN: said once in the log; in local mode the demo accounts and their
    sign-in links, printed by `serve` once it listens (never logged)."""
    settings = app[SETTINGS]
    log.info(
        "klik runs without Telegram (%s mode): the dashboard and the web chat only; "
        "messages for Telegram chats wait in the outbox",
        settings.mode,
    )
    if settings.mode == "local":
        app[WELCOME] = await prepare_local(app[DATABASE], app[CONTENT], settings, app[CLOCK]())
    yield


async def _telegram(app: web.Application) -> AsyncIterator[None]:
    """The Telegram channel: logged in, the bot checked, updates coming in."""
    settings = app[SETTINGS]
    channel = TelegramChannel(
        app[TELEGRAM_APP],
        app[SERVICE],
        app[RUNTIME].renderer,
        clock=app[CLOCK],
        webhook=_webhook(settings),
    )
    app[TELEGRAM] = channel
    try:
        await channel.open()
    except BaseException:  # refused, or stopped while logging in: release the connections
        await channel.close()
        raise
    app[SENDING_ALLOWED].set()
    channel.start_polling()
    yield
    await channel.close(UPDATE_GRACE)


async def _until_stopped(work: Awaitable[None], stop: asyncio.Event) -> bool:
    """Run `work` unless `stop` comes first (it is then cancelled); whether it completed."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if task.done():
        task.result()  # a StartupError goes up from here
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False


async def serve(app: web.Application, host: str, port: int) -> None:
    """Start the application and serve HTTP on host:port until SIGINT or SIGTERM.

    Not web.run_app: when one part refuses to start (another bot's database), run_app leaves
    the parts opened before it open, and an open SQLite connection keeps the process alive.
    Here every part that opened is closed, also when a signal comes while logging in.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=HTTP_GRACE)
    started = False
    try:
        started = await _until_stopped(runner.setup(), stop)
        if started:
            site = web.TCPSite(runner, host, port)
            try:
                await site.start()
            except OSError as error:
                raise StartupError(
                    f"klik: cannot serve HTTP on {host}:{port} ({error.strerror}); "
                    "set HTTP_HOST and HTTP_PORT"
                ) from None
            print(
                f"klik: serving http://{host}:{port} (/healthz, /readyz, /metrics, /dashboard)",
                flush=True,
            )
            if WELCOME in app:
                print("\n".join(app[WELCOME].lines()), flush=True)
            await stop.wait()
    finally:
        await runner.cleanup()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        if started:
            log.info("klik stopped")
