"""End to end through the real `klik run` process and the Bot API stand-in: a coach links their
account with an invite code, a youngster does the intake, the coach is notified, claims, and
they write both ways (text, reply-to and a photo). Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.journey import (
    COACH,
    TOKEN,
    YOUNGSTER,
    add_coach,
    claim_offer,
    intake_to_queue,
    jo_and_lotte,
    link_coach,
)
from tests.e2e.test_intake_e2e import Klik
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        yield jo_and_lotte(stand_in)


def test_a_youngster_reaches_a_coach_who_claims_and_they_talk_both_ways(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path
) -> None:
    code = add_coach(database_url, tmp_path)
    klik.start()
    assert api.wait_until_polling(timeout=30)
    link_coach(api, code)
    intake_to_queue(api, "/start insta")
    offer, pseudonym = claim_offer(api)
    assert "16 - 17" in offer["text"]
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
