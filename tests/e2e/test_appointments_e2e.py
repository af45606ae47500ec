"""End to end through the real `klik run` process and the Bot API stand-in: a coach proposes
an appointment with /afspraak, the youngster confirms with one tap and opts in to a reminder,
the reminder fires when the injected clock (CLOCK_OFFSET_FILE) reaches it, and an hour after
the end the coach is asked how it went; "niet gelukt" sends the youngster a kind check-in.
Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

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
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        yield jo_and_lotte(stand_in)


def travel_to(offset_file: Path, moment: datetime) -> None:
    """Move klik's clock so that it now reads `moment` (the wall clock plus an offset)."""
    offset = (moment - datetime.now(UTC)).total_seconds()
    offset_file.write_text(f"{offset:.3f}")


def test_propose_confirm_remind_and_a_kind_check_in_after_a_missed_meeting(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path
) -> None:
    offset_file = tmp_path / "clock-offset"
    offset_file.write_text("0")
    klik.env["CLOCK_OFFSET_FILE"] = str(offset_file)
    code = add_coach(database_url, tmp_path)
    klik.start()
    assert api.wait_until_polling(timeout=30)
    link_coach(api, code)
    intake_to_queue(api)
    _, pseudonym = claim_offer(api)
    api.send_text(COACH, "Hoi! Ik ben Lotte.")
    api.wait_for_message(YOUNGSTER, contains="Lotte (coach) is er voor je!", timeout=20)

    # Propose: tomorrow 15:00 in Brussels.
    api.send_text(COACH, "/afspraak video morgen 15u https://meet.example/klik")
    proposal = api.wait_for_message(YOUNGSTER, contains="Lotte stelt een afspraak voor", timeout=20)
    assert "https://meet.example/klik" in proposal["text"]
    api.wait_for_message(COACH, contains=f"Voorstel verstuurd aan {pseudonym}", timeout=20)

    # Confirm with one tap; the coach is told.
    api.tap(YOUNGSTER, proposal["message_id"], text="✅ Past")
    api.wait_for_message(YOUNGSTER, contains="Top, afgesproken met Lotte!", timeout=20)
    ask = api.wait_for_message(YOUNGSTER, contains="Wil je een herinnering?", timeout=20)
    api.wait_for_message(COACH, contains=f"Afgesproken met {pseudonym}", timeout=20)

    # Opt in: one hour before.
    api.tap(YOUNGSTER, ask["message_id"], text="⏰ Een uur ervoor")
    api.wait_for_message(YOUNGSTER, contains="een uur ervoor een berichtje", timeout=20)

    tomorrow = datetime.now(BRUSSELS).date() + timedelta(days=1)
    starts = datetime.combine(tomorrow, time(15, 0), tzinfo=BRUSSELS).astimezone(UTC)

    # The reminder fires when klik's clock reaches it.
    travel_to(offset_file, starts - timedelta(hours=1) + timedelta(seconds=20))
    api.wait_for_message(YOUNGSTER, contains="Over een uur: je afspraak met Lotte", timeout=40)
    api.wait_for_message(COACH, contains=f"Over een uur: afspraak met {pseudonym}", timeout=40)

    # An hour after the end the coach is asked; missed sends a kind check-in, never a close.
    travel_to(offset_file, starts + timedelta(hours=2, seconds=20))
    check = api.wait_for_message(COACH, contains="Hoe ging de afspraak", timeout=40)
    api.tap(COACH, check["message_id"], text="🙈 Niet gelukt")
    check_in = api.wait_for_message(
        YOUNGSTER, contains="Geen probleem. Zullen we een nieuw moment zoeken?", timeout=20
    )
    assert check_in.get("reply_markup"), "the check-in carries the picks for a new moment"
    assert klik.stop() == 0

    coach_side = " ".join(m["text"] for m in api.messages(COACH) if "text" in m)
    for secret in ("jo_secret_handle", str(YOUNGSTER)):
        assert secret not in coach_side
