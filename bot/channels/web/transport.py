"""The sender's way into the web chat: each rendered message (text, buttons, an edit, a photo,
a file) becomes a line of the chat's sealed history (storage/web_chat.py), and the live pages
of this process are woken at once (`Bell`); pages on other workers read it at their next look.
A web chat has no rate limits and no length limit, so its OutboxSender runs without limits."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.services.conversation import Clock
from bot.services.render import Rendered
from bot.services.transport import Undeliverable
from flows.messages import MediaRef
from storage.db import Database
from storage.web_chat import append, keep_file, open_file

CHANNEL = "web"
MAX_PHOTO = 5 * 1024 * 1024  # bytes; a larger photo is refused, also one a coach sends
# The kinds a browser shows; told by the file's first bytes, never by what a client claims.
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def image_type(data: bytes) -> str | None:
    """ "image/jpeg", "image/png" or "image/webp" when the bytes are one, else None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for start, kind in SIGNATURES.items() if data.startswith(start)), None)


def new_token() -> str:
    """A random name for a kept photo or file (its address in the page)."""
    return secrets.token_urlsafe(18)


class Bell:
    """Wakes the live pages of this process when a line was added to any chat."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ring(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    def mark(self) -> asyncio.Event:
        """Taken before reading the history: a ring after it (while reading) is not missed."""
        return self._event

    @staticmethod
    async def wait(mark: asyncio.Event, seconds: float) -> None:
        """Until a ring since `mark`, or `seconds` (a line written by another worker)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await mark.wait()


# A Telegram photo's bytes by its chat and message id (the Telegram channel's getFile), or
# None when it cannot be had; absent when Telegram is not configured.
FetchTelegram = Callable[[MediaRef], Awaitable[bytes | None]]


@dataclass
class WebTransport:
    """Writes what the sender renders into the chat's history."""

    db: Database
    clock: Clock
    bell: Bell
    fetch_telegram: FetchTelegram | None = None
    channel: str = CHANNEL

    @property
    def max_text(self) -> int | None:
        return None  # a page shows any length

    async def _line(
        self, address: str, kind: str, body: dict[str, Any], target: int | None = None
    ) -> str:
        async with self.db.transaction() as session:
            seq = await append(
                session, address=address, kind=kind, body=body, now=self.clock(), target=target
            )
        self.bell.ring()
        return str(seq)

    async def deliver(self, address: str, message: Rendered) -> str:
        buttons = [[[label, data] for label, data in row] for row in message.buttons]
        return await self._line(address, "bot", {"text": message.text, "buttons": buttons})

    async def edit(self, address: str, message_id: str, message: Rendered) -> None:
        if not message_id.isdigit():
            raise Undeliverable("not a web chat message", kind="400")
        buttons = [[[label, data] for label, data in row] for row in message.buttons]
        body = {"text": message.text, "buttons": buttons}
        await self._line(address, "edit", body, target=int(message_id))

    async def copy(self, address: str, media: MediaRef) -> str:
        """A photo from the youngster's own chat or from a coach on Telegram, kept sealed for
        this chat; any other kind is told plainly as something the page cannot show."""
        data = await self._photo(media)
        if data is None:
            return await self._line(address, "bot", {"notice": "media_unshown"})
        kind = image_type(data)
        if kind is None or len(data) > MAX_PHOTO:
            return await self._line(address, "bot", {"notice": "media_unshown"})
        token = new_token()
        async with self.db.transaction() as session:
            await keep_file(
                session,
                address=address,
                token=token,
                content_type=kind,
                name="",
                data=base64.b64encode(data).decode("ascii"),
                now=self.clock(),
            )
        return await self._line(address, "bot", {"photo": token})

    async def _photo(self, media: MediaRef) -> bytes | None:
        if media.channel == CHANNEL:
            async with self.db.transaction() as session:
                kept = await open_file(session, token=media.message_id, address=media.address)
            return None if kept is None else base64.b64decode(kept.data)
        if media.kind == "photo" and self.fetch_telegram is not None:
            return await self.fetch_telegram(media)
        return None

    async def send_file(self, address: str, name: str, text: str) -> str:
        """A file to download (/mijngegevens), kept sealed for this chat."""
        token = new_token()
        async with self.db.transaction() as session:
            await keep_file(
                session,
                address=address,
                token=token,
                content_type="text/plain; charset=utf-8",
                name=name[:64],
                data=base64.b64encode(text.encode("utf-8")).decode("ascii"),
                now=self.clock(),
            )
        return await self._line(address, "bot", {"file": token, "name": name[:64]})
