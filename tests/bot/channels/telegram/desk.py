"""A desk for the access tests: a youngster waiting, offered to two coaches, Lotte and Bram,
through the real handlers (python-telegram-bot in-process, the real service, database and
sender), with helpers to type and tap as any of them."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import col
from telegram import Update

from bot.services.render import Renderer
from flows.intake import IntakeFlow, Rules
from storage.db import Database
from storage.models import Case, CaseMessage, Youngster
from tests.bot.channels.telegram.test_handlers import Harness
from tests.bot.channels.telegram.wired import wired
from tests.bot.served import text_update
from tests.bot.team import add
from tests.conftest import Clock

YOUNGSTER, LOTTE, BRAM = 424242, 515151, 626262
UNKNOWN = "Die knop werkt niet meer."
WHICH_CASE = "Voor wie is dit bericht?"
_ids = itertools.count(10_000)


@dataclass
class Desk:
    """A youngster waiting, offered to Lotte and Bram; helpers to act as any of them."""

    harness: Harness
    db: Database
    staff: dict[int, int]  # chat -> staff id

    def sent_to(self, chat: int) -> list[dict[str, Any]]:
        """Every sendMessage to a chat, each with the message id Telegram gave it."""
        return [
            {**params, "message_id": 1001 + at}
            for at, params in enumerate(self.harness.request.sent("sendMessage"))
            if int(params["chat_id"]) == chat
        ]

    def texts_to(self, chat: int) -> list[str]:
        return [params["text"] for params in self.sent_to(chat)]

    def offer_to(self, chat: int) -> dict[str, Any]:
        return next(p for p in self.sent_to(chat) if "Nieuwe aanvraag" in p["text"])

    async def tap(self, chat: int, data: str, on: dict[str, Any] | None = None) -> str:
        """Tap (forged data too) on a message in `chat`; what the tap was answered."""
        message = on or self.sent_to(chat)[-1]
        await self.harness.tap(data, on=message, chat=chat)
        return str(self.harness.request.sent("answerCallbackQuery")[-1].get("text") or "")

    async def tap_deleted(self, chat: int, data: str) -> str:
        """Tap data on a message Telegram no longer shows (deleted): the update carries no
        keyboard to check the data against, so the data reaches the service's rules."""
        query = {
            "id": str(next(_ids)),
            "chat_instance": "ci-1",
            "data": data,
            "from": {"id": chat, "is_bot": False, "first_name": "Jo", "language_code": "nl"},
            "message": {"message_id": 1, "date": 0, "chat": {"id": chat, "type": "private"}},
        }
        bot = self.harness.application.bot
        update = Update.de_json({"update_id": next(_ids), "callback_query": query}, bot)
        await self.harness.handlers.handle(self.harness.application, update)
        await self.harness.sender.drain()
        return str(self.harness.request.sent("answerCallbackQuery")[-1].get("text") or "")

    async def write(
        self, chat: int, text: str, *, reply_to: int | None = None, drain: bool = True
    ) -> None:
        """Write as `chat`, perhaps answering the bot's message `reply_to`: the update
        Telegram posts (tests/bot/served.py builds it), handled in-process."""
        bot = self.harness.application.bot
        update = Update.de_json(text_update(text, chat=chat, reply_to=reply_to), bot)
        await self.harness.handlers.handle(self.harness.application, update)
        if drain:
            await self.harness.sender.drain()

    async def case(self) -> Case:
        async with self.db.transaction() as session:
            return (await session.execute(select(Case))).scalar_one()

    async def pseudonym(self) -> str:
        async with self.db.transaction() as session:
            return (await session.execute(select(Youngster.pseudonym))).scalar_one()

    async def count(self, model: Any, *where: Any) -> int:
        async with self.db.transaction() as session:
            query = select(func.count()).select_from(model).where(*where)
            return int((await session.execute(query)).scalar_one())

    async def case_texts(self) -> list[str]:
        """Every case message's words, opened: a sealed column cannot be searched in SQL."""
        async with self.db.transaction() as session:
            return list((await session.execute(select(col(CaseMessage.text)))).scalars())

    async def claimed_by_lotte(self) -> Case:
        assert (
            await self.tap(LOTTE, "claim:" + str((await self.case()).id), self.offer_to(LOTTE))
            == ""
        )
        await self.write(LOTTE, "Hoi, ik ben Lotte.")
        case = await self.case()
        assert case.coach_id == self.staff[LOTTE] and case.state == "active"
        return case


# Each forged tap once on a message (the handler sees the data is none of its buttons) and
# once on a deleted message (no keyboard to check against: the rules must refuse it).
ON = pytest.mark.parametrize("deleted", [False, True], ids=["on_a_message", "on_a_deleted_one"])


@asynccontextmanager
async def open_desk(
    db: Database, flow: IntakeFlow, rules: Rules, renderer: Renderer, clock: Clock
) -> AsyncIterator[Desk]:
    """The desk: Lotte and Bram linked, the youngster queued and offered to both."""
    staff = {
        chat: await add(db, clock, str(chat), role="coach", name=name, languages="nl", capacity=8)
        for chat, name in ((LOTTE, "Lotte"), (BRAM, "Bram"))
    }
    async with wired(db, flow, rules, renderer, clock) as w:
        harness = Harness(w.application, w.handlers, w.sender, w.request)
        await harness.write("/start", chat=YOUNGSTER)
        await harness.tap("consent:yes:nl:", chat=YOUNGSTER)
        await harness.tap("talk", chat=YOUNGSTER)
        yield Desk(harness, db, staff)
