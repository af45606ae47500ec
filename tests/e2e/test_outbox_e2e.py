"""End to end through the real `klik run` and the Bot API stand-in: what the outbox sender
does when Telegram rate-limits one chat, goes away for a while, or gets a text too long for
one message. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.journey import add_coach
from tests.e2e.test_intake_e2e import Klik
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
JO, SAM, COACH = 7001, 7002, 8001
THUMB = "👍🏽"  # one emoji of two code points


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        stand_in.user(JO, first_name="Jo", language_code="nl")
        stand_in.user(SAM, first_name="Sam", language_code="nl")
        stand_in.user(COACH, first_name="Lotte", language_code="nl")
        yield stand_in


def consent_and_age(api: FakeBotApi, chat: int) -> dict:  # type: ignore[type-arg]
    """/start, okay and an age: returns the first question."""
    api.send_command(chat, "/start")
    consent = api.wait_for_message(chat, contains="Is dat oké voor jou?", timeout=20)
    api.tap(chat, consent["message_id"], text="👍 Oké, we beginnen")
    age = api.wait_for_message(chat, contains="Hoe oud ben je?", timeout=20)
    api.tap(chat, age["message_id"], text="16 - 17")
    return api.wait_for_message(chat, contains="Vraag 1 van 6", timeout=20)


def test_a_crisis_reply_is_not_held_up_by_sixty_replies_to_a_rate_limited_chat(
    api: FakeBotApi, klik: Klik
) -> None:
    klik.start()
    assert api.wait_until_polling(timeout=30)
    consent_and_age(api, JO)
    api.rate_limit(JO, retry_after=60)  # Telegram: slow down, for Jo's chat only
    for number in range(60):
        api.send_text(JO, f"nog iets, nummer {number}")
    api.wait_for(lambda a: a.pending_updates() == 0, timeout=60)  # 60 replies wait for Jo

    api.send_text(SAM, "i just took a whole pack of pills")

    api.wait_for_message(SAM, contains="Are you safe right now?", timeout=20)
    assert "112" in api.messages(SAM)[0]["text"]
    to_jo = [p for _, p in api.accepted("sendMessage") if p["chat_id"] == JO]
    assert not any("nog iets" in p["text"] or "Bewaard" in p["text"] for p in to_jo)


def test_replies_go_out_within_seconds_once_telegram_is_back_after_an_outage(
    api: FakeBotApi, klik: Klik
) -> None:
    klik.start()
    assert api.wait_until_polling(timeout=30)
    api.go_down(on="sendMessage")  # Telegram goes away just as the welcome is sent
    api.send_command(JO, "/start")
    api.wait_for(lambda a: a.down, timeout=20)
    time.sleep(16)  # the sender keeps trying all the while
    api.come_back()
    back = time.monotonic()

    api.wait_for_message(JO, contains="Is dat oké voor jou?", timeout=15)
    # Without a cap the next try would come 15 s after Telegram is back.
    assert time.monotonic() - back < 8


def claimed_by_coach(api: FakeBotApi, database_url: str, workdir: Path, klik: Klik) -> str:
    """A coach is linked and Jo waits in the queue; returns Jo's pseudonym."""
    code = add_coach(database_url, workdir)
    klik.start()
    assert api.wait_until_polling(timeout=30)
    api.send_command(COACH, f"/coach {code}")
    api.wait_for_message(COACH, contains="Welkom Lotte!", timeout=20)
    opener = consent_and_age(api, JO)
    api.tap(JO, opener["message_id"], text="💬 Ik wil gewoon met iemand praten")
    api.wait_for_message(JO, contains="Je staat in de wachtrij ✅", timeout=20)
    offer = api.wait_for_message(COACH, contains="Nieuwe aanvraag", timeout=20)
    found = re.search(r"Nieuwe aanvraag: (\w+-\d{4})", offer["text"])
    assert found is not None
    return found.group(1)


def claim(api: FakeBotApi) -> list[str]:
    """The coach claims Jo; returns the texts the coach got since, in order."""
    offer = api.wait_for_message(COACH, contains="Nieuwe aanvraag", timeout=20)
    before = offer["message_id"]
    api.tap(COACH, offer["message_id"], text="✋ Ik neem dit op")
    api.wait_for_message(COACH, contains="Stel je nu voor", after_message_id=before, timeout=30)
    return [m["text"] for m in api.messages(COACH) if m["message_id"] > before]


def test_a_coach_reads_fifteen_thousand_characters_written_while_waiting_whole_and_in_order(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path
) -> None:
    pseudonym = claimed_by_coach(api, database_url, tmp_path, klik)
    notes = [
        " ".join(f"Dit is zin {n} van bericht {m}, over thuis en school." for n in range(70))
        for m in range(1, 5)
    ]  # four messages of about 3,700 characters: 15,000 in all
    for note in notes:
        api.send_text(JO, note)
        api.wait_for_message(JO, contains="Bewaard", count=notes.index(note) + 1, timeout=20)

    parts = claim(api)[:-1]  # the last one asks the coach to say hello

    assert len(parts) == 4 and all(len(part) <= 4096 for part in parts)
    expected = f"Dit schreef {pseudonym} terwijl die wachtte:\n" + "\n".join(notes)
    assert "".join("".join(parts).split()) == "".join(expected.split())


def test_four_thousand_emoji_written_while_waiting_reach_the_coach_none_taken_apart(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path
) -> None:
    claimed_by_coach(api, database_url, tmp_path, klik)
    for count in (1, 2):
        api.send_text(JO, THUMB * 2048)  # 4,096 code points: as long as Telegram lets Jo write
        api.wait_for_message(JO, contains="Bewaard", count=count, timeout=20)

    parts = claim(api)[:-1]  # with the line above them, they fit in no message as they are

    assert len(parts) == 3 and all(len(part) <= 4096 for part in parts)
    assert "".join(parts).count(THUMB) == 4096
    assert all(part.count("👍") == part.count("🏽") for part in parts)  # no thumb without its tone
