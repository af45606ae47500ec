"""End to end through the real `klik run` process and the Bot API stand-in: a coach links their
account with an invite code, a youngster does the intake, the coach is notified, claims, and
they write both ways (text, reply-to and a photo). Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_intake_e2e import ROOT, Klik
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e

YOUNGSTER, COACH = 7001, 8001
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        stand_in.user(YOUNGSTER, first_name="Jo", username="jo_secret_handle", language_code="nl")
        stand_in.user(COACH, first_name="Lotte", username="lotte_private", language_code="nl")
        yield stand_in


def add_coach(database_url: str, workdir: Path) -> str:
    """`klik coach add` as an operator runs it; returns the invite code it prints."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.process.cli",
            "coach",
            "add",
            "--name",
            "Lotte",
            "--languages",
            "nl",
            "--focus",
            "money,home",
            "--capacity",
            "8",
            "--intro",
            "Ik werk bij het JAC in Gent.",
            # The process runs on the wall clock: Lotte works every hour, whenever CI runs.
            "--hours",
            "mon-sun 00:00-24:00",
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    match = re.search(r"/coach (KLIK(?:-\w{4}){6})", result.stdout)
    assert match, result.stdout
    return match.group(1)


def test_a_youngster_reaches_a_coach_who_claims_and_they_talk_both_ways(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path
) -> None:
    code = add_coach(database_url, tmp_path)
    klik.start()
    assert api.wait_until_polling(timeout=30)
    api.send_command(COACH, f"/coach {code}")
    api.wait_for_message(COACH, contains="Welkom Lotte!", timeout=20)

    api.send_command(YOUNGSTER, "/start insta")
    consent = api.wait_for_message(YOUNGSTER, contains="Is dat oké voor jou?", timeout=20)
    api.tap(YOUNGSTER, consent["message_id"], text="👍 Oké, we beginnen")
    age = api.wait_for_message(YOUNGSTER, contains="Hoe oud ben je?", timeout=20)
    api.tap(YOUNGSTER, age["message_id"], text="16 - 17")
    opener = api.wait_for_message(YOUNGSTER, contains="Vraag 1 van 6", timeout=20)
    api.tap(YOUNGSTER, opener["message_id"], text="💬 Ik wil gewoon met iemand praten")
    api.wait_for_message(YOUNGSTER, contains="Je staat in de wachtrij ✅", timeout=20)

    offer = api.wait_for_message(COACH, contains="Nieuwe aanvraag", timeout=20)
    pseudonym = re.search(r"Nieuwe aanvraag: (\w+-\d{4})", offer["text"]).group(1)  # type: ignore[union-attr]
    assert "16 - 17" in offer["text"]
    api.tap(COACH, offer["message_id"], text="✋ Ik neem dit op")
    api.wait_for_message(COACH, contains="Stel je nu voor", timeout=20)
    api.wait_for(
        lambda a: (
            "Je hebt"
            in next(m["text"] for m in a.messages(COACH) if m["message_id"] == offer["message_id"])
        ),
        timeout=20,
    )

    api.send_text(COACH, "Hoi! Ik ben Lotte. Hoe gaat het met je?")
    hello = api.wait_for_message(YOUNGSTER, contains="Lotte (coach) is er voor je!", timeout=20)
    assert (
        "Ik werk bij het JAC in Gent." in hello["text"] and "Hoe gaat het met je?" in hello["text"]
    )

    api.send_text(YOUNGSTER, "Niet zo goed, ik heb schulden")
    relayed = api.wait_for_message(COACH, contains="ik heb schulden", timeout=20)
    assert relayed["text"] == f"💬 {pseudonym}:\nNiet zo goed, ik heb schulden"
    api.send_photo(YOUNGSTER)
    api.wait_for_message(COACH, contains=f"📎 {pseudonym} stuurde:", timeout=20)
    api.wait_for(lambda a: len(a.requests("copyMessage")) == 1, timeout=20)

    api.send_text(COACH, "Dat zoeken we samen uit.", reply_to=relayed["message_id"])
    api.wait_for_message(YOUNGSTER, contains="Lotte (coach): Dat zoeken we samen uit.", timeout=20)
    assert klik.stop() == 0

    coach_side = " ".join(m["text"] for m in api.messages(COACH) if "text" in m)
    youngster_side = " ".join(m["text"] for m in api.messages(YOUNGSTER) if "text" in m)
    for secret in ("jo_secret_handle", str(YOUNGSTER), "Jo "):
        assert secret not in coach_side
    for secret in ("lotte_private", str(COACH)):
        assert secret not in youngster_side
    copied = api.requests("copyMessage")[0][1]
    assert (str(copied["chat_id"]), str(copied["from_chat_id"])) == (str(COACH), str(YOUNGSTER))
