"""The update the test helpers build is the one Telegram posts: one builder for the served
application and the in-process desk (tests/bot/channels/telegram/desk.py)."""

from __future__ import annotations

from telegram import Bot, Update

from tests.bot.served import TOKEN, text_update


def test_a_text_update_answering_a_message_carries_the_message_it_answers() -> None:
    data = text_update("dit is voor Sam", chat=515151, reply_to=1004)
    message = Update.de_json(data, Bot(TOKEN)).message
    assert message is not None and message.reply_to_message is not None
    assert message.reply_to_message.message_id == 1004
