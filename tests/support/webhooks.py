"""Webhook delivery for the Bot API stand-in (tests/support/botapi.py), as Telegram does it.

Once the bot calls ``setWebhook``, queued updates are posted to its URL, oldest first, with the
``X-Telegram-Bot-Api-Secret-Token`` header; an update leaves the queue only when the bot
answers 2xx. Any other answer, or no answer, is tried again after a pause that grows (here from
0.1 s to 2 s; Telegram waits longer). Telegram demands https; klik sits behind a proxy that
ends TLS, so the stand-in posts to the address that proxy would forward to
(``FakeBotApi.forward_webhooks``).

Deliberate deviations: one update at a time (Telegram may post up to ``max_connections`` at
once), and no IP address ranges or certificates.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

JSON = dict[str, Any]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
FIRST_PAUSE, LONGEST_PAUSE = 0.1, 2.0  # seconds between tries of an update the bot refused
TIMEOUT = 30.0  # seconds the stand-in waits for the bot's answer


class WebhookRefused(ValueError):
    """setWebhook parameters Telegram refuses; the text is Telegram's description."""


@dataclass(frozen=True)
class Webhook:
    """What the bot registered with setWebhook."""

    url: str
    secret_token: str
    max_connections: int
    allowed_updates: list[str]

    @classmethod
    def from_params(cls, params: JSON) -> Webhook:
        url = str(params.get("url") or "")
        if not url.startswith("https://"):
            raise WebhookRefused("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        secret = "" if secret is None else str(secret)
        allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        if len(secret) > 256 or not set(secret) <= allowed:
            raise WebhookRefused("secret token contains unallowed characters")
        connections = params.get("max_connections", 40)
        if isinstance(connections, bool) or not isinstance(connections, int):
            raise WebhookRefused("wrong parameter max_connections")
        updates = params.get("allowed_updates")
        return cls(url, secret, min(max(connections, 1), 100), list(updates or []))


@dataclass(frozen=True)
class Delivery:
    """One post of an update to the webhook: its id and the bot's status (0: no answer)."""

    update_id: int
    status: int


def forwarded(url: str, to: str) -> str:
    """The URL the proxy in front of the bot posts to: `to` with the registered URL's path."""
    parts = urlsplit(url)
    return to.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")


async def post(url: str, update: JSON | bytes, secret: str | None) -> int:
    """Post one update (JSON, or raw bytes) as Telegram does; the status, 0 when no answer."""
    headers = {"Content-Type": "application/json"}
    if secret:
        headers[SECRET_HEADER] = secret
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as session,
            session.post(url, data=body, headers=headers) as answer,
        ):
            return answer.status
    except (aiohttp.ClientError, TimeoutError):
        return 0


@dataclass
class Pusher:
    """Posts queued updates to the webhook until stopped (runs in the stand-in's loop).

    `next_update` gives the webhook, the address to post to and the oldest queued update, or
    None when there is nothing to post; `delivered` removes an update the bot took;
    `arrived` gives the event set when something changes (a new update, a new webhook).
    """

    next_update: Callable[[], tuple[Webhook, str, JSON] | None]
    delivered: Callable[[Delivery], None]
    arrived: Callable[[], asyncio.Event]
    deliveries: list[Delivery] = field(default_factory=list)

    async def run(self) -> None:
        pause = FIRST_PAUSE
        while True:
            changed = self.arrived()  # taken before looking, so nothing slips through
            job = self.next_update()
            if job is None:
                await changed.wait()
                continue
            webhook, url, update = job
            delivery = Delivery(update["update_id"], await post(url, update, webhook.secret_token))
            self.delivered(delivery)
            if 200 <= delivery.status < 300:
                pause = FIRST_PAUSE
                continue
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
