"""python-telegram-bot in-process: real Updates through the real Application, handlers,
service, database and outbox sender; only the HTTP layer answers from memory."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.channels.telegram.app import build_application
from bot.channels.telegram.handlers import TelegramHandlers
from bot.channels.telegram.menus import set_commands
from bot.channels.telegram.polling import handle_batch
from bot.channels.telegram.transport import TelegramTransport
from bot.process.metrics import Metrics
from bot.services.conversation import ConversationService
from bot.services.render import Renderer
from bot.services.sender import OutboxSender
from flows.intake import IntakeFlow, Rules
from storage.db import Database
from tests.bot.channels.telegram.botapi_request import BotApiRequest
from tests.bot.channels.telegram.wired import wired
from tests.bot.team import add
from tests.conftest import Clock

TOKEN = "123456:TESTTOKENabcdefghijklmnopqrstu"
CHAT = 424242
_ids = itertools.count(1)


class Harness:
    """A bot with its handlers and sender, fed updates as Telegram would send them."""

    def __init__(
        self,
        application: Application,
        handlers: TelegramHandlers,
        sender: OutboxSender,
        request: BotApiRequest,
    ) -> None:  # type: ignore[type-arg]
        self.application = application
        self.handlers = handlers
        self.sender = sender
        self.request = request

    async def deliver(self, data: dict[str, Any]) -> bool:
        update = Update.de_json({"update_id": next(_ids), **data}, self.application.bot)
        handled = await self.handlers.handle(self.application, update)
        await self.sender.drain()
        return handled

    async def write(self, text: str, *, chat: int = CHAT, language: str = "nl") -> bool:
        message = {
            "message_id": next(_ids),
            "date": int(time.time()),
            "text": text,
            "chat": {"id": chat, "type": "private", "first_name": "Jo"},
            "from": {"id": chat, "is_bot": False, "first_name": "Jo", "language_code": language},
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return await self.deliver({"message": message})

    async def tap(self, data: str, *, on: dict[str, Any] | None = None, chat: int = CHAT) -> bool:
        """Tap on a message the bot sent (by default the newest); like Telegram, the query
        carries that message with its inline keyboard."""
        message = on or self.last_sent()
        query = {
            "id": str(next(_ids)),
            "chat_instance": "ci-1",
            "data": data,
            "from": {"id": chat, "is_bot": False, "first_name": "Jo", "language_code": "nl"},
            "message": {
                "message_id": message.get("message_id", 1),
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private", "first_name": "Jo"},
                "from": {"id": 900001, "is_bot": True, "first_name": "Klik"},
                "text": message["text"],
            },
        }
        markup = message.get("reply_markup")
        if markup:
            query["message"]["reply_markup"] = (
                json.loads(markup) if isinstance(markup, str) else markup
            )
        return await self.deliver({"callback_query": query})

    def last_sent(self) -> dict[str, Any]:
        sent = self.request.sent("sendMessage")
        return {**sent[-1], "message_id": 1000 + len(sent)}

    def texts(self) -> list[str]:
        return [params["text"] for params in self.request.sent("sendMessage")]

    def buttons(self, params: dict[str, Any]) -> list[tuple[str, str]]:
        markup = params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup
        return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]


@pytest.fixture
async def harness(
    db: Database, flow: IntakeFlow, rules: Rules, renderer: Renderer, clock: Clock
) -> AsyncIterator[Harness]:
    async with wired(db, flow, rules, renderer, clock) as w:
        yield Harness(w.application, w.handlers, w.sender, w.request)


async def test_start_with_a_deep_link_sends_the_welcome_and_the_consent_keyboard(
    harness: Harness,
) -> None:
    await harness.write("/start insta")
    (sent,) = harness.request.sent("sendMessage")  # the welcome and the question in one
    assert sent["text"].startswith("Hoi! 👋 Ik ben de bot van Klik")
    assert sent["text"].endswith("Is dat oké voor jou?")
    assert harness.buttons(sent) == [
        ("👍 Oké, we beginnen", "consent:yes:nl:insta"),
        ("Nee, liever niet", "consent:no:nl:insta"),
        ("🇬🇧 English", "lang:en:insta"),
    ]


async def test_the_welcome_sent_names_the_offices_of_the_service_s_country(
    harness: Harness,
) -> None:
    await harness.write("/start")
    assert "niet de politie, niet je school, niet het OCMW en niet de VDAB." in harness.texts()[0]


async def test_an_english_client_is_welcomed_in_english(harness: Harness) -> None:
    await harness.write("/start", language="en")
    assert harness.texts()[0].startswith("Hi! 👋 I'm Klik's bot")


async def test_a_tap_is_answered_and_the_question_shows_the_chosen_answer(harness: Harness) -> None:
    await harness.write("/start")
    await harness.tap("consent:yes:nl:")
    await harness.tap("age:16_17")
    assert len(harness.request.sent("answerCallbackQuery")) == 2
    edited = harness.request.sent("editMessageText")[-1]
    assert edited["text"] == "Hoe oud ben je?\n👉 16 - 17"
    assert "reply_markup" not in edited or not edited["reply_markup"]
    assert harness.texts()[-1].startswith("Vraag 1 van 6")


async def test_the_application_keeps_no_telegram_id_of_the_chats_it_handled(
    harness: Harness,
) -> None:
    await harness.write("/start")
    await harness.write("/start", chat=CHAT + 1)
    await harness.tap("consent:yes:nl:")
    # python-telegram-bot would keep these for a persistence Klik does not use, forever.
    assert not harness.application._chat_ids_to_be_updated_in_persistence
    assert not harness.application._user_ids_to_be_updated_in_persistence


async def test_a_tap_on_an_old_keyboard_is_answered_kindly_and_its_keyboard_removed(
    harness: Harness,
) -> None:
    await harness.write("/start")
    consent = harness.last_sent()
    await harness.tap("consent:yes:nl:", on=consent)
    await harness.tap("consent:yes:nl:", on=consent)
    answer = harness.request.sent("answerCallbackQuery")[-1]
    assert answer["text"] == "Die vraag is al voorbij."
    assert harness.request.sent("editMessageReplyMarkup")[-1]["message_id"] == consent["message_id"]
    assert harness.texts().count("Hoe oud ben je?") == 1


async def test_forged_button_data_gets_a_kind_answer_and_nothing_else(harness: Harness) -> None:
    await harness.write("/start")
    await harness.tap("consent:yes:nl:")
    before = len(harness.texts())
    await harness.tap("age:99")
    assert harness.request.sent("answerCallbackQuery")[-1]["text"] == "Die knop werkt niet meer."
    assert len(harness.texts()) == before


def keyboard_changes(harness: Harness) -> int:
    return len(harness.request.sent("editMessageReplyMarkup")) + len(
        harness.request.sent("editMessageText")
    )


@pytest.mark.parametrize(
    "data", ["q.home:3", "summary:send", "consent:yes:nl:", "stop:delete", "age:16_17"]
)
async def test_a_forged_tap_on_the_current_question_is_answered_and_its_buttons_stay(
    harness: Harness, data: str
) -> None:
    await harness.write("/start")
    await harness.tap("consent:yes:nl:")
    await harness.tap("age:16_17")
    await harness.tap("q.strengths:skip")
    health = harness.last_sent()
    assert health["text"].startswith("Vraag 2 van 6")
    sent, changed = len(harness.texts()), keyboard_changes(harness)
    await harness.tap(data, on=health)
    assert harness.request.sent("answerCallbackQuery")[-1]["text"] == "Die knop werkt niet meer."
    assert keyboard_changes(harness) == changed
    assert len(harness.texts()) == sent
    await harness.tap("q.health:3", on=health)  # the question still works
    assert harness.texts()[-1].startswith("Vraag 3 van 6")


@pytest.mark.parametrize("data", ["talk", "age:16_17", "stop:keep", "q.health:3"])
async def test_a_forged_tap_on_the_consent_question_leaves_its_buttons(
    harness: Harness, data: str
) -> None:
    await harness.write("/start")
    consent = harness.last_sent()
    await harness.tap(data, on=consent)
    assert harness.request.sent("answerCallbackQuery")[-1]["text"] == "Die knop werkt niet meer."
    assert keyboard_changes(harness) == 0
    assert len(harness.texts()) == 1
    await harness.tap("consent:yes:nl:", on=consent)
    assert harness.texts()[-1] == "Hoe oud ben je?"


@pytest.mark.parametrize(
    "media",
    [
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "u1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
        {"photo": [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]},
        {"voice": {"file_id": "v1", "file_unique_id": "u3", "duration": 4}},
    ],
    ids=["sticker", "photo", "voice"],
)
async def test_stickers_photos_and_voice_notes_get_a_text_only_reply(
    harness: Harness, media: dict[str, Any]
) -> None:
    await harness.write("/start")
    await harness.tap("consent:yes:nl:")


STICKER = {
    "file_id": "s1",
    "file_unique_id": "u1",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}
GIF = {"file_id": "g1", "file_unique_id": "u4", "width": 90, "height": 90, "duration": 2}
PHOTO = [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]
VOICE = {"file_id": "v1", "file_unique_id": "u3", "duration": 4}


async def send_media(harness: Harness, media: dict[str, Any], *, caption: str = "") -> int:
    """The youngster sends a photo, voice note, sticker, ...; the message's id."""
    message_id = next(_ids)
    message = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": CHAT, "type": "private", "first_name": "Jo"},
        "from": {"id": CHAT, "is_bot": False, "first_name": "Jo"},
        **media,
    }
    if caption:
        message["caption"] = caption
    await harness.deliver({"message": message})
    return message_id


@pytest.mark.parametrize(
    "media",
    [{"sticker": STICKER}, {"animation": GIF, "document": GIF}],
    ids=["sticker", "gif"],
)
async def test_a_sticker_or_a_gif_gets_a_kind_reply_that_it_is_not_kept(
    harness: Harness, media: dict[str, Any]
) -> None:
    await harness.write("/start")
    await harness.tap("consent:yes:nl:")
    await send_media(harness, media)
    assert harness.texts()[-1] == (
        "Dit kan ik niet bewaren voor je coach. Typ het gerust, of stuur een spraakbericht 🎤 "
        "of een foto 📷."
    )


@pytest.mark.parametrize("media", [{"photo": PHOTO}, {"voice": VOICE}], ids=["photo", "voice"])
async def test_photos_and_voice_notes_are_saved_for_the_coach(
    harness: Harness, media: dict[str, Any]
) -> None:
    await harness.write("/start")
    await harness.tap("consent:yes:nl:")
    await send_media(harness, media)
    assert harness.texts()[-1] == "Bewaard voor je coach 👍\n\nHoe oud ben je?"


async def test_the_claiming_coach_gets_a_copy_of_the_kept_voice_note_but_not_a_removed_photo(
    harness: Harness, db: Database, clock: Clock
) -> None:
    coach = 777001
    await add(db, clock, str(coach), role="coach", name="Lotte", focus="health", capacity=8)
    await harness.write("/start")
    await harness.tap("consent:yes:nl:")
    await harness.tap("age:16_17")
    await harness.tap("q.strengths:skip")
    voice = await send_media(harness, {"voice": VOICE})
    photo = await send_media(harness, {"photo": PHOTO}, caption="mijn kamer")
    for question in ("health", "home", "goals", "money", "network"):
        await harness.tap(f"q.{question}:skip")
    summary = harness.last_sent()
    assert "• Gezondheid: 🎤 spraakbericht\n   📷 foto “mijn kamer”" in summary["text"]
    await harness.tap(f"summary:rm.media.{photo}", on=summary)
    await harness.tap("summary:send", on=harness.last_sent())
    sent = harness.request.sent("sendMessage")
    at = next(i for i, params in enumerate(sent) if params["chat_id"] == coach)
    offer = {**sent[at], "message_id": 1001 + at}  # the fake numbers messages 1001, 1002, ...
    assert offer["chat_id"] == coach and "• Gezondheid: 🎤 spraakbericht" in offer["text"]
    assert "foto" not in offer["text"]
    claim = next(data for _, data in harness.buttons(offer) if data.startswith("claim:"))
    await harness.tap(claim, on=offer, chat=coach)
    to_coach = [(name, p) for name, p in harness.request.calls if p.get("chat_id") == coach]
    assert [name for name, _ in to_coach] == [
        "sendMessage",  # the offer, with the summary
        "editMessageText",  # "✅ Je hebt ... opgenomen."
        "sendMessage",  # where the copy belongs
        "copyMessage",
        "sendMessage",  # "Stel je nu voor ..."
    ]
    assert to_coach[2][1]["text"].endswith(" stuurde dit bij ‘Gezondheid’:")
    copies = harness.request.sent("copyMessage")
    assert [(c["chat_id"], c["from_chat_id"], c["message_id"]) for c in copies] == [
        (coach, CHAT, voice)
    ]


async def test_an_edited_message_is_kept_and_acknowledged(harness: Harness) -> None:
    await harness.write("/start")
    await harness.tap("consent:yes:nl:")
    edited = {
        "message_id": 5,
        "date": int(time.time()),
        "edit_date": int(time.time()),
        "text": "oeps, typfout",
        "chat": {"id": CHAT, "type": "private", "first_name": "Jo"},
        "from": {"id": CHAT, "is_bot": False, "first_name": "Jo"},
    }
    await harness.deliver({"edited_message": edited})
    assert harness.texts()[-1] == "Ik heb je aangepaste bericht ook bewaard."


async def test_messages_in_group_chats_get_no_answer(harness: Harness) -> None:
    message = {
        "message_id": 9,
        "date": int(time.time()),
        "text": "hallo",
        "chat": {"id": -100, "type": "group", "title": "klas"},
        "from": {"id": CHAT, "is_bot": False, "first_name": "Jo"},
    }
    await harness.deliver({"message": message})
    assert harness.texts() == []


async def test_a_rate_limit_postpones_the_reply_and_it_arrives_later(
    harness: Harness, clock: Clock
) -> None:
    harness.request.fail("sendMessage", status=429, retry_after=30)
    await harness.write("/help")
    assert harness.texts() == []
    clock.advance(seconds=20)
    await harness.sender.drain()
    assert harness.texts() == []  # Telegram asked for 30 seconds
    clock.advance(seconds=11)
    await harness.sender.drain()
    assert harness.texts()[0].startswith("Zo werkt Klik")


async def test_a_network_timeout_postpones_the_reply_and_it_arrives_later(
    harness: Harness, clock: Clock
) -> None:
    harness.request.fail("sendMessage", timeout=True)
    await harness.write("/start")
    assert harness.texts() == []
    clock.advance(seconds=5)
    await harness.sender.drain()
    assert len(harness.texts()) == 1 and harness.texts()[0].startswith("Hoi!")


async def test_replies_keep_their_order_after_a_refusal(harness: Harness, clock: Clock) -> None:
    harness.request.fail("sendMessage", timeout=True)
    await harness.write("/start")
    await harness.write("/help")
    clock.advance(seconds=5)
    await harness.sender.drain()
    texts = harness.texts()
    assert (
        texts[0].startswith("Hoi!")
        and texts[0].endswith("Is dat oké voor jou?")
        and texts[1].startswith("Zo werkt")
    )


async def test_a_blocked_bot_drops_that_message_and_carries_on(harness: Harness) -> None:
    harness.request.fail(
        "sendMessage", status=403, description="Forbidden: bot was blocked by the user"
    )
    await harness.write("/help")
    await harness.write("/status")
    assert harness.texts() == ["Je bent nog niet begonnen. Stuur /start om te beginnen."]


async def test_the_command_menu_is_set_per_language(harness: Harness, renderer: Renderer) -> None:
    await set_commands(harness.application, renderer)
    calls = harness.request.sent("setMyCommands")
    by_language = {c.get("language_code"): c["commands"] for c in calls}
    assert set(by_language) == {"nl", "en", None}
    assert "opnieuw" in str(by_language["nl"]) and "restart" in str(by_language["en"])
    assert "Opnieuw beginnen" in str(by_language["nl"]) and "Start over" in str(by_language["en"])


async def test_mijngegevens_sends_what_is_kept_as_a_message_and_as_a_file(
    harness: Harness,
) -> None:
    await harness.write("/start")
    await harness.tap("consent:yes:nl:")
    await harness.tap("age:16_17")
    await harness.write("Ik teken graag stripfiguren")
    await harness.write("/mijngegevens")
    assert "Ik teken graag stripfiguren" in harness.texts()[-1]
    (document,) = harness.request.sent("sendDocument")
    ((name, data),) = document["files"].values()
    assert name == "klik-mijn-gegevens.txt"
    assert data.decode() == harness.texts()[-1]


async def test_a_database_that_is_down_gets_a_kind_reply_once_and_the_update_comes_again(
    flow: IntakeFlow, renderer: Renderer, clock: Clock
) -> None:
    request = BotApiRequest()
    application = build_application(TOKEN, "http://127.0.0.1:1/bot", request=request)
    down = Database("postgresql://nobody@127.0.0.1:1/nothing")
    handlers = TelegramHandlers(ConversationService(down, flow, clock=clock), renderer)
    handlers.install(application)
    async with application:
        update = Update.de_json(
            {
                "update_id": 77,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "text": "hoi",
                    "chat": {"id": CHAT, "type": "private", "first_name": "Jo"},
                    "from": {
                        "id": CHAT,
                        "is_bot": False,
                        "first_name": "Jo",
                        "language_code": "nl",
                    },
                },
            },
            application.bot,
        )
        assert await handlers.handle(application, update) is False
        assert await handlers.handle(application, update) is False
    await down.close()
    notices = [p["text"] for p in request.sent("sendMessage")]
    assert notices == [
        "Oeps, er ging bij mij iets mis. Je bericht is niet kwijt: ik probeer het zo opnieuw."
    ]


async def test_a_batch_is_handled_in_order_per_chat_and_reports_the_first_failure() -> None:
    seen: list[tuple[int, int]] = []

    def update(update_id: int, chat: int) -> Update:
        return Update.de_json(
            {
                "update_id": update_id,
                "message": {
                    "message_id": update_id,
                    "date": 0,
                    "text": "x",
                    "chat": {"id": chat, "type": "private"},
                },
            },
            None,
        )

    async def handle(item: Update) -> bool:
        assert item.effective_chat is not None
        seen.append((item.effective_chat.id, item.update_id))
        return item.update_id != 3

    batch = [update(1, 10), update(2, 20), update(3, 10), update(4, 10), update(5, 20)]
    assert await handle_batch(batch, handle) == 3
    assert [u for c, u in seen if c == 10] == [1, 3]  # stops at the failure, keeps order
    assert [u for c, u in seen if c == 20] == [2, 5]


async def test_a_text_longer_than_telegram_allows_arrives_whole_in_parts(
    harness: Harness,
) -> None:
    from flows.messages import Outbound
    from storage.outbox import enqueue_messages

    paragraph = "Ik schrijf je een lange brief. " * 100  # 3,100 characters
    async with harness.sender.db.transaction() as session:
        await enqueue_messages(
            session,
            channel="telegram",
            address=str(CHAT),
            youngster_id=None,
            language="nl",
            messages=[Outbound("raw", {"text": "\n\n".join([paragraph.strip()] * 3)})],
            now=harness.sender.clock(),
        )
    await harness.sender.drain()
    assert harness.texts() == [paragraph.strip()] * 3


async def test_a_tagged_message_can_be_edited_later(harness: Harness) -> None:
    from flows.messages import Outbound, Ref
    from storage.outbox import enqueue_messages

    async with harness.sender.db.transaction() as session:
        await enqueue_messages(
            session,
            channel="telegram",
            address=str(CHAT),
            youngster_id=None,
            language="nl",
            messages=[
                Outbound("help.text", {"promise": Ref("promise.hours", {"hours": 24})}, tag="t:1")
            ],
            now=harness.sender.clock(),
        )
    await harness.sender.drain()
    first = harness.request.sent("sendMessage")[-1]
    async with harness.sender.db.transaction() as session:
        await enqueue_messages(
            session,
            channel="telegram",
            address=str(CHAT),
            youngster_id=None,
            language="nl",
            messages=[Outbound("status.new", edit="t:1")],
            now=harness.sender.clock(),
        )
    await harness.sender.drain()
    from sqlalchemy import text as sql

    async with harness.sender.db.transaction() as s:
        print(
            "ROWS",
            (
                await s.execute(sql("select channel, address, message_id, tag from sent_messages"))
            ).all(),
        )
    edited = harness.request.sent("editMessageText")[-1]
    assert len(harness.request.sent("sendMessage")) == 1
    assert int(edited["message_id"]) == 1001 and edited["text"].startswith(
        "Je bent nog niet begonnen"
    )
    assert first["text"].startswith("Zo werkt Klik")


async def test_a_message_telegram_refuses_for_good_is_reported_to_the_drop_hook(
    harness: Harness, db: Database, renderer: Renderer, clock: Clock
) -> None:
    from flows.messages import Outbound
    from storage.outbox import enqueue_messages

    dropped: list[Outbound] = []

    async def record(message: Outbound) -> None:
        dropped.append(message)

    sender = OutboxSender(
        db, renderer, TelegramTransport(harness.application.bot), clock=clock, on_dropped=record
    )
    harness.request.fail(
        "sendMessage", status=403, description="Forbidden: bot was blocked by the user"
    )
    relayed = Outbound("relay.from_coach", {"coach": "Lotte", "text": "hoi"}, tag="relay:3")
    async with db.transaction() as session:
        await enqueue_messages(
            session,
            channel="telegram",
            address=str(CHAT),
            youngster_id=None,
            language="nl",
            messages=[relayed],
            now=clock(),
        )
    await sender.drain()
    assert dropped == [relayed]


async def test_a_coach_s_claim_is_answered_and_the_offer_changes_to_say_it_is_theirs(
    harness: Harness, db: Database, clock: Clock
) -> None:
    from tests.bot.team import add

    coach = 515151
    await add(db, clock, str(coach), role="coach", name="Lotte", languages="nl", capacity=8)
    await harness.write("/start")
    await harness.tap("consent:yes:nl:")
    await harness.tap("talk")
    offer = next(p for p in harness.request.sent("sendMessage") if int(p["chat_id"]) == coach)
    label, offer_data = harness.buttons(offer)[0]
    assert label == "✋ Ik neem dit op"
    offer_id = 1000 + harness.request.sent("sendMessage").index(offer) + 1
    await harness.tap(offer_data, on={**offer, "message_id": offer_id}, chat=coach)
    answered = harness.request.sent("answerCallbackQuery")[-1]
    assert "text" not in answered or not answered["text"]
    edited = [p for p in harness.request.sent("editMessageText") if int(p["chat_id"]) == coach]
    assert len(edited) == 1 and int(edited[0]["message_id"]) == offer_id
    assert edited[0]["text"].startswith("✅ Je hebt") and edited[0]["text"].endswith("opgenomen.")


async def test_a_coach_who_links_gets_the_staff_menu_in_their_own_chat(
    harness: Harness, db: Database, clock: Clock
) -> None:
    import json

    from storage.models import Staff
    from storage.staff import add_invite, add_staff

    async with db.transaction() as session:
        staff = await add_staff(
            session, staff=Staff(role="coach", name="Lotte", capacity=8, created_at=clock())
        )
        assert staff.id is not None
        await add_invite(
            session, staff_id=staff.id, code="KLIK-7F3K-Q9ZD-4MNP-R8WX-YT2H-ABCD", now=clock()
        )
    await harness.write("/coach KLIK-7F3K-Q9ZD-4MNP-R8WX-YT2H-ABCD", chat=616161)
    (menu,) = harness.request.sent("setMyCommands")
    scope = json.loads(menu["scope"]) if isinstance(menu["scope"], str) else menu["scope"]
    commands = (
        json.loads(menu["commands"]) if isinstance(menu["commands"], str) else menu["commands"]
    )
    assert scope == {"type": "chat", "chat_id": 616161}
    assert [c["command"] for c in commands] == [
        "wachtrij",
        "open",
        "afspraak",
        "pauze",
        "afsluiten",
        "overdragen",
        "dashboard",
        "help",
    ]
    assert harness.texts()[0] == "Welkom Lotte! Dit Telegram-account is nu gekoppeld aan Klik."


def _photo(caption: str) -> dict[str, Any]:
    return {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": CHAT, "type": "private", "first_name": "Jo"},
        "from": {"id": CHAT, "is_bot": False, "first_name": "Jo"},
        "photo": [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}],
        "caption": caption,
    }


async def test_a_photo_s_caption_with_crisis_words_gets_the_help_lines(harness: Harness) -> None:
    await harness.write("/start")
    await harness.tap("consent:yes:nl:")
    await harness.deliver({"message": _photo("ik sta op de brug en ik ga springen")})
    texts = harness.texts()
    assert any(text.startswith("Wat je schrijft klinkt heel zwaar") for text in texts)
    assert "Ben je nu veilig?" in texts
    assert "Ik kan hier alleen tekst lezen. Typ het gerust in woorden 🙂" not in texts


async def test_an_edited_caption_with_crisis_words_gets_the_help_lines(harness: Harness) -> None:
    await harness.write("/start")
    await harness.tap("consent:yes:nl:")
    edited = {**_photo("ik sta op de brug en ik ga springen"), "edit_date": int(time.time())}
    await harness.deliver({"edited_message": edited})
    assert "Ben je nu veilig?" in harness.texts()


def errors(metrics: Metrics, call: str, kind: str) -> float | None:
    return metrics.registry.get_sample_value(
        "klik_telegram_errors_total", {"call": call, "kind": kind}
    )


async def test_a_tap_whose_answer_telegram_refuses_is_counted_as_a_tap_error_of_that_kind(
    harness: Harness,
) -> None:
    metrics = Metrics()
    harness.handlers.service.observer = metrics
    await harness.write("/start")
    harness.request.fail(
        "answerCallbackQuery", status=400, description="Bad Request: query is too old"
    )
    await harness.tap("consent:yes:nl:")
    assert errors(metrics, "tap", "400") == 1
    assert errors(metrics, "send", "400") == 0


async def test_a_send_that_times_out_is_counted_as_a_timeout(harness: Harness) -> None:
    metrics = Metrics()
    harness.sender.observer = metrics
    harness.request.fail("sendMessage", timeout=True)
    await harness.write("/start")
    assert errors(metrics, "send", "timeout") == 1
    assert errors(metrics, "send", "network") == 0
