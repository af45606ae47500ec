"""What the outbox sender needs of a channel: a `Transport` that delivers, edits and copies,
and the two ways it can refuse (`TryLater`, `Undeliverable`). Telegram's is
bot/channels/telegram/transport.py; the shell's is in bot/channels/shell.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from bot.services.render import Rendered
from flows.messages import MediaRef


class TryLater(Exception):
    """The channel refused for now (rate limit, network); try again after `after`. `kind`
    says how, for the metrics: "429", "network", "timeout" (observer.ERROR_KINDS)."""

    def __init__(self, after: timedelta | None = None, kind: str = "network") -> None:
        super().__init__("try later")
        self.after = after
        self.kind = kind


class Undeliverable(Exception):
    """The channel will never take this message (blocked bot, unknown chat); `kind` says
    how, for the metrics: "400", "403" (observer.ERROR_KINDS)."""

    def __init__(self, reason: str = "", kind: str = "other") -> None:
        super().__init__(reason)
        self.kind = kind


class Transport(Protocol):
    """A channel's way of delivering one rendered message to an address."""

    channel: str

    @property
    def max_text(self) -> int | None:
        """The longest text one message can carry (code points); None: no limit."""

    async def deliver(self, address: str, message: Rendered) -> str:
        """Deliver and return the channel's message id, or raise TryLater / Undeliverable."""

    async def edit(self, address: str, message_id: str, message: Rendered) -> None:
        """Replace an earlier message, or raise TryLater / Undeliverable."""

    async def copy(self, address: str, media: MediaRef) -> str:
        """Copy a message (media) from another chat, without its sender; the new message id.
        A reference this channel cannot resolve raises Undeliverable."""

    async def send_file(self, address: str, name: str, text: str) -> str:
        """Send `text` as a file named `name` to download (UTF-8); the new message id."""
