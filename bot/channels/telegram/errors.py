"""Errors as the log may show them. Telegram's: the error type, and Telegram's own words when it
refused a request; never a network error's text, which can hold the URL with the token. Any
other: where it happened, never its message, which can quote a youngster's words."""

from __future__ import annotations

import asyncio
import logging
import re
import traceback
from collections.abc import Awaitable, Callable

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.channels.telegram.transport import error_kind, seconds
from bot.services.observer import UNOBSERVED, Observer

log = logging.getLogger(__name__)

_QUOTED = re.compile(r'"[^"]*"')


def said(error: TelegramError) -> str:
    """What Telegram answered, fit for the log ("BadRequest: chat not found", "TimedOut")."""
    if isinstance(error, RetryAfter):
        return f"RetryAfter: wait {seconds(error.retry_after).total_seconds():.0f} s"
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return type(error).__name__
    name = type(error).__name__
    # Telegram's description can quote a piece of the refused text ("Unsupported start tag
    # "..." at byte offset 3"): what it quotes stays out.
    message = _QUOTED.sub('"…"', error.message)
    return message if message.startswith(f"{name}:") else f"{name}: {message}"


def frames(error: BaseException) -> str:
    """Where an error happened, frame by frame, without its message: a database driver's
    message can quote the value it refused, a youngster's words."""
    return "".join(traceback.format_tb(error.__traceback__)).rstrip()


SHORT_WAIT = 10.0  # seconds; a tap's answer is worth waiting this long for, not longer


async def after_handling(
    what: str, call: Callable[[], Awaitable[object]], observer: Observer = UNOBSERVED
) -> None:
    """Answer a tap or update its keyboard, after the update was handled and kept.

    Telegram's refusals are sorted here, never raised: a 400 or 403 is final (the message is
    gone, the bot blocked, the query too old), so it is logged and dropped and the flow goes on;
    a 429 or a network error is waited out once, briefly, and then dropped with one warning.
    Raising would fail an update that was already handled, and it would come back forever.
    Each refusal is counted by the observer; "not modified" is none (nothing was lost).
    """
    for attempt in range(2):
        try:
            await call()
            return
        except TelegramError as error:
            if "not modified" in error.message:
                return
            observer.channel_error("tap", error_kind(error))
            pause = _pause_before_again(what, error, attempt)
            if pause is None:
                return
            await asyncio.sleep(pause)


def _pause_before_again(what: str, error: TelegramError, attempt: int) -> float | None:
    """How long to wait before trying `what` once more; None: log why it is left as it is."""
    if isinstance(error, RetryAfter):
        pause = seconds(error.retry_after).total_seconds()
        if attempt or pause > SHORT_WAIT:
            log.warning("Telegram asks to slow down (429); %s was left as it is", what)
            return None
        return pause
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        if attempt:
            log.warning("%s failed twice (%s); left as it is", what, said(error))
            return None
        return 1.0
    # BadRequest, Forbidden and any other refusal are final.
    log.info("Telegram refused %s (%s); left as it is", what, said(error))
    return None
