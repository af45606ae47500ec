"""Telegram's errors as the log may show them: the error type, and Telegram's own words when it
refused a request; never a network error's text, which can hold the URL with the token."""

from __future__ import annotations

from telegram.error import BadRequest, NetworkError, TelegramError


def said(error: TelegramError) -> str:
    """What Telegram answered, fit for the log ("BadRequest: chat not found", "TimedOut")."""
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return type(error).__name__
    name = type(error).__name__
    return error.message if error.message.startswith(f"{name}:") else f"{name}: {error.message}"
