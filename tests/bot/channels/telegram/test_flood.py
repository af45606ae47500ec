"""The flood limit through the real Telegram handlers: one youngster writing very fast gets one
kind word, loses nothing, pings their coach once, and holds up nobody else."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram import Update

from bot.process.jobs import guard_job
from bot.services.render import Renderer
from bot.services.staff import StaffService
from flows.intake import IntakeFlow, Rules
from storage.db import Database
from storage.models import CaseMessage
from tests.bot.channels.telegram.test_handlers import CHAT, Harness
from tests.bot.channels.telegram.wired import wired
from tests.bot.team import add
from tests.conftest import Clock

COACH = 515151
OTHER = 434343
SLOW_DOWN = "Even rustig aan 🙂 Ik heb je berichten. Je coach leest ze allemaal."
_ids = itertools.count(50_000)


@pytest.fixture
async def harness(
    db: Database, flow: IntakeFlow, rules: Rules, renderer: Renderer, clock: Clock
) -> AsyncIterator[Harness]:
    async with wired(db, flow, rules, renderer, clock) as w:
        yield Harness(w.application, w.handlers, w.sender, w.request)


def _text(text: str, chat: int) -> dict[str, Any]:
    return {
        "message_id": next(_ids),
        "date": int(time.time()),
        "text": text,
        "chat": {"id": chat, "type": "private", "first_name": "Jo"},
        "from": {"id": chat, "is_bot": False, "first_name": "Jo", "language_code": "nl"},
    }


async def _handle_only(harness: Harness, text: str, chat: int) -> None:
    """An update handled without sending anything yet: replies wait in the outbox."""
    data = {"update_id": next(_ids), "message": _text(text, chat)}
    await harness.handlers.handle(
        harness.application, Update.de_json(data, harness.application.bot)
    )


async def with_coach(harness: Harness, db: Database, clock: Clock) -> None:
    """A youngster (CHAT) whose case Lotte (COACH) claimed."""
    await add(db, clock, str(COACH), role="coach", name="Lotte", languages="nl", capacity=8)
    await harness.write("/start")
    await harness.tap("consent:yes:nl:")
    await harness.tap("talk")
    offer = next(p for p in harness.request.sent("sendMessage") if int(p["chat_id"]) == COACH)
    _, data = harness.buttons(offer)[0]
    offer_id = 1000 + harness.request.sent("sendMessage").index(offer) + 1
    await harness.tap(data, on={**offer, "message_id": offer_id}, chat=COACH)
    harness.request.calls.clear()


def to(harness: Harness, chat: int) -> list[str]:
    return [p["text"] for p in harness.request.sent("sendMessage") if int(p["chat_id"]) == chat]


async def test_above_twenty_messages_a_minute_the_youngster_hears_slow_down_once(
    harness: Harness, db: Database, clock: Clock
) -> None:
    await with_coach(harness, db, clock)
    for n in range(30):
        await harness.write(f"bericht {n}")
    assert to(harness, CHAT).count(SLOW_DOWN) == 1
    assert to(harness, CHAT)[-1] == SLOW_DOWN


async def test_above_the_limit_the_coach_gets_one_notice_instead_of_a_message_each(
    harness: Harness, db: Database, clock: Clock
) -> None:
    await with_coach(harness, db, clock)
    for n in range(30):
        await harness.write(f"bericht {n}")
    to_coach = to(harness, COACH)
    assert [t for t in to_coach if t.startswith("💬")] == [
        f"💬 {t.split(':')[0][2:]}:\nbericht {n}" for n, t in zip(range(20), to_coach, strict=False)
    ]
    assert len(to_coach) == 21
    assert "stuurt veel berichten kort na elkaar" in to_coach[-1]


async def test_every_message_above_the_limit_is_kept_in_the_case(
    harness: Harness, db: Database, clock: Clock
) -> None:
    await with_coach(harness, db, clock)
    for n in range(30):
        await harness.write(f"bericht {n}")
    async with db.transaction() as session:
        query = select(func.count()).select_from(CaseMessage)
        query = query.where(CaseMessage.sender == "youngster")
        assert (await session.execute(query)).scalar_one() == 30


async def test_held_messages_reach_the_coach_together_when_the_youngster_writes_a_minute_later(
    harness: Harness, db: Database, clock: Clock
) -> None:
    await with_coach(harness, db, clock)
    for n in range(23):
        await harness.write(f"bericht {n}")
    clock.advance(seconds=61)
    await harness.write("rustig nu")
    held, latest = to(harness, COACH)[-2:]
    assert held.endswith("(3):\nbericht 20\n\nbericht 21\n\nbericht 22")
    assert latest.endswith(":\nrustig nu")


async def test_a_crisis_message_above_the_limit_is_answered_and_alerted(
    harness: Harness, db: Database, clock: Clock
) -> None:
    await with_coach(harness, db, clock)
    for n in range(25):
        await harness.write(f"bericht {n}")
    await harness.write("ik wil dood, ik heb de pillen al klaargelegd")
    assert any(t.startswith("Wat je schrijft klinkt heel zwaar.") for t in to(harness, CHAT))
    assert any(t.startswith("💬") and "pillen" in t for t in to(harness, COACH))


async def test_before_consent_a_flood_gets_one_slow_down_and_then_quiet(harness: Harness) -> None:
    for _ in range(20):
        await harness.write("hallo?")
    answered = len(to(harness, CHAT))
    for _ in range(5):
        await harness.write("hallo?")
    assert to(harness, CHAT)[answered:] == [
        "Even rustig aan 🙂 Wacht een momentje en stuur dan opnieuw."
    ]


async def test_before_consent_a_flooder_asking_for_their_data_is_still_answered(
    harness: Harness,
) -> None:
    for _ in range(25):
        await harness.write("hallo?")
    await harness.write("/mijngegevens")
    assert (
        to(harness, CHAT)[-1] == "Er is niets van je bewaard. Je bent altijd welkom: stuur /start."
    )


async def test_a_flooder_asking_for_their_data_gets_it_at_once_as_text_and_file(
    harness: Harness, db: Database, clock: Clock
) -> None:
    await with_coach(harness, db, clock)
    for n in range(25):
        await harness.write(f"bericht {n}")
    await harness.write("/mijngegevens")
    assert to(harness, CHAT)[-1].startswith("Dit bewaart Klik over jou:")
    assert [int(p["chat_id"]) for p in harness.request.sent("sendDocument")] == [CHAT]


async def test_with_one_flooder_sending_200_messages_another_youngster_s_reply_goes_first(
    harness: Harness, db: Database, clock: Clock
) -> None:
    await with_coach(harness, db, clock)
    for n in range(200):
        await _handle_only(harness, f"bericht {n}", CHAT)
    await _handle_only(harness, "/start", OTHER)
    await harness.sender.drain()
    order = [int(p["chat_id"]) for p in harness.request.sent("sendMessage")]
    assert order[0] == OTHER
    assert order.count(CHAT) == 1  # "even rustig aan"; the rest went to the coach
    assert order.count(COACH) == 21  # twenty relayed, one notice


async def test_held_messages_reach_the_coach_by_the_scheduled_job_if_the_youngster_stops(
    harness: Harness, db: Database, clock: Clock, flow: IntakeFlow, rules: Rules
) -> None:
    await with_coach(harness, db, clock)
    for n in range(22):
        await harness.write(f"bericht {n}")
    matchteam = StaffService(flow, rules)
    await guard_job(db, matchteam, clock, lambda: None)
    await harness.sender.drain()
    assert not to(harness, COACH)[-1].endswith("\nbericht 21")
    clock.advance(seconds=61)
    await guard_job(db, matchteam, clock, lambda: None)
    await guard_job(db, matchteam, clock, lambda: None)
    await harness.sender.drain()
    assert to(harness, COACH)[-1].endswith("(2):\nbericht 20\n\nbericht 21")
    assert sum("bericht 20" in t for t in to(harness, COACH)) == 1


async def test_a_flooder_s_command_is_still_answered(
    harness: Harness, db: Database, clock: Clock
) -> None:
    await with_coach(harness, db, clock)
    for n in range(25):
        await harness.write(f"bericht {n}")
    await harness.write("/status")
    assert to(harness, CHAT)[-1] != SLOW_DOWN
    assert to(harness, CHAT).count(SLOW_DOWN) == 1


async def test_a_flooder_s_commands_bring_neither_a_new_notice_nor_a_new_slow_down(
    harness: Harness, db: Database, clock: Clock
) -> None:
    await with_coach(harness, db, clock)
    for n in range(25):
        await harness.write(f"bericht {n}")
    for n in range(3):
        await harness.write("/status")
        await harness.write(f"nog {n}")
    assert to(harness, CHAT).count(SLOW_DOWN) == 1
    assert len(to(harness, COACH)) == 21
