"""The Bot API stand-in, exercised with the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from tests.support.botapi import FakeBotApi

TOKEN = "123456:TEST-token"
SAM = 42  # a young person
COACH = 77

KLIK = {"id": 123456, "is_bot": True, "first_name": "Klik", "username": "klik_test_bot"}


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as fake:
        fake.user(SAM, first_name="Sam", username="sam_k")
        yield fake


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url) as client:
        yield client


def talk_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Ja", callback_data="talk:yes"),
                InlineKeyboardButton("Nee", callback_data="talk:no"),
            ]
        ]
    )


def post(api: FakeBotApi, method: str, body: bytes, content_type: str, token: str = TOKEN) -> Any:
    """A raw HTTP call, to see the JSON exactly as a client receives it."""
    request = urllib.request.Request(
        f"{api.base_url}{token}/{method}", data=body, headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


# ---- identity and errors -------------------------------------------------------------------


async def test_get_me_returns_the_bot_user(bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.is_bot, me.first_name, me.username) == (123456, True, "Klik", "klik_test_bot")


async def test_a_wrong_token_is_refused_as_an_invalid_token(api: FakeBotApi) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot("123456:WRONG-token", base_url=api.base_url):
            pass


def test_a_wrong_token_gets_the_401_body_telegram_sends(api: FakeBotApi) -> None:
    answer = post(api, "getMe", b"", "application/json", token="123456:WRONG-token")

    assert answer == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})


def test_an_unknown_method_gets_the_404_body_telegram_sends(api: FakeBotApi) -> None:
    answer = post(api, "sendHologram", b"{}", "application/json")

    assert answer == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )


async def test_an_unknown_method_makes_ptb_raise_endpoint_not_found(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendHologram", api_kwargs={"chat_id": SAM})


# ---- updates -------------------------------------------------------------------------------


async def test_a_command_arrives_through_get_updates_with_a_bot_command_entity(
    api: FakeBotApi, bot: Bot
) -> None:
    api.send_command(SAM, "/start insta")

    status, body = await asyncio.to_thread(post, api, "getUpdates", b"", "application/json")
    (raw,) = body["result"]
    update = Update.de_json(raw, bot)

    assert status == 200

    assert raw["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert update.message is not None
    assert update.message.text == "/start insta"
    assert update.message.chat.id == SAM
    assert update.message.from_user is not None
    assert update.message.from_user.username == "sam_k"
    assert update.message.from_user.language_code == "nl"


async def test_a_plain_text_arrives_without_entities(api: FakeBotApi, bot: Bot) -> None:
    api.send_text(SAM, "hoi, ik ben Sam")

    (update,) = await bot.get_updates()

    assert update.message is not None
    assert (update.message.text, update.message.entities) == ("hoi, ik ben Sam", ())


async def test_get_updates_with_an_offset_drops_confirmed_updates(
    api: FakeBotApi, bot: Bot
) -> None:
    for text in ("een", "twee", "drie"):
        api.send_text(SAM, text)
    first = await bot.get_updates()

    rest = await bot.get_updates(offset=first[1].update_id + 1)

    assert [u.message.text for u in first if u.message] == ["een", "twee", "drie"]
    assert [u.message.text for u in rest if u.message] == ["drie"]
    assert api.pending_updates() == 1


async def test_get_updates_returns_at_most_limit_updates(api: FakeBotApi, bot: Bot) -> None:
    for text in ("een", "twee", "drie"):
        api.send_text(SAM, text)

    updates = await bot.get_updates(limit=2)

    assert [u.message.text for u in updates if u.message] == ["een", "twee"]


async def test_a_long_poll_returns_as_soon_as_a_user_writes(api: FakeBotApi, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    loop.call_later(0.3, api.send_text, SAM, "hallo?")
    started = loop.time()

    updates = await bot.get_updates(timeout=5)

    assert [u.message.text for u in updates if u.message] == ["hallo?"]
    assert loop.time() - started < 5  # it did not sit out its whole timeout


async def test_a_long_poll_without_news_returns_nothing_after_its_timeout(bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()

    updates = await bot.get_updates(timeout=1)

    assert updates == ()
    assert loop.time() - started >= 0.9


async def test_a_second_bot_instance_polling_terminates_the_first_with_conflict(
    api: FakeBotApi, bot: Bot
) -> None:
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    # Wait until the stand-in holds the first long poll, however slow the machine is.
    await asyncio.to_thread(api.wait_until_polling, 10)

    async with Bot(TOKEN, base_url=api.base_url) as second_instance:
        assert await second_instance.get_updates() == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await waiting


async def test_get_updates_is_refused_while_a_webhook_is_set(bot: Bot) -> None:
    await bot.set_webhook("https://klik.example/telegram")

    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()


async def test_get_webhook_info_reports_the_url_and_pending_updates(
    api: FakeBotApi, bot: Bot
) -> None:
    api.send_text(SAM, "hoi")
    await bot.set_webhook("https://klik.example/telegram")

    info = await bot.get_webhook_info()

    assert (info.url, info.pending_update_count) == ("https://klik.example/telegram", 1)


async def test_a_users_edit_arrives_as_an_edited_message(api: FakeBotApi, bot: Bot) -> None:
    sent = api.send_text(SAM, "ik ben 15")
    api.edit_text(SAM, sent["message_id"], "ik ben 16")

    updates = await bot.get_updates()

    edited = updates[1].edited_message
    assert edited is not None
    assert (edited.message_id, edited.text) == (sent["message_id"], "ik ben 16")
    assert edited.edit_date is not None


async def test_a_users_voice_message_carries_realistic_file_metadata(
    api: FakeBotApi, bot: Bot
) -> None:
    api.send_voice(SAM, duration=7)

    (update,) = await bot.get_updates()

    assert update.message is not None and update.message.voice is not None
    voice = update.message.voice
    assert voice.file_id.startswith("AwACAgIAAxkBAAI")
    assert voice.mime_type == "audio/ogg"
    assert voice.file_size == 29_400


# ---- sending and editing -------------------------------------------------------------------


async def test_send_message_with_an_inline_keyboard_is_stored_with_its_buttons(
    api: FakeBotApi, bot: Bot
) -> None:
    sent = await bot.send_message(SAM, "Zin om te praten?", reply_markup=talk_keyboard())

    (stored,) = api.messages(SAM)
    assert stored["message_id"] == sent.message_id
    assert stored["text"] == "Zin om te praten?"
    assert stored["from"] == KLIK
    assert stored["chat"] == {"id": 42, "type": "private", "first_name": "Sam", "username": "sam_k"}
    assert stored["reply_markup"] == {
        "inline_keyboard": [
            [
                {"text": "Ja", "callback_data": "talk:yes"},
                {"text": "Nee", "callback_data": "talk:no"},
            ]
        ]
    }
    assert sent.reply_markup == talk_keyboard()


async def test_message_ids_count_up_per_chat_across_both_sides(api: FakeBotApi, bot: Bot) -> None:
    api.user(COACH, first_name="Noor")
    api.send_text(SAM, "hoi")

    to_sam = await bot.send_message(SAM, "Welkom")
    to_coach = await bot.send_message(COACH, "Nieuwe aanmelding")

    assert (to_sam.message_id, to_coach.message_id) == (2, 1)


async def test_a_reply_keyboard_is_shown_to_the_user_but_not_part_of_the_message(
    api: FakeBotApi, bot: Bot
) -> None:
    buttons = ReplyKeyboardMarkup([[KeyboardButton("Ja"), KeyboardButton("Nee")]])

    sent = await bot.send_message(SAM, "Klopt dat?", reply_markup=buttons)

    assert sent.reply_markup is None
    assert "reply_markup" not in api.messages(SAM)[0]
    assert api.reply_keyboard(SAM) == {"keyboard": [[{"text": "Ja"}, {"text": "Nee"}]]}


async def test_edit_message_text_changes_what_messages_shows(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(SAM, "Even geduld, we zoeken een coach")

    await bot.edit_message_text("Je coach is er!", chat_id=SAM, message_id=sent.message_id)

    (stored,) = api.messages(SAM)
    assert stored["text"] == "Je coach is er!"
    assert "edit_date" in stored


async def test_an_edit_that_changes_nothing_is_refused_as_not_modified(bot: Bot) -> None:
    sent = await bot.send_message(SAM, "Zin om te praten?", reply_markup=talk_keyboard())

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Zin om te praten?",
            chat_id=SAM,
            message_id=sent.message_id,
            reply_markup=talk_keyboard(),
        )


async def test_an_edit_without_reply_markup_removes_the_keyboard(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(SAM, "Zin om te praten?", reply_markup=talk_keyboard())
    await bot.edit_message_text("Top, tot zo!", chat_id=SAM, message_id=sent.message_id)

    with pytest.raises(AssertionError, match="has no button with text 'Ja'"):
        api.tap(SAM, sent.message_id, text="Ja")
    assert "reply_markup" not in api.messages(SAM)[0]


async def test_editing_a_message_that_does_not_exist_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("Hoi", chat_id=SAM, message_id=999)


async def test_edit_message_reply_markup_replaces_only_the_buttons(
    api: FakeBotApi, bot: Bot
) -> None:
    sent = await bot.send_message(SAM, "Zin om te praten?", reply_markup=talk_keyboard())
    only_yes = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="talk:yes")]])

    await bot.edit_message_reply_markup(SAM, sent.message_id, reply_markup=only_yes)

    (stored,) = api.messages(SAM)
    assert stored["text"] == "Zin om te praten?"
    assert stored["reply_markup"] == {
        "inline_keyboard": [[{"text": "Ja", "callback_data": "talk:yes"}]]
    }


async def test_a_deleted_message_disappears_from_messages(api: FakeBotApi, bot: Bot) -> None:
    first = await bot.send_message(SAM, "Eén")
    await bot.send_message(SAM, "Twee")

    assert await bot.delete_message(SAM, first.message_id) is True

    assert [m["text"] for m in api.messages(SAM)] == ["Twee"]
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(SAM, first.message_id)


async def test_a_reply_to_a_message_that_does_not_exist_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(SAM, "Klopt", reply_parameters=ReplyParameters(message_id=999))


async def test_a_reply_carries_the_message_it_answers(api: FakeBotApi, bot: Bot) -> None:
    question = api.send_text(SAM, "Mag ik iets vragen?")

    sent = await bot.send_message(
        SAM, "Natuurlijk", reply_parameters=ReplyParameters(question["message_id"])
    )

    assert sent.reply_to_message is not None
    assert sent.reply_to_message.text == "Mag ik iets vragen?"


async def test_a_text_of_4097_characters_is_refused(api: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(SAM, "x" * 4097)

    assert api.messages(SAM) == []


async def test_a_text_of_4096_characters_is_accepted(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(SAM, "x" * 4096)

    assert len(api.messages(SAM)[0]["text"]) == 4096


async def test_a_text_of_only_whitespace_is_refused_as_empty(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(SAM, " \n ")


async def test_callback_data_longer_than_64_bytes_is_refused(api: FakeBotApi, bot: Bot) -> None:
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="é" * 33)]])

    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(SAM, "Zin om te praten?", reply_markup=too_long)

    assert api.messages(SAM) == []


async def test_a_chat_that_never_wrote_to_the_bot_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(1234, "Hoi")


async def test_an_unknown_chat_action_is_refused(bot: Bot) -> None:
    assert await bot.send_chat_action(SAM, "typing") is True

    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(SAM, "dancing")


# ---- formatting ----------------------------------------------------------------------------


async def test_html_is_stored_as_the_visible_text_with_entities(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(SAM, "<b>Hoi Sam</b> &amp; welkom bij <i>Klik</i>", parse_mode="HTML")

    (stored,) = api.messages(SAM)
    assert stored["text"] == "Hoi Sam & welkom bij Klik"
    assert stored["entities"] == [
        {"type": "bold", "offset": 0, "length": 7},
        {"type": "italic", "offset": 21, "length": 4},
    ]


async def test_html_with_an_unescaped_angle_bracket_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r'(?i)unsupported start tag "" at byte offset 9'):
        await bot.send_message(SAM, "Score: 3 < 4", parse_mode="HTML")


async def test_html_with_an_unclosed_tag_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't find end tag corresponding to start tag"):
        await bot.send_message(SAM, "<b>Welkom", parse_mode="HTML")


async def test_markdown_v2_refuses_an_unescaped_reserved_character(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)character '.' is reserved"):
        await bot.send_message(SAM, "Klaar.", parse_mode="MarkdownV2")


async def test_markdown_v2_entities_are_counted_in_utf16_units(api: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(SAM, "😀 *Welkom*, Sam\\!", parse_mode="MarkdownV2")

    (stored,) = api.messages(SAM)
    assert stored["text"] == "😀 Welkom, Sam!"
    assert stored["entities"] == [{"type": "bold", "offset": 3, "length": 6}]


# ---- buttons and callback queries ----------------------------------------------------------


async def test_tapping_a_button_by_its_label_delivers_its_callback_query(
    api: FakeBotApi, bot: Bot
) -> None:
    sent = await bot.send_message(SAM, "Zin om te praten?", reply_markup=talk_keyboard())

    query_id = api.tap(SAM, sent.message_id, text="Nee")

    (update,) = await bot.get_updates()
    query = update.callback_query
    assert query is not None
    assert query.id == query_id
    assert query.data == "talk:no"
    assert query.from_user.id == SAM
    assert query.chat_instance != ""
    assert isinstance(query.message, type(sent))
    assert query.message.message_id == sent.message_id
    assert query.message.text == "Zin om te praten?"
    assert query.message.reply_markup == talk_keyboard()


async def test_tapping_a_label_the_message_does_not_show_fails_listing_its_buttons(
    api: FakeBotApi, bot: Bot
) -> None:
    sent = await bot.send_message(SAM, "Zin om te praten?", reply_markup=talk_keyboard())

    with pytest.raises(AssertionError, match=r"'Ja' \(data 'talk:yes'\), 'Nee'"):
        api.tap(SAM, sent.message_id, text="Misschien")


async def test_the_bots_answer_to_a_callback_query_is_recorded(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(SAM, "Zin om te praten?", reply_markup=talk_keyboard())
    query_id = api.tap(SAM, sent.message_id, data="talk:yes")
    assert api.callback_answer(query_id) is None

    await bot.answer_callback_query(query_id, text="Top!", show_alert=True)

    assert api.callback_answer(query_id) == {"text": "Top!", "show_alert": True}


async def test_answering_a_callback_query_twice_is_refused(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(SAM, "Zin om te praten?", reply_markup=talk_keyboard())
    query_id = api.tap(SAM, sent.message_id, data="talk:yes")
    assert await bot.answer_callback_query(query_id) is True

    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)


async def test_forged_callback_data_reaches_the_bot_unchanged(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(SAM, "Zin om te praten?", reply_markup=talk_keyboard())

    api.tap_raw(SAM, sent.message_id, "coach:assign:999")

    (update,) = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.data == "coach:assign:999"


async def test_a_forged_tap_on_a_deleted_message_arrives_as_inaccessible(
    api: FakeBotApi, bot: Bot
) -> None:
    sent = await bot.send_message(SAM, "Zin om te praten?", reply_markup=talk_keyboard())
    await bot.delete_message(SAM, sent.message_id)

    api.tap_raw(SAM, sent.message_id, "talk:yes")

    (update,) = await bot.get_updates()
    assert update.callback_query is not None
    message = update.callback_query.message
    assert message is not None
    assert (message.message_id, message.is_accessible) == (sent.message_id, False)


# ---- media ---------------------------------------------------------------------------------


async def test_a_photo_is_resent_by_the_file_id_a_user_sent(api: FakeBotApi, bot: Bot) -> None:
    photo = api.send_photo(SAM, caption="mijn tekening")["photo"]

    sent = await bot.send_photo(SAM, photo[-1]["file_id"], caption="Mooi!")

    assert sent.photo[-1].file_unique_id == photo[-1]["file_unique_id"]
    assert api.messages(SAM)[0]["caption"] == "Mooi!"


async def test_an_uploaded_document_is_delivered_with_its_name_and_size(
    api: FakeBotApi, bot: Bot
) -> None:
    sent = await bot.send_document(SAM, b"%PDF-1.7 plan", filename="plan.pdf")

    document = api.last_message(SAM)
    assert document is not None
    assert document["document"]["file_name"] == "plan.pdf"
    assert document["document"]["file_size"] == 13
    assert sent.document is not None
    assert sent.document.file_id == document["document"]["file_id"]


async def test_a_file_id_nobody_sent_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(SAM, "BQACAgIAAxkBAAIinvented")


async def test_copy_message_copies_a_users_photo_to_another_chat(api: FakeBotApi, bot: Bot) -> None:
    api.user(COACH, first_name="Noor")
    original = api.send_photo(SAM, caption="mijn tekening")

    copied = await bot.copy_message(COACH, SAM, original["message_id"])

    (stored,) = api.messages(COACH)
    assert copied.message_id == stored["message_id"] == 1
    assert stored["photo"] == original["photo"]
    assert stored["caption"] == "mijn tekening"
    assert stored["from"] == KLIK


# ---- commands ------------------------------------------------------------------------------


async def test_set_my_commands_is_stored_per_language_code(api: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start a chat"), BotCommand("help", "Help")])
    await bot.set_my_commands([BotCommand("start", "Begin een gesprek")], language_code="nl")

    assert api.commands() == [
        {"command": "start", "description": "Start a chat"},
        {"command": "help", "description": "Help"},
    ]
    assert api.commands("nl") == [{"command": "start", "description": "Begin een gesprek"}]
    assert [c.description for c in await bot.get_my_commands(language_code="nl")] == [
        "Begin een gesprek"
    ]
    assert await bot.get_my_commands(language_code="de") == ()


async def test_commands_for_one_chat_are_stored_under_its_scope(api: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("stop", "Stop")], scope=BotCommandScopeChat(SAM))

    assert api.commands(scope="chat:42") == [{"command": "stop", "description": "Stop"}]
    assert api.commands() == []


async def test_delete_my_commands_removes_the_list(api: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start a chat")])

    await bot.delete_my_commands()

    assert api.commands() == []
    assert await bot.get_my_commands() == ()


async def test_a_command_name_with_capitals_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "Start a chat")])


# ---- fault injection -----------------------------------------------------------------------


async def test_a_429_makes_ptb_raise_retry_after_and_stores_nothing(
    api: FakeBotApi, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22 warns unless opted in to timedelta durations; filterwarnings=error would turn
    # that warning into the exception instead of RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.fail_next("sendMessage", status=429, retry_after=3)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(SAM, "Hoi")

    assert caught.value.retry_after == dt.timedelta(seconds=3)
    assert api.messages(SAM) == []


def test_a_429_carries_retry_after_in_its_parameters(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", status=429, retry_after=3)

    answer = post(api, "sendMessage", b'{"chat_id": 42, "text": "Hoi"}', "application/json")

    assert answer == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        },
    )


async def test_fail_next_fails_only_as_many_calls_as_asked(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", status=403, times=2)

    for _ in range(2):
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(SAM, "Hoi")
    await bot.send_message(SAM, "Hoi")

    assert [m["text"] for m in api.messages(SAM)] == ["Hoi"]
    assert len(api.requests("sendMessage")) == 3


async def test_fail_next_after_lets_as_many_calls_through_first(api: FakeBotApi, bot: Bot) -> None:
    api.fail_next("sendMessage", status=403, after=2)

    await bot.send_message(SAM, "een")
    await bot.send_message(SAM, "twee")
    with pytest.raises(Forbidden):
        await bot.send_message(SAM, "drie")
    await bot.send_message(SAM, "vier")

    assert [m["text"] for m in api.messages(SAM)] == ["een", "twee", "vier"]


async def test_a_delayed_response_times_out_although_the_message_was_delivered(
    api: FakeBotApi, bot: Bot
) -> None:
    api.delay_next("sendMessage", 2.0)

    with pytest.raises(TimedOut):
        await bot.send_message(SAM, "Hoi", read_timeout=0.3)

    assert [m["text"] for m in api.messages(SAM)] == ["Hoi"]


async def test_a_held_call_whose_client_gave_up_never_takes_effect(
    api: FakeBotApi, bot: Bot
) -> None:
    api.hold()
    with pytest.raises(TimedOut):
        await bot.send_message(SAM, "Hoi", read_timeout=0.3)
    await asyncio.sleep(0.5)  # the stand-in sees the connection close
    api.release()
    assert await bot.send_message(SAM, "Daar ben ik weer")
    assert [m["text"] for m in api.messages(SAM)] == ["Daar ben ik weer"]


async def test_a_held_call_takes_effect_once_released(api: FakeBotApi, bot: Bot) -> None:
    api.hold()
    sending = asyncio.create_task(bot.send_message(SAM, "Hoi"))
    await asyncio.wait({sending}, timeout=0.3)
    assert api.messages(SAM) == []
    api.release()
    await sending
    assert [m["text"] for m in api.messages(SAM)] == ["Hoi"]


async def test_a_refused_set_my_commands_makes_ptb_raise_and_sets_no_menu(
    api: FakeBotApi, bot: Bot
) -> None:
    api.fail_next("setMyCommands", status=400, description="Bad Request: BOT_COMMAND_INVALID")

    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("start", "Start a chat")])

    assert api.commands() == []


async def test_a_conflict_on_get_updates_confirms_nothing(api: FakeBotApi, bot: Bot) -> None:
    api.send_text(SAM, "hallo")
    api.fail_next("getUpdates", status=409)

    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await bot.get_updates(offset=2)

    assert api.pending_updates() == 1


async def test_a_429_on_get_updates_makes_ptb_raise_retry_after_and_confirms_nothing(
    api: FakeBotApi, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.send_text(SAM, "hallo")
    api.fail_next("getUpdates", status=429, retry_after=2)

    with pytest.raises(RetryAfter) as caught:
        await bot.get_updates(offset=2)

    assert caught.value.retry_after == dt.timedelta(seconds=2)
    assert api.pending_updates() == 1


async def test_an_unreadable_update_makes_ptb_refuse_the_whole_batch(
    api: FakeBotApi, bot: Bot
) -> None:
    api.send_text(SAM, "eerst")
    api.send_unreadable(SAM, "onleesbaar")
    api.send_text(SAM, "daarna")

    with pytest.raises(TypeError, match="MessageEntity"):
        await bot.get_updates()

    status, raw = await asyncio.to_thread(post, api, "getUpdates", b"{}", "application/json")
    assert status == 200
    assert [u["message"]["text"] for u in raw["result"]] == ["eerst", "onleesbaar", "daarna"]
    assert raw["result"][1]["message"]["entities"] == [{"type": "bold"}]


async def test_a_rate_limited_chat_is_refused_with_its_retry_after_while_others_are_served(
    api: FakeBotApi, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.user(COACH, first_name="Lotte")
    api.rate_limit(SAM, retry_after=30)

    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(SAM, "Hoi")
        assert caught.value.retry_after == dt.timedelta(seconds=30)
    await bot.send_message(COACH, "Hallo")

    assert api.messages(SAM) == []
    assert [m["text"] for m in api.messages(COACH)] == ["Hallo"]


async def test_a_lifted_rate_limit_lets_the_chat_s_messages_through(
    api: FakeBotApi, bot: Bot
) -> None:
    api.rate_limit(SAM, retry_after=30)
    api.rate_limit(SAM, None)

    await bot.send_message(SAM, "Hoi")

    assert [m["text"] for m in api.messages(SAM)] == ["Hoi"]


async def test_while_telegram_is_down_a_call_fails_as_a_network_error_and_stores_nothing(
    api: FakeBotApi, bot: Bot
) -> None:
    await bot.send_message(SAM, "Hoi")  # a connection is open when it goes down
    api.go_down()

    for _ in range(2):  # the open connection is cut off, then a new one is refused
        with pytest.raises(NetworkError):
            await bot.send_message(SAM, "Ben je daar?")

    assert [m["text"] for m in api.messages(SAM)] == ["Hoi"]


async def test_telegram_comes_back_on_the_same_port_with_the_updates_it_held(
    api: FakeBotApi, bot: Bot
) -> None:
    api.go_down()
    api.send_text(SAM, "hallo?")  # written while the bot could not reach Telegram
    api.come_back()

    updates = await bot.get_updates(timeout=0)
    await bot.send_message(SAM, "Hoi")

    assert [u.message.text for u in updates if u.message] == ["hallo?"]
    assert [m["text"] for m in api.messages(SAM)] == ["Hoi"]


async def test_telegram_can_go_down_just_as_a_message_is_sent(api: FakeBotApi, bot: Bot) -> None:
    api.go_down(on="sendMessage")
    await bot.get_me()  # other calls are still answered

    with pytest.raises(NetworkError):
        await bot.send_message(SAM, "Hoi")

    assert api.down and api.messages(SAM) == []
    with pytest.raises(NetworkError):
        await bot.get_me()


async def test_a_long_poll_waiting_when_telegram_goes_down_is_cut_off(
    api: FakeBotApi, bot: Bot
) -> None:
    waiting = asyncio.ensure_future(bot.get_updates(timeout=20, read_timeout=30))
    await asyncio.to_thread(api.wait_until_polling)
    api.go_down()

    with pytest.raises(NetworkError):
        await asyncio.wait_for(waiting, timeout=5)


def send_one_after_another(api: FakeBotApi, *texts: str) -> None:
    """sendMessage to Sam over raw HTTP, each call once the one before was answered."""
    for text in texts:
        post(
            api,
            "sendMessage",
            json.dumps({"chat_id": SAM, "text": text}).encode(),
            "application/json",
        )


def test_accepted_lists_only_the_calls_that_took_effect(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", status=429)
    send_one_after_another(api, "een", "twee")

    assert [params["text"] for _, params in api.accepted("sendMessage")] == ["twee"]


def test_accepted_calls_say_when_each_request_arrived_and_when_it_took_effect(
    api: FakeBotApi,
) -> None:
    send_one_after_another(api, "een", "twee")

    first, second = api.accepted_calls("sendMessage")
    assert [first.params["text"], second.params["text"]] == ["een", "twee"]
    # One after the other: the second request left only once the first was answered.
    assert first.arrived <= first.answered <= second.arrived <= second.answered


# ---- observing and waiting -----------------------------------------------------------------


async def test_requests_shows_the_same_decoded_params_for_form_and_json_bodies(
    api: FakeBotApi, bot: Bot
) -> None:
    await bot.send_message(SAM, "Hoi", reply_markup=talk_keyboard(), disable_notification=True)
    body = {
        "chat_id": 42,
        "text": "Hoi",
        "reply_markup": {
            "inline_keyboard": [
                [
                    {"text": "Ja", "callback_data": "talk:yes"},
                    {"text": "Nee", "callback_data": "talk:no"},
                ]
            ]
        },
        "disable_notification": True,
    }
    status, _ = await asyncio.to_thread(
        post, api, "sendMessage", json.dumps(body).encode(), "application/json"
    )

    (_, from_ptb), (_, from_json) = api.requests("sendMessage")
    assert status == 200
    assert from_ptb == from_json == body


async def test_wait_for_message_returns_the_first_match_after_a_given_message(
    api: FakeBotApi, bot: Bot
) -> None:
    first = await bot.send_message(SAM, "Welkom bij Klik")
    await bot.send_message(SAM, "Hoe oud ben je?")
    await bot.send_message(SAM, "Welkom terug")

    found = api.wait_for_message(SAM, contains="Welkom", after_message_id=first.message_id)

    assert found["text"] == "Welkom terug"


async def test_wait_for_message_with_a_count_returns_the_count_th_message(
    api: FakeBotApi, bot: Bot
) -> None:
    for text in ("een", "twee", "drie"):
        await bot.send_message(SAM, text)

    assert api.wait_for_message(SAM, count=2)["text"] == "twee"


async def test_wait_for_message_times_out_showing_what_the_chat_holds(
    api: FakeBotApi, bot: Bot
) -> None:
    await bot.send_message(SAM, "Zin om te praten?", reply_markup=talk_keyboard())
    with pytest.raises(BadRequest):
        await bot.send_message(SAM, "<b>kapot", parse_mode="HTML")

    with pytest.raises(AssertionError) as caught:
        api.wait_for_message(SAM, contains="coach", timeout=0.2)

    dump = str(caught.value)
    assert "expected 1 bot message(s) to chat 42 containing 'coach'" in dump
    assert "#1 bot  'Zin om te praten?'  buttons: 'Ja' (data 'talk:yes')" in dump
    assert "-> 400 Bad Request: can't parse entities" in dump


def test_a_polling_ptb_application_serves_a_user_end_to_end(
    api: FakeBotApi, tmp_path: Path
) -> None:
    script = tmp_path / "bot.py"
    script.write_text(APPLICATION)
    log = tmp_path / "bot.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, str(script), api.token, api.base_url],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            api.wait_until_polling(timeout=15)
            api.send_command(SAM, "/start")
            question = api.wait_for_message(SAM, contains="Zin om te praten?")
            query_id = api.tap(SAM, question["message_id"], text="Ja")
            api.wait_for(lambda fake: fake.callback_answer(query_id) is not None)
            edited = api.wait_for_message(SAM, contains="Fijn")
            api.wait_for(lambda fake: fake.pending_updates() == 0)
        finally:
            process.terminate()
            process.wait(timeout=15)
            print(log.read_text())  # pytest shows it when the test fails

    assert edited["message_id"] == question["message_id"]
    assert edited["text"] == "Fijn, een coach komt eraan."
    assert "reply_markup" not in edited
    assert api.callback_answer(query_id) == {"text": "Top"}
    assert [method for method, _ in api.requests()][:2] == ["getMe", "deleteWebhook"]


APPLICATION = textwrap.dedent(
    """
    import sys

    from telegram import InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.ext import Application, CallbackQueryHandler, CommandHandler


    async def start(update, context):
        keyboard = [[InlineKeyboardButton("Ja", callback_data="talk:yes")]]
        await update.message.reply_text(
            "Zin om te praten?", reply_markup=InlineKeyboardMarkup(keyboard)
        )


    async def talk(update, context):
        await update.callback_query.answer("Top")
        await update.callback_query.edit_message_text("Fijn, een coach komt eraan.")


    app = Application.builder().token(sys.argv[1]).base_url(sys.argv[2]).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(talk))
    app.run_polling(timeout=2)
    """
)
