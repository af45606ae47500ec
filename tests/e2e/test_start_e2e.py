"""`klik run` meeting a Telegram that refuses its token or cannot be reached: one clear line,
never the token, and no traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.test_intake_e2e import Klik
from tests.support.botapi import FakeBotApi

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def _migrated(klik: Klik) -> None:
    subprocess.run(
        [sys.executable, "-m", "bot.process.cli", "migrate"],
        cwd=klik.workdir,
        env=klik.env,
        check=True,
        capture_output=True,
    )


def test_a_refused_token_stops_klik_run_with_one_line_and_exit_2(
    database_url: str, tmp_path: Path
) -> None:
    with FakeBotApi(token="987654321:the-token-the-stand-in-knows") as api:
        klik = Klik(api, database_url, tmp_path)
        klik.env["TELEGRAM_TOKEN"] = TOKEN
        _migrated(klik)
        klik.start()
        assert klik.process is not None
        assert klik.process.wait(timeout=30) == 2
        klik.stop()
    log = klik.log()
    assert "klik: Telegram refused TELEGRAM_TOKEN. Get the token again from @BotFather." in log
    assert "Traceback" not in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log


def test_klik_run_waits_for_a_telegram_it_cannot_reach_and_stops_cleanly(
    database_url: str, tmp_path: Path
) -> None:
    with FakeBotApi(token=TOKEN) as api:
        klik = Klik(api, database_url, tmp_path)
    # The stand-in is closed now: nothing answers at its address.
    _migrated(klik)
    klik.start()
    deadline = time.monotonic() + 20
    while klik.log().count("Telegram cannot be reached") < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert klik.stop() == 0
    log = klik.log()
    assert "Telegram cannot be reached (NetworkError); trying again in 1 s" in log
    assert "trying again in 2 s" in log
    assert "Traceback" not in log
    assert TOKEN.split(":")[1] not in log


def _run_once(api: FakeBotApi, database_url: str, workdir: Path) -> Klik:
    """Start `klik run` until it polls, then stop it."""
    workdir.mkdir()
    klik = Klik(api, database_url, workdir)
    klik.start()
    assert api.wait_until_polling(timeout=30)
    assert klik.stop() == 0
    return klik


def test_klik_run_with_another_bots_token_on_the_same_database_refuses_with_one_line(
    database_url: str, tmp_path: Path
) -> None:
    with FakeBotApi(token=TOKEN, bot_username="klik_gent_bot") as first:
        _run_once(first, database_url, tmp_path / "first")
    other_token = "555666777:BBGdqTcvCH1vGWJxfSeofSAs0K5PALDxyz"
    with FakeBotApi(token=other_token, bot_username="klik_test_bot") as second:
        (tmp_path / "second").mkdir()
        klik = Klik(second, database_url, tmp_path / "second")
        klik.start()
        assert klik.process is not None
        assert klik.process.wait(timeout=30) == 2
        klik.stop()
        assert second.requests("getUpdates") == []
        assert second.requests("sendMessage") == []
    log = klik.log()
    assert (
        "belongs to the bot @klik_gent_bot, not @klik_test_bot. Use @klik_gent_bot's "
        "TELEGRAM_TOKEN, or give @klik_test_bot a database of its own (DATABASE_URL).\n"
    ) in log
    assert "Traceback" not in log
    assert other_token.split(":")[1] not in log and TOKEN.split(":")[1] not in log


def test_klik_run_with_a_new_token_of_the_same_bot_starts_on_its_database(
    database_url: str, tmp_path: Path
) -> None:
    with FakeBotApi(token=TOKEN) as first:
        _run_once(first, database_url, tmp_path / "first")
    # Revoking a token at @BotFather gives the same bot a new secret; its id stays.
    renewed = TOKEN.split(":")[0] + ":CCHdqTcvCH1vGWJxfSeofSAs0K5PALDnew"
    with FakeBotApi(token=renewed) as second:
        klik = _run_once(second, database_url, tmp_path / "second")
    assert "klik is running as @klik_test_bot (polling)" in klik.log()


def test_klik_run_on_a_port_that_is_taken_says_so_in_one_line_and_exit_2(
    database_url: str, tmp_path: Path
) -> None:
    with FakeBotApi(token=TOKEN) as api, socket.socket() as taken:
        klik = Klik(api, database_url, tmp_path)
        taken.bind(("127.0.0.1", klik.port))
        taken.listen()
        klik.start()
        assert klik.process is not None
        assert klik.process.wait(timeout=30) == 2
        klik.stop()
    log = klik.log()
    assert f"klik: cannot serve HTTP on 127.0.0.1:{klik.port} (" in log
    assert "set HTTP_HOST and HTTP_PORT" in log
    assert "Traceback" not in log
