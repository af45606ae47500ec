"""Photos between the web chat and Telegram. A coach's Telegram photo reaches a web youngster:
fetched through the bot's getFile (at most 5 MB, an image by its bytes) and kept sealed for
that chat. A web youngster's photo reaches a Telegram coach: read from its chat's sealed store
and uploaded by the Telegram transport (its `web_photos`)."""

from __future__ import annotations

import base64
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import TelegramError

from bot.channels.web.transport import MAX_PHOTO, FetchTelegram, image_type
from flows.messages import MediaRef
from storage.db import Database
from storage.web_chat import open_file

log = logging.getLogger(__name__)

# A web chat's photo's bytes by its reference, or None when it is gone (erased, purged).
WebPhotos = Callable[[MediaRef], Awaitable[bytes | None]]


def web_photos(db: Database) -> WebPhotos:
    async def read(media: MediaRef) -> bytes | None:
        async with db.transaction() as session:
            kept = await open_file(session, token=media.message_id, address=media.address)
        return None if kept is None else base64.b64decode(kept.data)

    return read


def telegram_photos(bot: Bot) -> FetchTelegram:
    """A Telegram photo's bytes: forwarded once to learn its file (Telegram gives a bot a
    message's file only through a message it holds), then getFile and download."""

    async def fetch(media: MediaRef) -> bytes | None:
        try:
            copied = await bot.forward_message(
                chat_id=int(media.address),
                from_chat_id=int(media.address),
                message_id=int(media.message_id),
                disable_notification=True,
            )
            try:
                photos = copied.photo
                if not photos:
                    return None
                largest = max(photos, key=lambda p: p.file_size or 0)
                if (largest.file_size or 0) > MAX_PHOTO:
                    return None
                file = await bot.get_file(largest.file_id)
                data = bytes(await file.download_as_bytearray())
            finally:
                await bot.delete_message(chat_id=int(media.address), message_id=copied.message_id)
        except (TelegramError, ValueError) as error:
            log.warning("event=web_photo_unfetched error=%s", type(error).__name__)
            return None
        return data if image_type(data) is not None and len(data) <= MAX_PHOTO else None

    return fetch
