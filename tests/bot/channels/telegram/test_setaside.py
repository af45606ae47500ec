"""Setting aside an update that fails the same way again and again, on a real database."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select
from telegram import Update

from bot.channels.telegram.setaside import SetAside
from bot.services.conversation import ConversationService
from flows.intake import IntakeFlow
from storage.db import Database
from storage.models import OutboxMessage, SetAsideUpdate
from tests.conftest import Clock

CHAT = 424242


def a_text(update_id: int = 9) -> Update:
    message = {
        "message_id": 3,
        "date": int(time.time()),
        "text": "hello",
        "chat": {"id": CHAT, "type": "private", "first_name": "Jo"},
        "from": {"id": CHAT, "is_bot": False, "first_name": "Jo", "language_code": "en"},
    }
    return Update.de_json({"update_id": update_id, "message": message}, None)


@pytest.fixture
def set_aside(db: Database, flow: IntakeFlow, clock: Clock) -> SetAside:
    return SetAside(ConversationService(db, flow, clock=clock))


async def kept(db: Database) -> list[tuple[str, str, str]]:
    async with db.transaction() as session:
        rows = (await session.execute(select(SetAsideUpdate))).scalars()
        return [(r.event_id, r.kind, r.reason) for r in rows]


async def outbox(db: Database) -> list[tuple[str, str, str]]:
    async with db.transaction() as session:
        rows = (await session.execute(select(OutboxMessage))).scalars()
        return [(r.address, r.language, json.loads(r.payload)["key"]) for r in rows]


async def test_an_update_failing_the_same_way_three_times_is_set_aside(
    set_aside: SetAside, db: Database
) -> None:
    update = a_text()

    outcomes = [
        await set_aside.failed(update, UnicodeEncodeError("utf-8", "", 0, 1, "")) for _ in range(3)
    ]

    assert outcomes == [False, False, True]
    assert await kept(db) == [("tg:9", "message", "UnicodeEncodeError")]


async def test_the_sender_of_a_set_aside_update_is_told_kindly_in_their_language(
    set_aside: SetAside, db: Database
) -> None:
    for _ in range(3):
        await set_aside.failed(a_text(), ValueError())

    assert await outbox(db) == [(str(CHAT), "en", "error.set_aside")]


async def test_a_database_that_is_down_never_sets_an_update_aside(
    set_aside: SetAside, db: Database
) -> None:
    outcomes = [await set_aside.failed(a_text(), ConnectionRefusedError()) for _ in range(5)]

    assert outcomes == [False] * 5
    assert await kept(db) == []


async def test_failing_another_way_starts_the_count_again(
    set_aside: SetAside, db: Database
) -> None:
    update = a_text()
    errors = [ValueError(), ValueError(), KeyError(), KeyError(), KeyError()]

    outcomes = [await set_aside.failed(update, error) for error in errors]

    assert outcomes == [False, False, False, False, True]
    assert await kept(db) == [("tg:9", "message", "KeyError")]


async def test_an_update_that_went_through_starts_from_nothing_when_it_fails_again(
    set_aside: SetAside, db: Database
) -> None:
    update = a_text()
    for _ in range(2):
        await set_aside.failed(update, ValueError())

    set_aside.handled(update.update_id)

    assert [await set_aside.failed(update, ValueError()) for _ in range(2)] == [False, False]
    assert await kept(db) == []
