"""Who may see what, through the real handlers (python-telegram-bot in-process, the real
service, database and sender): a coach reads and writes only the cases they hold; a
deactivated coach neither claims, nor reads, nor receives; a youngster never reaches a staff
command; forged or stale buttons change nothing. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import col
from telegram import Update

from bot.services.render import Renderer
from flows.intake import IntakeFlow, Rules
from storage.db import Database
from storage.models import Case, CaseMessage, Offer, OutboxMessage, Staff, Youngster
from tests.bot.channels.telegram.test_handlers import Harness
from tests.bot.channels.telegram.wired import wired
from tests.bot.conftest import StaffCli
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
        message: dict[str, Any] = {
            "message_id": next(_ids),
            "date": int(time.time()),
            "text": text,
            "chat": {"id": chat, "type": "private", "first_name": "Jo"},
            "from": {"id": chat, "is_bot": False, "first_name": "Jo", "language_code": "nl"},
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        if reply_to is not None:
            message["reply_to_message"] = {
                "message_id": reply_to,
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private", "first_name": "Jo"},
                "from": {"id": 900001, "is_bot": True, "first_name": "Klik"},
                "text": "…",
            }
        bot = self.harness.application.bot
        update = Update.de_json({"update_id": next(_ids), "message": message}, bot)
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

    async def claimed_by_lotte(self) -> Case:
        assert (
            await self.tap(LOTTE, "claim:" + str((await self.case()).id), self.offer_to(LOTTE))
            == ""
        )
        await self.write(LOTTE, "Hoi, ik ben Lotte.")
        case = await self.case()
        assert case.coach_id == self.staff[LOTTE] and case.state == "active"
        return case


@pytest.fixture
async def desk(
    db: Database, flow: IntakeFlow, rules: Rules, renderer: Renderer, clock: Clock
) -> AsyncIterator[Desk]:
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


async def test_the_desk_offers_the_youngster_to_both_coaches(desk: Desk) -> None:
    assert desk.offer_to(LOTTE) and desk.offer_to(BRAM)
    assert (await desk.case()).state == "queued"


# -- a coach reads and writes only the cases they hold --------------------------------------


async def test_a_reply_to_the_offer_of_a_case_a_colleague_claimed_reaches_nobody(
    desk: Desk,
) -> None:
    case = await desk.claimed_by_lotte()
    to_youngster = len(desk.texts_to(YOUNGSTER))
    await desk.write(BRAM, "geheim voor jou", reply_to=desk.offer_to(BRAM)["message_id"])
    assert desk.texts_to(BRAM)[-1].startswith(WHICH_CASE)
    assert len(desk.texts_to(YOUNGSTER)) == to_youngster
    assert await desk.count(CaseMessage, col(CaseMessage.text) == "geheim voor jou") == 0
    assert (await desk.case()).coach_id == case.coach_id


async def test_a_reply_naming_a_message_in_another_coach_s_chat_reaches_nobody(
    desk: Desk,
) -> None:
    await desk.claimed_by_lotte()
    await desk.write(YOUNGSTER, "hoi Lotte")
    relayed = desk.sent_to(LOTTE)[-1]
    assert "hoi Lotte" in relayed["text"]
    to_youngster = len(desk.texts_to(YOUNGSTER))
    # Bram's client claims to answer the message that sits in Lotte's chat.
    await desk.write(BRAM, "ik lees mee", reply_to=relayed["message_id"])
    assert desk.texts_to(BRAM)[-1].startswith(WHICH_CASE)
    assert len(desk.texts_to(YOUNGSTER)) == to_youngster


@pytest.mark.parametrize("how", ["pseudonym", "case id", "tap"])
async def test_opening_another_coach_s_conversation_opens_nothing(desk: Desk, how: str) -> None:
    case = await desk.claimed_by_lotte()
    pseudonym = await desk.pseudonym()
    if how == "tap":
        await desk.tap(BRAM, f"open:{case.id}")
    else:
        which = pseudonym if how == "pseudonym" else str(case.id)
        await desk.write(BRAM, f"/open {which}")
        assert pseudonym not in desk.texts_to(BRAM)[-1]
    async with desk.db.transaction() as session:
        bram = await session.get(Staff, desk.staff[BRAM])
        assert bram is not None and bram.current_case_id is None
    to_youngster = len(desk.texts_to(YOUNGSTER))
    await desk.write(BRAM, "hallo?")
    assert desk.texts_to(BRAM)[-1].startswith(WHICH_CASE)
    assert len(desk.texts_to(YOUNGSTER)) == to_youngster


# Each forged tap once on a message (the handler sees the data is none of its buttons) and
# once on a deleted message (no keyboard to check against: the rules must refuse it).
ON = pytest.mark.parametrize("deleted", [False, True], ids=["on_a_message", "on_a_deleted_one"])


@ON
@pytest.mark.parametrize("data", ["close:{case}:done", "handover:{case}:{bram}", "accept:{case}"])
async def test_a_button_for_another_coach_s_case_changes_nothing(
    desk: Desk, data: str, deleted: bool
) -> None:
    before = await desk.claimed_by_lotte()
    to_youngster, to_lotte = len(desk.texts_to(YOUNGSTER)), len(desk.texts_to(LOTTE))
    forged = data.format(case=before.id, bram=desk.staff[BRAM])
    if deleted:
        assert await desk.tap_deleted(BRAM, forged) == UNKNOWN
    else:
        await desk.tap(BRAM, forged, desk.offer_to(BRAM))
    after = await desk.case()
    assert (after.state, after.coach_id, after.handover_to) == (
        before.state,
        before.coach_id,
        before.handover_to,
    )
    assert len(desk.texts_to(YOUNGSTER)) == to_youngster
    assert len(desk.texts_to(LOTTE)) == to_lotte


async def test_a_stale_offer_tapped_after_a_colleague_claimed_is_answered_taken(
    desk: Desk,
) -> None:
    case = await desk.claimed_by_lotte()
    assert (
        await desk.tap(BRAM, f"claim:{case.id}", desk.offer_to(BRAM)) == "Een collega was je voor."
    )
    assert (await desk.case()).coach_id == desk.staff[LOTTE]


@pytest.mark.parametrize(
    "data",
    [
        "claim:",
        "claim:abc",
        "claim:-1",
        "claim:99999999999999999999",
        "close:1",
        "close:x:done",
        "close:1:nonsense",
        "handover:1:",
        "handover:1:x",
        "accept:",
        "accept:99999999999999",
        "open:",
        "open:99",
        "💥",
        "x" * 64,
        "",
    ],
)
@ON
async def test_malformed_button_data_from_a_coach_gets_a_kind_answer_and_changes_nothing(
    desk: Desk, data: str, deleted: bool
) -> None:
    before = await desk.claimed_by_lotte()
    to_youngster = len(desk.texts_to(YOUNGSTER))
    if deleted:
        answer = await desk.tap_deleted(LOTTE, data)
    else:
        answer = await desk.tap(LOTTE, data, desk.offer_to(LOTTE))
    assert answer in ("", UNKNOWN)
    after = await desk.case()
    assert (after.state, after.coach_id, after.handover_to) == (
        before.state,
        before.coach_id,
        before.handover_to,
    )
    assert len(desk.texts_to(YOUNGSTER)) == to_youngster


# -- a deactivated coach neither claims, nor reads, nor receives ----------------------------


async def test_a_deactivated_coach_s_tap_on_an_old_offer_claims_nothing(
    desk: Desk, staff_cli: StaffCli
) -> None:
    assert (await staff_cli("coach", "deactivate", "Bram")).code == 0
    case = await desk.case()
    answer = await desk.tap(BRAM, f"claim:{case.id}", desk.offer_to(BRAM))
    assert answer in (UNKNOWN, "Die vraag is al voorbij.")
    after = await desk.case()
    assert (after.state, after.coach_id) == ("queued", None)
    assert await desk.count(Youngster) == 1  # nor is the chat taken for a youngster's


async def test_a_deactivated_coach_reads_nothing_of_their_former_case(
    desk: Desk, staff_cli: StaffCli
) -> None:
    await desk.claimed_by_lotte()
    await desk.write(YOUNGSTER, "ik heb schulden")
    relayed = desk.sent_to(LOTTE)[-1]
    assert (await staff_cli("coach", "deactivate", "Lotte")).code == 0
    pseudonym = await desk.pseudonym()
    seen = len(desk.sent_to(LOTTE))
    to_youngster = len(desk.texts_to(YOUNGSTER))
    await desk.write(LOTTE, "/open")
    await desk.write(LOTTE, f"/open {pseudonym}")
    await desk.write(LOTTE, "/wachtrij")
    await desk.write(LOTTE, "nog iets?", reply_to=relayed["message_id"])
    await desk.tap(LOTTE, "open:1", relayed)
    since = " ".join(desk.texts_to(LOTTE)[seen:])
    assert pseudonym not in since and "schulden" not in since
    assert not any(p["text"].startswith("Lotte") for p in desk.sent_to(YOUNGSTER)[to_youngster:])
    assert await desk.count(CaseMessage, col(CaseMessage.text) == "nog iets?") == 0


async def test_a_deactivated_coach_receives_nothing_that_was_still_on_its_way(
    desk: Desk, staff_cli: StaffCli
) -> None:
    await desk.claimed_by_lotte()
    seen = len(desk.sent_to(LOTTE))
    await desk.write(YOUNGSTER, "ben je er nog?", drain=False)  # the relay waits in the outbox
    assert (await staff_cli("coach", "deactivate", "Lotte")).code == 0
    await desk.harness.sender.drain()
    assert not any("ben je er nog?" in text for text in desk.texts_to(LOTTE)[seen:])
    assert await desk.count(OutboxMessage, col(OutboxMessage.address) == str(LOTTE)) == 0


async def test_after_deactivation_offers_and_messages_skip_the_coach(
    desk: Desk, staff_cli: StaffCli
) -> None:
    await desk.claimed_by_lotte()
    async with desk.db.transaction() as session:
        bram = await session.get(Staff, desk.staff[BRAM])
        assert bram is not None
        bram.hours = "mon-sun 00:00-24:00"  # the command runs on the wall clock
    assert (await staff_cli("coach", "deactivate", "Lotte")).code == 0
    await desk.harness.sender.drain()
    seen = len(desk.sent_to(LOTTE))
    offered = await desk.count(Offer, col(Offer.staff_id) == desk.staff[LOTTE])
    await desk.write(YOUNGSTER, "is er iemand?")
    assert len(desk.sent_to(LOTTE)) == seen
    assert offered == 0
    back = await desk.case()
    assert (back.state, back.coach_id) == ("queued", None)


# -- a youngster never reaches a staff command or button -------------------------------------


@pytest.mark.parametrize(
    "command",
    ["/wachtrij", "/queue", "/pauze", "/afsluiten", "/overdragen", "/open", "/open 1", "/claim 1"],
)
async def test_a_youngster_typing_a_staff_command_gets_the_youngster_s_help(
    desk: Desk, command: str
) -> None:
    await desk.write(YOUNGSTER, "/help")
    help_text = desk.texts_to(YOUNGSTER)[-1]
    assert help_text.startswith("Zo werkt Klik")
    offers = await desk.count(Offer)
    await desk.write(YOUNGSTER, command)
    assert desk.texts_to(YOUNGSTER)[-1] == help_text
    assert await desk.count(Offer) == offers
    assert (await desk.case()).state == "queued"
    staff_menus = [
        p for p in desk.harness.request.sent("setMyCommands") if str(YOUNGSTER) in str(p)
    ]
    assert staff_menus == []


@pytest.mark.parametrize(
    "data",
    ["claim:{case}", "close:{case}:done", "open:{case}", "accept:{case}", "handover:{case}:1"],
)
@ON
async def test_a_youngster_s_forged_staff_button_changes_nothing(
    desk: Desk, data: str, deleted: bool
) -> None:
    before = await desk.claimed_by_lotte()
    to_lotte = len(desk.texts_to(LOTTE))
    forged = data.format(case=before.id)
    answer = await (desk.tap_deleted(YOUNGSTER, forged) if deleted else desk.tap(YOUNGSTER, forged))
    assert answer in (UNKNOWN, "Die vraag is al voorbij.")
    after = await desk.case()
    assert (after.state, after.coach_id, after.handover_to) == (
        before.state,
        before.coach_id,
        before.handover_to,
    )
    assert len(desk.texts_to(LOTTE)) == to_lotte


async def test_after_a_hand_over_the_new_coach_writes_and_the_old_one_no_longer_does(
    desk: Desk,
) -> None:
    case = await desk.claimed_by_lotte()
    await desk.write(YOUNGSTER, "hoi Lotte")
    relayed = desk.sent_to(LOTTE)[-1]
    await desk.write(LOTTE, "/overdragen")
    colleagues = desk.sent_to(LOTTE)[-1]
    await desk.tap(LOTTE, f"handover:{case.id}:{desk.staff[BRAM]}", colleagues)
    asked = desk.sent_to(BRAM)[-1]
    assert (f"accept:{case.id}") in str(asked.get("reply_markup"))
    await desk.tap(BRAM, f"accept:{case.id}", asked)
    await desk.write(BRAM, "Hoi, ik ben Bram.")
    assert "Bram: Hoi, ik ben Bram." in desk.texts_to(YOUNGSTER)[-1]
    handed = await desk.case()
    assert (handed.coach_id, handed.previous_coach_id) == (desk.staff[BRAM], None)
    to_youngster = len(desk.texts_to(YOUNGSTER))
    await desk.write(LOTTE, "ik ben er nog", reply_to=relayed["message_id"])
    assert desk.texts_to(LOTTE)[-1].startswith(WHICH_CASE)
    assert len(desk.texts_to(YOUNGSTER)) == to_youngster
