"""Telegram's errors as the log shows them: Telegram's words, never a piece of the refused text."""

from __future__ import annotations

from telegram.error import BadRequest, Forbidden, TimedOut

from bot.channels.telegram.errors import said


def test_a_refusal_is_logged_with_telegram_s_words_but_not_what_they_quote() -> None:
    error = BadRequest('Can\'t parse entities: unsupported start tag "ZEBRA-42" at byte offset 3')
    shown = said(error)
    assert shown.startswith("BadRequest: Can't parse entities: unsupported start tag")
    assert "ZEBRA" not in shown and "at byte offset 3" in shown


def test_a_network_error_is_logged_as_its_type_only() -> None:
    assert said(TimedOut("https://api.telegram.org/bot123:SECRET/sendMessage")) == "TimedOut"


def test_a_plain_refusal_keeps_its_words() -> None:
    assert said(Forbidden("Forbidden: bot was blocked by the user")) == (
        "Forbidden: bot was blocked by the user"
    )
