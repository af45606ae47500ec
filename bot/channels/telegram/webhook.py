"""The route Telegram posts updates to in webhook mode.

Only Telegram knows the secret (given with setWebhook), so a call without it is refused (401)
before anything is read or stored. An update is answered 200 only once it is handled and its
transaction committed; when it could not be handled (the database away), 500 makes Telegram
send it again, and the inbox makes the repeat harmless. A body that is no update is logged by
id and kind and answered 200, as polling skips it: Telegram would otherwise resend it forever.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.channels.telegram.app import UpdateFailed

log = logging.getLogger(__name__)

PATH = "/telegram/webhook"  # PUBLIC_URL + PATH is what Telegram is given
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Receive = Callable[[Any], Awaitable[None]]
Route = Callable[[web.Request], Awaitable[web.Response]]


def webhook_route(secret: str, receive: Receive) -> Route:
    """The request handler: checks the secret, then hands the update to `receive`."""
    expected = secret.encode()

    async def on_update(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        # In constant time: how far a guess matches must not show in the time it takes.
        if not hmac.compare_digest(given, expected):
            log.warning("a webhook call without the right secret was refused (401)")
            return web.Response(status=401)
        body = await request.read()
        try:
            raw = json.loads(body)
        except ValueError:  # also a body that is not UTF-8
            raw = None
        try:
            await receive(raw)
        except UpdateFailed:
            return web.Response(status=500)  # Telegram sends it again, with growing pauses
        return web.Response(status=200)

    return on_update
