"""The steps several end-to-end journeys share, through the real `klik run` and the Bot API
stand-in: the people (Jo, a youngster; Lotte, a coach), an operator adding Lotte, Lotte linking
her chat, Jo's shortest intake to the queue and Lotte's claim."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.e2e.test_intake_e2e import ROOT
from tests.support.botapi import FakeBotApi

YOUNGSTER, COACH = 7001, 8001
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def jo_and_lotte(api: FakeBotApi) -> FakeBotApi:
    """The stand-in with Jo and Lotte, each with a handle that must never reach the other."""
    api.user(YOUNGSTER, first_name="Jo", username="jo_secret_handle", language_code="nl")
    api.user(COACH, first_name="Lotte", username="lotte_private", language_code="nl")
    return api


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


def link_coach(api: FakeBotApi, code: str) -> None:
    """Lotte sends her invite code and is welcomed."""
    api.send_command(COACH, f"/coach {code}")
    api.wait_for_message(COACH, contains="Welkom Lotte!", timeout=20)


def intake_to_queue(api: FakeBotApi, start: str = "/start") -> None:
    """Jo's shortest intake: consent, age, "just talk", and the queue's confirmation."""
    api.send_command(YOUNGSTER, start)
    consent = api.wait_for_message(YOUNGSTER, contains="Is dat oké voor jou?", timeout=20)
    api.tap(YOUNGSTER, consent["message_id"], text="👍 Oké, we beginnen")
    age = api.wait_for_message(YOUNGSTER, contains="Hoe oud ben je?", timeout=20)
    api.tap(YOUNGSTER, age["message_id"], text="16 - 17")
    opener = api.wait_for_message(YOUNGSTER, contains="Vraag 1 van 6", timeout=20)
    api.tap(YOUNGSTER, opener["message_id"], text="💬 Ik wil gewoon met iemand praten")
    api.wait_for_message(YOUNGSTER, contains="Je staat in de wachtrij ✅", timeout=20)


def claim_offer(api: FakeBotApi) -> tuple[dict[str, Any], str]:
    """Lotte taps the offer she was sent; the offer and Jo's pseudonym in it."""
    offer = api.wait_for_message(COACH, contains="Nieuwe aanvraag", timeout=20)
    found = re.search(r"Nieuwe aanvraag: (\w+-\d{4})", offer["text"])
    assert found, offer["text"]
    api.tap(COACH, offer["message_id"], text="✋ Ik neem dit op")
    api.wait_for_message(COACH, contains="Stel je nu voor", timeout=20)
    return offer, found.group(1)
