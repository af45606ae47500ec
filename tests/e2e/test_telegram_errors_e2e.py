"""`klik run` against a Bot API that answers with errors, as Telegram sometimes does: a refused
command menu, an update it cannot read, another process polling the same token, and
"Too Many Requests". Each is a line in the log, never a traceback, and the service goes on.

Telegram's errors do not depend on the database, so these run on SQLite only."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_intake_e2e import Klik
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e

YOUNGSTER = 7001
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
WELCOME = "Is dat oké voor jou?"


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
    klik.start()
    assert api.wait_until_polling(timeout=30)

    api.send_command(YOUNGSTER, "/start")

    api.wait_for_message(YOUNGSTER, contains=WELCOME, timeout=20)
    assert klik.stop() == 0
    log = klik.log()
    assert "WARNING bot.telegram.app: the command menu could not be set " in log
    assert "(BadRequest: Bot_command_invalid); klik runs without it" in log
    assert "Traceback" not in log
