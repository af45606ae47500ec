"""`klik run` against a Bot API that answers with errors, as Telegram sometimes does: a refused
command menu, an update it cannot read, another process polling the same token, and
"Too Many Requests". Each is a line in the log, never a traceback, and the service goes on.

Telegram's errors do not depend on the database, so these run on SQLite only."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_intake_e2e import Klik, logged
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e

YOUNGSTER = 7001
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
WELCOME = "Is dat oké voor jou?"


def welcomed(api: FakeBotApi, klik: Klik) -> dict[str, Any]:
    """Start klik and let the youngster say /start; the welcome it gets."""
    klik.start()
    assert api.wait_until_polling(timeout=30)
    api.send_command(YOUNGSTER, "/start")
    return api.wait_for_message(YOUNGSTER, contains=WELCOME, timeout=20)


def served_once(api: FakeBotApi, klik: Klik) -> str:
    """Start klik, be welcomed, stop it cleanly; its log."""
    welcomed(api, klik)
    assert klik.stop() == 0
    return klik.log()


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        stand_in.user(YOUNGSTER, first_name="Jo", language_code="nl")
        yield stand_in


@pytest.fixture
def klik(api: FakeBotApi, sqlite_template: Path, tmp_path: Path) -> Iterator[Klik]:
    shutil.copy(sqlite_template, tmp_path / "klik.db")
    service = Klik(api, f"sqlite:///{tmp_path / 'klik.db'}", tmp_path)
    yield service
    if service.process is not None and service.process.poll() is None:
        service.stop()


def test_a_refused_command_menu_is_one_warning_and_klik_serves_on(
    api: FakeBotApi, klik: Klik
) -> None:
    api.fail_next("setMyCommands", status=400, description="Bad Request: BOT_COMMAND_INVALID")
    log = served_once(api, klik)
    menu = logged("WARNING", "bot.channels.telegram.app", "the command menu could not be set ")
    assert menu in log
    assert "(BadRequest: Bot_command_invalid); klik runs without it" in log
    assert "Traceback" not in log


def test_an_update_that_cannot_be_read_is_skipped_by_id_and_kind_and_the_next_is_served(
    api: FakeBotApi, klik: Klik
) -> None:
    klik.start()
    assert api.wait_until_polling(timeout=30)

    api.send_unreadable(YOUNGSTER, "mijn geheime zin")
    api.send_command(YOUNGSTER, "/start")

    api.wait_for_message(YOUNGSTER, contains=WELCOME, timeout=20)
    api.wait_for(lambda stand_in: stand_in.pending_updates() == 0, timeout=20)
    assert klik.stop() == 0
    log = klik.log()
    skipped = logged(
        "WARNING", "bot.channels.telegram.polling", "update 1 (message) cannot be read; skipped"
    )
    assert log.count(skipped) == 1
    assert "mijn geheime zin" not in log
    assert "Traceback" not in log and "CRITICAL" not in log


def test_another_process_polling_the_token_is_said_once_and_klik_serves_when_it_stops(
    api: FakeBotApi, klik: Klik
) -> None:
    api.fail_next("getUpdates", status=409, times=4)
    log = served_once(api, klik)
    assert len(api.requests("getUpdates")) >= 5
    assert (
        log.count(
            logged(
                "WARNING",
                "bot.channels.telegram.polling",
                "Telegram refuses getUpdates "
                "(Conflict: terminated by other getUpdates request; make sure that only one bot "
                "instance is running): another "
                "process polls with this bot's token, or a webhook is set. klik waits and tries "
                "again until it stops.",
            )
        )
        == 1
    )
    assert "getUpdates answers again: klik is the only one polling" in log
    assert "Traceback" not in log


def test_a_429_on_get_updates_is_one_warning_and_polling_goes_on(
    api: FakeBotApi, klik: Klik
) -> None:
    api.fail_next("getUpdates", status=429, retry_after=1)
    log = served_once(api, klik)
    assert (
        log.count(
            logged(
                "WARNING",
                "bot.channels.telegram.polling",
                "Telegram asks to slow down (429); polling again",
            )
        )
        == 1
    )
    assert "level=ERROR" not in log and "Traceback" not in log


def test_a_429_on_a_reply_is_waited_out_without_an_error_in_the_log(
    api: FakeBotApi, klik: Klik
) -> None:
    klik.start()
    assert api.wait_until_polling(timeout=30)
    api.fail_next("sendMessage", status=429, retry_after=1)

    api.send_command(YOUNGSTER, "/start")

    api.wait_for_message(YOUNGSTER, contains=WELCOME, timeout=20)
    assert klik.stop() == 0
    log = klik.log()
    assert len(api.requests("sendMessage")) == 2  # refused once, then the welcome
    assert "level=ERROR" not in log and "Traceback" not in log


def test_a_429_on_answering_a_tap_is_waited_out_and_the_tap_is_answered(
    api: FakeBotApi, klik: Klik
) -> None:
    welcome = welcomed(api, klik)
    api.fail_next("answerCallbackQuery", status=429, retry_after=1)

    query = api.tap(YOUNGSTER, welcome["message_id"], text="👍 Oké, we beginnen")

    api.wait_for_message(YOUNGSTER, contains="Hoe oud ben je?", timeout=20)
    api.wait_for(lambda a: a.callback_answer(query) is not None, timeout=10)
    assert len(api.requests("answerCallbackQuery")) == 2  # refused once, then answered
    assert klik.stop() == 0
    log = klik.log()
    assert "level=ERROR" not in log and "Traceback" not in log
    assert not any("Oeps" in m.get("text", "") for m in api.messages(YOUNGSTER))


REFUSALS = [
    ("answerCallbackQuery", 400, "Bad Request: query is too old and response timeout expired"),
    ("answerCallbackQuery", 403, "Forbidden: bot was blocked by the user"),
    ("editMessageText", 400, "Bad Request: message to edit not found"),
    ("editMessageText", 403, "Forbidden: bot was blocked by the user"),
]


@pytest.mark.parametrize(("method", "status", "description"), REFUSALS)
def test_a_refused_tap_answer_or_keyboard_edit_is_final_and_the_intake_goes_on(
    api: FakeBotApi, klik: Klik, method: str, status: int, description: str
) -> None:
    welcome = welcomed(api, klik)
    # Refused every time: an update that failed for it would be handled again and again.
    api.fail_next(method, status=status, description=description, times=50)

    api.tap(YOUNGSTER, welcome["message_id"], text="👍 Oké, we beginnen")
    age = api.wait_for_message(YOUNGSTER, contains="Hoe oud ben je?", timeout=20)
    api.tap(YOUNGSTER, age["message_id"], text="16 - 17")
    api.wait_for_message(YOUNGSTER, contains="Vraag 1 van", timeout=20)

    assert len(api.requests(method)) == 2  # once per tap: never tried again
    assert klik.stop() == 0
    log = klik.log()
    assert "level=ERROR" not in log and "Traceback" not in log
    what = "answering a tap" if "Callback" in method else "updating a keyboard"
    assert log.count(f"Telegram refused {what}") == 2
    assert not any("Oeps" in m.get("text", "") for m in api.messages(YOUNGSTER))


def test_a_429_while_logging_in_is_waited_out_and_klik_serves(api: FakeBotApi, klik: Klik) -> None:
    api.fail_next("getMe", status=429, retry_after=1)
    log = served_once(api, klik)
    assert (
        logged(
            "WARNING",
            "bot.channels.telegram.app",
            "Telegram asks to slow down (429); logging in again in 1 s",
        )
        in log
    )
    assert "level=ERROR" not in log and "Traceback" not in log


def test_a_webhook_that_cannot_be_removed_is_one_warning_and_klik_serves(
    api: FakeBotApi, klik: Klik
) -> None:
    api.fail_next("deleteWebhook", status=429, retry_after=1)
    log = served_once(api, klik)
    assert (
        logged(
            "WARNING",
            "bot.channels.telegram.app",
            "the webhook could not be removed (RetryAfter: wait 1 s)",
        )
        in log
    )
    assert "level=ERROR" not in log and "Traceback" not in log
