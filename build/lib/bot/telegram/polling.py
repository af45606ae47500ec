"""Long polling that confirms an update only after it was handled.

python-telegram-bot's Updater confirms updates with its next getUpdates call, which can come
before the handlers have committed; a crash there would lose the message. Here an update is
confirmed only once handled (or failed for good), and the inbox table makes a redelivered
update harmless. Updates of one chat are handled in order; different chats in parallel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable

from telegram import Bot, Update
from telegram.error import NetworkError, RetryAfter

from bot.telegram.transport import seconds

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


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
    pause = 0.5
    while not stop.is_set():
        fetch = asyncio.ensure_future(
            bot.get_updates(
                offset=offset,
                timeout=long_poll,
                allowed_updates=ALLOWED_UPDATES,
                read_timeout=long_poll + 10,
            )
        )
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
            break
        try:
            updates = fetch.result()
        except RetryAfter as refusal:
            await _sleep(stop, seconds(refusal.retry_after).total_seconds())
            continue
        except NetworkError:
            log.warning("getUpdates failed; trying again in %.1f s", pause)
            await _sleep(stop, pause)
            pause = min(pause * 2, max_pause)
            continue
        if not updates:
            continue
        failed = await handle_batch(list(updates), handle)
        if failed is None:
            offset = updates[-1].update_id + 1
            pause = 0.5
        else:
            offset = failed
            log.warning("an update could not be handled; trying again in %.1f s", pause)
            await _sleep(stop, pause)
            pause = min(pause * 2, max_pause)


async def _sleep(stop: asyncio.Event, delay: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=delay)
