"""Delivers rendered messages to Telegram chats, translating Telegram's refusals into
"try later" (rate limits, network) or "undeliverable" (blocked bot, unknown chat)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.services.pacing import Limits
from bot.services.render import Rendered
from bot.services.transport import TryLater, Undeliverable
from flows.messages import MediaRef

CHANNEL = "telegram"
# Telegram refuses a longer text outright. It counts code points (tdlib's utf8_length); entity
# offsets count UTF-16 units, but Klik sends plain text. The sender sends longer texts in parts.
MAX_TEXT = 4096


def is_group(address: str) -> bool:
    """Telegram's group and channel chats have negative ids."""
    return address.startswith("-")


# Telegram's limits (core.telegram.org/bots/faq): about 30 messages a second per bot, one a
# second per chat, 20 a minute per group. The sender keeps to them, so Telegram refuses nothing.
LIMITS = Limits(
    per_second=30,
    chat_gap=timedelta(seconds=1),
    group_gap=timedelta(seconds=3),
    is_group=is_group,
    margin=timedelta(milliseconds=30),
)


async def settle_tapped(bot: Bot, message: Message, text: str | None) -> None:
    """Take the keyboard off a tapped message, and replace its text when `text` is given.
    The library's edit_text would build a whole Message from Telegram's answer (about 0.3 ms
    of CPU, most of what a tap's edit costs here) that nobody reads."""
    ids = {"chat_id": message.chat_id, "message_id": message.message_id}
    if text is None:
        await bot._post("editMessageReplyMarkup", ids)
    else:
        await bot._post("editMessageText", {**ids, "text": text})


def keyboard(message: Rendered) -> InlineKeyboardMarkup | None:
    """The inline keyboard for a rendered message, if it has buttons."""
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in message.buttons
        ]
    )


def seconds(value: int | timedelta) -> timedelta:
    """Telegram's retry_after as a timedelta, whichever form the library gives."""
    return value if isinstance(value, timedelta) else timedelta(seconds=value)


class TelegramTransport:
    """The sender's way into Telegram: one sendMessage per message, or per part of one."""

    channel = CHANNEL
    max_text = MAX_TEXT

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        # A web chat's photo's bytes (bot/channels/web/photos.py), set when the web chat runs.
        self.web_photos: Callable[[MediaRef], Awaitable[bytes | None]] | None = None

    async def deliver(self, address: str, message: Rendered) -> str:
        """Send one message; raise TryLater or Undeliverable when Telegram refuses."""
        with refusals():
            # The library's send_message would build a whole Message from the answer (about
            # 0.7 ms of CPU, a quarter of a message's cost) for the one field we keep.
            sent = await self.bot._post(
                "sendMessage",
                {"chat_id": int(address), "text": message.text, "reply_markup": keyboard(message)},
            )
        return str(sent["message_id"])

    async def edit(self, address: str, message_id: str, message: Rendered) -> None:
        """Replace an earlier message's text and keyboard."""
        try:
            with refusals():
                await self.bot.edit_message_text(
                    chat_id=int(address),
                    message_id=int(message_id),
                    text=message.text,
                    reply_markup=keyboard(message),
                )
        except Undeliverable as refusal:
            # "message is not modified" means it already says this: nothing was lost.
            if "not modified" not in str(refusal):
                raise

    async def copy(self, address: str, media: MediaRef) -> str:
        """Copy a photo, voice note or file between chats without showing who sent it. A
        photo from the web chat is uploaded (sendPhoto) from its sealed store instead."""
        if media.channel == "web" and self.web_photos is not None:
            data = await self.web_photos(media)
            if data is None:  # erased or purged meanwhile
                raise Undeliverable("the web chat's photo is gone")
            with refusals():
                sent = await self.bot.send_photo(
                    chat_id=int(address), photo=InputFile(data, filename="photo")
                )
            return str(sent.message_id)
        if media.channel != CHANNEL:
            raise Undeliverable(f"cannot copy media from the {media.channel} channel")
        with refusals():
            copied = await self.bot.copy_message(
                chat_id=int(address),
                from_chat_id=int(media.address),
                message_id=int(media.message_id),
            )
        return str(copied.message_id)

    async def send_file(self, address: str, name: str, text: str) -> str:
        """Send a text as a document (sendDocument, uploaded from memory: never a file on
        disk, since it holds the youngster's words)."""
        with refusals():
            sent = await self.bot.send_document(
                chat_id=int(address), document=InputFile(text.encode("utf-8"), filename=name)
            )
        return str(sent.message_id)


def error_kind(error: BaseException) -> str:
    """How Telegram refused, in the metrics' words (bot.services.observer.ERROR_KINDS)."""
    if isinstance(error, RetryAfter):
        return "429"
    if isinstance(error, Forbidden):
        return "403"
    if isinstance(error, BadRequest):  # a NetworkError in python-telegram-bot: before it
        return "400"
    if isinstance(error, TimedOut | TimeoutError):
        return "timeout"
    if isinstance(error, NetworkError):
        return "network"
    return "other"  # e.g. 409 Conflict, 401 InvalidToken, 502 from Telegram


@contextmanager
def refusals() -> Iterator[None]:
    """Translate Telegram's refusals into the sender's TryLater and Undeliverable."""
    try:
        yield
    except RetryAfter as refusal:
        raise TryLater(seconds(refusal.retry_after), kind="429") from None
    except (Forbidden, BadRequest) as refusal:
        # BadRequest is a NetworkError in python-telegram-bot: catch it first.
        raise Undeliverable(str(refusal), kind=error_kind(refusal)) from None
    except NetworkError as refusal:
        raise TryLater(kind=error_kind(refusal)) from None
