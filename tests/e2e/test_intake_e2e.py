"""End to end: the real `klik run` process, polling a Bot API stand-in on 127.0.0.1, plays a
whole intake by taps and text, is killed with SIGKILL midway, restarts, and finishes the
intake with no answer lost. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import select

from bot.services.sender import LEASE
from storage.db import Database
from storage.models import Case, IntakeAnswer, Youngster
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
YOUNGSTER = 7001


def free_port() -> int:
    """A port nobody listens on now, for klik's HTTP server (tests run side by side)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def logged(level: str, logger: str, message: str) -> str:
    """How `klik run` logs a plain message, up to its end (bot/process/logs.py)."""
    return f'level={level} logger={logger} msg="{message}'


class Klik:
    """The real service as a subprocess, its log kept in a file."""

    def __init__(self, api: FakeBotApi, database_url: str, workdir: Path) -> None:
        self.port = free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))},
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "DEBUG",
            "HTTP_PORT": str(self.port),
        }
        self.workdir = workdir
        self.log_path = workdir / "klik.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.process.cli", "run"],
            cwd=self.workdir,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)
        if self._log is not None:
            self._log.close()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token="123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw") as stand_in:
        stand_in.user(YOUNGSTER, first_name="Jo", username="jo_secret_handle", language_code="nl")
        yield stand_in


def wait_for_question(api: FakeBotApi, text: str, after: int | None = None) -> dict:  # type: ignore[type-arg]
    return api.wait_for_message(YOUNGSTER, contains=text, after_message_id=after, timeout=20)


def start_and_consent(api: FakeBotApi, klik: Klik, link: str = "/start") -> dict:  # type: ignore[type-arg]
    """Start the service, send /start and tap okay; returns the age question."""
    klik.start()
    assert api.wait_until_polling(timeout=30)
    api.send_command(YOUNGSTER, link)
    consent = wait_for_question(api, "Is dat oké voor jou?")
    api.tap(YOUNGSTER, consent["message_id"], text="👍 Oké, we beginnen")
    return wait_for_question(api, "Hoe oud ben je?")


async def stored(database_url: str) -> tuple[Youngster, dict[str, IntakeAnswer], list[Case]]:
    db = Database(database_url)
    async with db.transaction() as session:
        youngster = (await session.execute(select(Youngster))).scalar_one()
        answers = {a.question: a for a in (await session.execute(select(IntakeAnswer))).scalars()}
        cases = list((await session.execute(select(Case))).scalars())
    await db.close()
    return youngster, answers, cases


def test_an_intake_survives_a_sigkill_midway_and_loses_no_answer(
    api: FakeBotApi, klik: Klik, database_url: str
) -> None:
    age = start_and_consent(api, klik, "/start insta")
    api.tap(YOUNGSTER, age["message_id"], text="16 - 17")
    opener = wait_for_question(api, "Vraag 1 van 6")
    api.send_text(YOUNGSTER, "ik kan goed tekenen")
    health = wait_for_question(api, "Vraag 2 van 6", after=opener["message_id"])
    api.fail_next("sendMessage", status=429, retry_after=1)  # Telegram says: slow down
    api.tap(YOUNGSTER, health["message_id"], data="q.health:2")
    home = wait_for_question(api, "Vraag 3 van 6", after=health["message_id"])
    api.send_text(YOUNGSTER, "thuis is het druk")
    wait_for_question(api, "Bewaard 👍", after=home["message_id"])

    klik.kill()
    # While the service is down the youngster carries on; nothing may get lost.
    api.tap(YOUNGSTER, home["message_id"], data="q.home:3")
    api.send_text(YOUNGSTER, "en ik slaap slecht")
    klik.start()

    # The kill came the moment Telegram took "Bewaard 👍", before it was marked sent: it is
    # sent again once its lease ends, and the replies after it wait their turn behind it.
    goals = api.wait_for_message(
        YOUNGSTER,
        contains="Vraag 4 van 6",
        after_message_id=home["message_id"],
        timeout=LEASE.total_seconds() + 20,
    )
    wait_for_question(api, "Bewaard 👍", after=goals["message_id"])
    api.tap(YOUNGSTER, goals["message_id"], text="Liever niet zeggen")
    money = wait_for_question(api, "Vraag 5 van 6", after=goals["message_id"])
    api.tap(YOUNGSTER, money["message_id"], data="q.money:1")
    network = wait_for_question(api, "Vraag 6 van 6", after=money["message_id"])
    api.tap(YOUNGSTER, network["message_id"], data="q.network:4")
    summary = wait_for_question(
        api, "Dit krijgen de coaches van Klik te zien", after=network["message_id"]
    )
    assert "ik kan goed tekenen" in summary["text"] and "thuis is het druk" in summary["text"]
    api.tap(YOUNGSTER, summary["message_id"], text="✅ Versturen")
    queued = wait_for_question(api, "Je staat in de wachtrij ✅", after=summary["message_id"])
    assert "uiterlijk" in queued["text"]

    assert klik.stop() == 0
    youngster, answers, cases = asyncio.run(stored(database_url))
    assert youngster.state == "queued" and youngster.age_band == "16_17"
    assert answers["strengths"].text == "ik kan goed tekenen"
    assert answers["health"].choice == "2"
    assert (answers["home"].choice, answers["home"].text) == ("3", "thuis is het druk")
    assert answers["goals"].text == "en ik slaap slecht"  # typed while the bot was down
    assert answers["money"].choice == "1" and answers["network"].choice == "4"
    assert len(cases) == 1 and cases[0].state == "queued"

    # Each reply exactly once, even across the kill and the rate limit.
    texts = [m["text"] for m in api.messages(YOUNGSTER)]
    assert sum("Vraag 4 van 6" in t for t in texts) == 2  # the question, and after the note
    assert sum("Je staat in de wachtrij ✅" in t for t in texts) == 1
    # The tapped question shows the chosen answer.
    by_id = {m["message_id"]: m["text"] for m in api.messages(YOUNGSTER)}
    assert by_id[health["message_id"]].endswith("👉 🙁 niet zo goed")


def test_the_log_holds_no_token_no_message_text_and_no_telegram_identity(
    api: FakeBotApi, klik: Klik
) -> None:
    start_and_consent(api, klik)
    api.send_text(YOUNGSTER, "mijn geheim is ZEBRA-42")
    wait_for_question(api, "Bewaard 👍")
    api.send_sticker(YOUNGSTER)
    wait_for_question(api, "niet bewaren voor je coach")
    api.send_voice(YOUNGSTER)
    wait_for_question(api, "Bewaard voor je coach")
    assert klik.stop() == 0
    log = klik.log()
    assert "handled" in log  # it did log the events
    for secret in (
        api.token,
        api.token.split(":")[1],
        "ZEBRA-42",
        "jo_secret_handle",
        str(YOUNGSTER),
    ):
        assert secret not in log


def test_the_command_menu_is_set_in_dutch_and_english(api: FakeBotApi, klik: Klik) -> None:
    klik.start()
    assert api.wait_until_polling(timeout=30)
    assert klik.stop() == 0
    dutch = [c["command"] for c in api.commands(language_code="nl")]
    english = [c["command"] for c in api.commands(language_code="en")]
    assert dutch == [
        "start",
        "status",
        "afspraak",
        "help",
        "stop",
        "opnieuw",
        "andere_coach",
        "mijngegevens",
        "vergeet",
    ]
    assert english == [
        "start",
        "status",
        "appointment",
        "help",
        "stop",
        "restart",
        "other_coach",
        "mydata",
        "forget",
    ]


def test_klik_run_warns_at_start_that_a_crisis_would_reach_nobody(
    api: FakeBotApi, klik: Klik
) -> None:
    klik.start()  # no coach or team lead is linked
    assert api.wait_until_polling(timeout=30)
    assert klik.stop() == 0
    lines = klik.log().splitlines()
    warned = [
        line
        for line in lines
        if logged("WARNING", "bot.process.jobs", "a crisis now would reach nobody") in line
    ]
    assert len(warned) == 1
