"""Errors as the log may show them. Telegram's: the error type, and Telegram's own words when it
refused a request; never a network error's text, which can hold the URL with the token. Any
other: where it happened, never its message, which can quote a youngster's words."""

from __future__ import annotations

import traceback

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.telegram.transport import seconds


def said(error: TelegramError) -> str:
    """What Telegram answered, fit for the log ("BadRequest: chat not found", "TimedOut")."""
    if isinstance(error, RetryAfter):
        return f"RetryAfter: wait {seconds(error.retry_after).total_seconds():.0f} s"
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return type(error).__name__
    name = type(error).__name__
    return error.message if error.message.startswith(f"{name}:") else f"{name}: {error.message}"


def frames(error: BaseException) -> str:
    """Where an error happened, frame by frame, without its message: a database driver's
    message can quote the value it refused, a youngster's words."""
    return "".join(traceback.format_tb(error.__traceback__)).rstrip()
