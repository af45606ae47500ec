"""`add_web_chat(app)`: the web chat on the process's application. Its routes under /chat, the
headers every chat response gets (a strict CSP: nothing from elsewhere, no inline script), and
its own cleanup_ctx step: the web channel's OutboxSender (no limits: a page takes any number
of lines), started after the runtime step; it sends whether Telegram is configured or not."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from pathlib import Path

from aiohttp import web

from bot.channels.telegram.transport import TelegramTransport
from bot.channels.web.chat import Refused, WebChat
from bot.channels.web.files import Files
from bot.channels.web.live import Live
from bot.channels.web.messages import Messages
from bot.channels.web.page import Page
from bot.channels.web.photos import telegram_photos, web_photos
from bot.channels.web.transport import Bell, WebTransport
from bot.process.jobs import ended
from bot.process.keys import CLOCK, DATABASE, RUNTIME, SENDER, SERVICE, TELEGRAM_APP
from bot.process.metrics import METRICS
from bot.services.sender import OutboxSender

HERE = Path(__file__).parent
CHAT = web.AppKey("web_chat", WebChat)
WEB_SENDER = web.AppKey("web_sender", OutboxSender)
SEND_GRACE = 1.0

# Nothing from elsewhere: the page's style, script, photos and its WebSocket are this
# process's; no frames, no forms to other sites, no inline script or style.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@web.middleware
async def chat_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """The CSP, no referrer (the page's address travels nowhere), no framing, no caching of
    anything a shared computer could show again; a route's `Refused` told in the page's
    words."""
    try:
        response = await handler(request)
    except Refused as refused:  # in the page's words (content/), never the code's
        response = request.app[CHAT].refuse(request, refused.reason, refused.status)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed) as refused:
        if not _in_chat(request):
            raise
        # An address typed or kept wrongly: plain words, as a browser shows them.
        chat = request.app[CHAT]
        said = chat.say("chat.not_found", chat.language(request))
        allow = {"Allow": refused.headers["Allow"]} if "Allow" in refused.headers else {}
        response = web.Response(text=said, status=refused.status, headers=allow)
    except web.HTTPException as refused:  # a refusal gets the same headers
        _protect(request, refused)
        raise
    _protect(request, response)
    return response


def _in_chat(request: web.Request) -> bool:
    return request.path == "/chat" or request.path.startswith("/chat/")


def _protect(request: web.Request, response: web.StreamResponse) -> None:
    if not _in_chat(request):
        return
    if response.prepared:  # a WebSocket, already under way
        return
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    if not request.path.startswith("/chat/static/"):
        response.headers["Cache-Control"] = "no-store"


async def _web_sender(app: web.Application) -> AsyncIterator[None]:
    """The web channel's outbox sender; the service wakes it after every commit too."""
    service = app[SERVICE]
    chat = app[CHAT]
    telegram = app[TELEGRAM_APP].bot if TELEGRAM_APP in app else None
    transport = WebTransport(
        app[DATABASE],
        app[CLOCK],
        chat.bell,
        fetch_telegram=telegram_photos(telegram) if telegram is not None else None,
    )
    sender = OutboxSender(
        app[DATABASE],
        app[RUNTIME].renderer,
        transport,
        clock=app[CLOCK],
        on_dropped=service.message_dropped,
        observer=app[METRICS],
    )
    app[WEB_SENDER] = sender
    earlier = service.on_outbox

    def wake_both(channels: Collection[str] | None = None) -> None:
        if earlier is not None:
            earlier(channels)
        sender.wake(channels)

    service.on_outbox = wake_both
    telegram_transport = app[SENDER].transport if SENDER in app else None
    if isinstance(telegram_transport, TelegramTransport):
        # A photo from a web youngster reaches a Telegram coach as an upload.
        telegram_transport.web_photos = web_photos(app[DATABASE])
    sending = asyncio.create_task(sender.run())
    yield
    sender.stop(SEND_GRACE)
    await ended(sending, grace=SEND_GRACE + 0.5)


def add_web_chat(app: web.Application) -> None:
    """The chat's routes, headers and sender on `app`; call after its runtime step is in the
    cleanup_ctx chain."""
    chat = WebChat(app, Bell())
    app[CHAT] = chat
    app.middlewares.append(chat_headers)
    app.cleanup_ctx.append(_web_sender)
    for part in (Page(chat), Messages(chat), Live(chat), Files(chat)):
        app.router.add_routes(part.routes())
    app.router.add_static("/chat/static/", HERE / "static")
