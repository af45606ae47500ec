"""Long polling that confirms an update only after it was handled.

python-telegram-bot's Updater confirms updates with its next getUpdates call, which can come
before the handlers have committed; a crash there would lose the message. Here an update is
confirmed only once handled (or failed for good), and the inbox table makes a redelivered
update harmless. Updates of one chat are handled in order; different chats in parallel.

Nothing Telegram answers stops the loop: an update the library cannot read is skipped (its id
and kind logged, never its text), "Too Many Requests" is waited out, and another process
polling the same token (409 Conflict) is said once and waited out until it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, Update
from telegram.error import Conflict, NetworkError, RetryAfter

from bot.channels.telegram.errors import said
from bot.channels.telegram.transport import seconds

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
FIRST_PAUSE = 0.5  # seconds; doubled after every failed round, up to max_pause


def chat_of(update: Update) -> int:
    """The chat an update belongs to; updates without one share a lane."""
    chat = update.effective_chat
    if chat is not None:
        return chat.id
    user = update.effective_user
    return user.id if user is not None else 0


async def handle_batch(
    updates: list[Update], handle: Callable[[Update], Awaitable[bool]]
) -> int | None:
    """Handle a batch, each chat in order; return the first update id that failed, if any."""
    lanes: dict[int, list[Update]] = defaultdict(list)
    for update in updates:
        lanes[chat_of(update)].append(update)

    async def lane(items: list[Update]) -> int | None:
        for update in items:
            if not await handle(update):
                return update.update_id
        return None

    failures = [
        f for f in await asyncio.gather(*(lane(i) for i in lanes.values())) if f is not None
    ]
    return min(failures) if failures else None


async def fetch_updates(bot: Bot, offset: int | None, long_poll: int) -> list[Any]:
    """One getUpdates call, as the JSON Telegram sent.

    Bot.get_updates reads the whole batch at once: one update the library cannot read fails
    them all, and it logs the batch, texts included, as CRITICAL. So the JSON is fetched here
    and each update read on its own (`read_updates`). Bot.do_api_request would fetch the same
    but warns for a method Bot has.
    """
    data = {"offset": offset, "timeout": long_poll, "allowed_updates": ALLOWED_UPDATES}
    raw = await bot._post("getUpdates", data, read_timeout=long_poll + 10)
    return raw if isinstance(raw, list) else []


def id_of(item: Any) -> int | None:
    """The update id of an update as Telegram sent it (JSON), if it has a usable one."""
    update_id = item.get("update_id") if isinstance(item, dict) else None
    return update_id if isinstance(update_id, int) and not isinstance(update_id, bool) else None


def kind_of(item: Any) -> str:
    """The update's kind ("message", "callback_query"), fit for the log."""
    keys = [k for k in item if k != "update_id"] if isinstance(item, dict) else []
    kind = keys[0] if keys else ""
    return kind if isinstance(kind, str) and kind.isidentifier() and len(kind) <= 40 else "?"


def read_update(item: Any, bot: Bot) -> Update | None:
    """One update as python-telegram-bot's Update, or None when the library cannot read it."""
    try:
        return Update.de_json(item, bot)
    except Exception:  # whatever the library trips over, one update must not stop all
        return None


def say_unreadable(item: Any) -> None:
    """Log an update that cannot be read by id and kind, never its text."""
    update_id = id_of(item)
    log.warning(
        "update %s (%s) cannot be read; skipped",
        "?" if update_id is None else update_id,
        kind_of(item),
    )


class Reader:
    """Reads each update of a batch on its own; says once which ones it had to skip."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._told: set[int] = set()

    def read(self, raw: list[Any]) -> tuple[list[Update], int | None]:
        """The updates the library can read, and the newest update id of the whole batch."""
        updates: list[Update] = []
        for item in raw:
            update = read_update(item, self.bot)
            if update is not None:
                updates.append(update)
                continue
            update_id = id_of(item)
            if update_id not in self._told:
                say_unreadable(item)
            if update_id is not None:
                self._told.add(update_id)
        ids = [i for i in map(id_of, raw) if i is not None]
        return updates, max(ids) if ids else None

    def confirmed(self, offset: int) -> None:
        """Forget skipped updates Telegram will not send again."""
        self._told = {i for i in self._told if i >= offset}


async def poll(
    bot: Bot,
    handle: Callable[[Update], Awaitable[bool]],
    *,
    stop: asyncio.Event,
    long_poll: int = 25,
    max_pause: float = 30.0,
) -> None:
    """Fetch and handle updates until `stop` is set; failed updates are fetched again."""
    offset: int | None = None
    pause = FIRST_PAUSE
    reader = Reader(bot)
    conflict = False  # another process polls this token; said once until it is over
    while not stop.is_set():
        fetch = asyncio.ensure_future(fetch_updates(bot, offset, long_poll))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
            break
        try:
            raw = fetch.result()
        except RetryAfter as refusal:
            wait = seconds(refusal.retry_after).total_seconds()
            log.warning("Telegram asks to slow down (429); polling again in %.0f s", wait)
            await _sleep(stop, wait)
            continue
        except Conflict as refusal:
            if not conflict:
                log.warning(
                    "Telegram refuses getUpdates (%s): another process polls with this bot's "
                    "token, or a webhook is set. klik waits and tries again until it stops.",
                    said(refusal),
                )
                conflict = True
            await _sleep(stop, pause)
            pause = min(pause * 2, max_pause)
            continue
        except NetworkError as error:
            log.warning("getUpdates failed (%s); trying again in %.1f s", said(error), pause)
            await _sleep(stop, pause)
            pause = min(pause * 2, max_pause)
            continue
        if conflict:
            log.info("getUpdates answers again: klik is the only one polling")
            conflict, pause = False, FIRST_PAUSE
        updates, newest = reader.read(raw)
        if newest is None:
            if raw:  # updates without an id cannot be confirmed: do not ask again at once
                await _sleep(stop, pause)
                pause = min(pause * 2, max_pause)
            continue
        failed = await handle_batch(updates, handle)
        if failed is None:
            offset = newest + 1
            pause = FIRST_PAUSE
        else:
            offset = failed
            log.warning("an update could not be handled; trying again in %.1f s", pause)
            await _sleep(stop, pause)
            pause = min(pause * 2, max_pause)
        reader.confirmed(offset)


async def _sleep(stop: asyncio.Event, delay: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=delay)
