"""End to end: 20 youngsters do the intake at once while the real `klik run` is killed with
SIGKILL a dozen times at random moments and started again. Afterwards every answer is in the
database, every chat reached the queue, and the stand-in's record of every sendMessage is
held against the outbox rows the service wrote, to count replies sent twice.

A reply sent twice is one outbox row that Telegram received twice. Telegram's Bot API has
no idempotency key, so a row delivered in the moment before it is marked sent is sent again
after a restart; the figures show how often that happens."""

from __future__ import annotations

import asyncio
import bisect
import json
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from bot.services.render import Renderer
from flows.content import load_content
from flows.messages import outbound_from_json
from storage.db import Database
from storage.models import Contact, IntakeAnswer, Youngster
from storage.sealing import ring
from tests.e2e.test_intake_e2e import Klik
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
YOUNGSTERS = [7100 + n for n in range(20)]
KILLS = 12
WAIT = 120.0  # seconds a youngster waits for the next question before the chat counts as stuck
CHECKINS = ("health", "home", "goals", "money", "network")
# The longest a reply may have been with Telegram, unmarked, while the process that sent it
# lived on. Measured: tens of milliseconds (the answer's way back, one statement that marks
# it sent). A request still on its way when its process was killed counts 0: Telegram takes
# it, nobody is left to read the answer, and the Bot API has no key to refuse it twice.
WINDOW = 1.0


def strengths_of(chat: int) -> str:
    return f"ik kan goed tekenen, nummer {chat}"


def choice_of(chat: int, question: str) -> str:
    return str(1 + (chat + CHECKINS.index(question)) % 5)


# A copy of every outbox row as it was written: the outbox deletes what it delivered.
AUDIT = {
    "sqlite": [
        "CREATE TABLE outbox_audit (n INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT,"
        " address_key TEXT, language TEXT, payload TEXT)",
        "CREATE TRIGGER outbox_audit_insert AFTER INSERT ON outbox BEGIN"
        " INSERT INTO outbox_audit (address, address_key, language, payload)"
        " VALUES (NEW.address, NEW.address_key, NEW.language, NEW.payload); END",
    ],
    "postgresql": [
        "CREATE TABLE outbox_audit (n BIGSERIAL PRIMARY KEY, address TEXT, address_key TEXT,"
        " language TEXT, payload TEXT)",
        "CREATE FUNCTION outbox_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " INSERT INTO outbox_audit (address, address_key, language, payload)"
        " VALUES (NEW.address, NEW.address_key, NEW.language, NEW.payload); RETURN NEW; END $$",
        "CREATE TRIGGER outbox_audit_insert AFTER INSERT ON outbox FOR EACH ROW"
        " EXECUTE FUNCTION outbox_audit_row()",
    ],
}


# ...and gone again after the test: the PostgreSQL test database is shared by the session.
UNAUDIT = {
    "sqlite": ["DROP TRIGGER IF EXISTS outbox_audit_insert", "DROP TABLE IF EXISTS outbox_audit"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS outbox_audit_insert ON outbox",
        "DROP FUNCTION IF EXISTS outbox_audit_row()",
        "DROP TABLE IF EXISTS outbox_audit",
    ],
}


async def run_statements(database_url: str, statements: dict[str, list[str]]) -> None:
    db = Database(database_url)
    async with db.transaction() as session:
        for statement in statements[session.get_bind().dialect.name]:
            await session.execute(text(statement))
    await db.close()


@pytest.fixture
def audited(database_url: str) -> Iterator[str]:
    asyncio.run(run_statements(database_url, AUDIT))
    yield database_url
    asyncio.run(run_statements(database_url, UNAUDIT))


async def outbox_size(database_url: str) -> int:
    db = Database(database_url)
    async with db.transaction() as session:
        size = (await session.execute(text("SELECT count(*) FROM outbox"))).scalar_one()
    await db.close()
    return int(size)


@dataclass
class Stored:
    youngsters: dict[str, Youngster]  # by chat id
    answers: dict[str, dict[str, IntakeAnswer]]  # chat id -> question -> answer
    audit: list[tuple[str, str, str]] = field(default_factory=list)  # address, language, payload


async def stored(database_url: str) -> Stored:
    db = Database(database_url)
    async with db.transaction() as session:
        contacts = {
            c.youngster_id: c.address for c in (await session.execute(select(Contact))).scalars()
        }
        youngsters = {
            contacts[y.id]: y for y in (await session.execute(select(Youngster))).scalars()
        }
        answers: dict[str, dict[str, IntakeAnswer]] = {}
        for answer in (await session.execute(select(IntakeAnswer))).scalars():
            chat = contacts[answer.youngster_id]
            answers.setdefault(chat, {})[answer.question] = answer
        audit = [
            # The copy is as stored: sealed.
            (ring().open(a), str(lang), ring().open(p))
            for a, lang, p in (
                await session.execute(
                    text("SELECT address, language, payload FROM outbox_audit ORDER BY n")
                )
            ).all()
        ]
    await db.close()
    return Stored(youngsters, answers, audit)


@dataclass
class Figures:
    """What Telegram received, held against the outbox rows the service wrote."""

    sent_twice: int = 0  # sendMessage calls that repeated a row already delivered
    after_a_later_reply: int = 0  # ... of which came after a later row had arrived
    never_sent: int = 0  # outbox rows Telegram never received
    unexplained: list[str] = field(default_factory=list)  # sends that match no outbox row
    # For each row sent twice: seconds from Telegram taking it the first time to the SIGKILL
    # of the process that sent it; 0 when Telegram took it after that process was gone (the
    # request was on its way when it died); None when one process sent it twice.
    windows: list[float | None] = field(default_factory=list)


class Lives:
    """Which of the service's processes made a call, and when that process was killed.

    By when the call arrived, and the logins: every process begins with getMe, so the first
    getMe after a kill is the next process's first call. A request that the killed process
    sent in its last moment can arrive after its kill; it is still that process's call."""

    def __init__(self, api: FakeBotApi, kills: list[float]) -> None:
        logins = [call.arrived for call in api.accepted_calls("getMe")]
        self.kills = kills
        self.starts = [logins[0]] + [min(t for t in logins if t > kill) for kill in kills]

    def of(self, arrived: float) -> int:
        """The process (counted from 0) that made a call arriving at `arrived`."""
        return bisect.bisect_right(self.starts, arrived) - 1

    def killed(self, process: int) -> float | None:
        """When that process was killed (None: the last one, stopped in the ordinary way)."""
        return self.kills[process] if process < len(self.kills) else None


def count_deliveries(
    api: FakeBotApi, audit: list[tuple[str, str, str]], kills: list[float]
) -> Figures:
    """Walk each chat's accepted sendMessage calls along the outbox rows written for it, in
    order: a call with the next row's text delivers that row; a call with the text of a row
    already delivered is that row sent twice."""
    renderer = Renderer(load_content(), timezone=ZoneInfo("Europe/Brussels"), country="BE")
    oops = renderer.content.text("nl", "error.later")
    lives = Lives(api, kills)
    figures = Figures()
    for chat in YOUNGSTERS:
        rows = []
        for address, language, payload in audit:
            message = outbound_from_json(json.loads(payload))
            if address == str(chat) and not message.edit and not message.copy:
                rows.append(renderer.render(message, language).text)
        calls = [
            call
            for call in api.accepted_calls("sendMessage")
            if call.params.get("chat_id") == chat and call.params["text"] != oops
        ]
        delivered, first = 0, None
        for call in calls:
            sent = call.params["text"]
            if delivered < len(rows) and sent == rows[delivered]:
                delivered, first = delivered + 1, call
            elif first is not None and sent == rows[delivered - 1]:
                figures.sent_twice += 1
                sender = lives.of(first.arrived)
                killed = lives.killed(sender)
                if killed is None or lives.of(call.arrived) == sender:
                    figures.windows.append(None)
                else:
                    figures.windows.append(max(0.0, killed - first.answered))
            elif sent in rows[:delivered]:
                figures.sent_twice += 1
                figures.after_a_later_reply += 1
            else:
                figures.unexplained.append(f"{chat}: {sent[:50]!r}")
        figures.never_sent += len(rows) - delivered
    return figures


class Youngster20:
    """One youngster's whole intake, tap by tap, in its own thread."""

    def __init__(self, api: FakeBotApi, chat: int, killing_over: threading.Event) -> None:
        self.api = api
        self.chat = chat
        self.stuck_at: str | None = None
        self.done = False
        self.reading = random.Random(chat)
        # Set once every kill was made: nobody sends their intake off before that, so the
        # kills always fall during the intakes, however fast the replies come.
        self.killing_over = killing_over

    def wait(self, contains: str, after: int | None) -> dict:  # type: ignore[type-arg]
        self.stuck_at = contains
        message = self.api.wait_for_message(
            self.chat, contains=contains, after_message_id=after, timeout=WAIT
        )
        self.stuck_at = None
        time.sleep(self.reading.uniform(0.2, 1.0))  # a youngster reads before answering
        return message

    def run(self) -> None:
        try:
            self.api.send_command(self.chat, "/start")
            consent = self.wait("Is dat oké voor jou?", None)
            self.api.tap(self.chat, consent["message_id"], text="👍 Oké, we beginnen")
            age = self.wait("Hoe oud ben je?", consent["message_id"])
            self.api.tap(self.chat, age["message_id"], text="16 - 17")
            question = self.wait("Vraag 1 van 6", age["message_id"])
            self.api.send_text(self.chat, strengths_of(self.chat))
            for number, name in enumerate(CHECKINS, start=2):
                question = self.wait(f"Vraag {number} van 6", question["message_id"])
                self.api.tap(
                    self.chat, question["message_id"], data=f"q.{name}:{choice_of(self.chat, name)}"
                )
            summary = self.wait("Dit krijgen de coaches van Klik te zien", question["message_id"])
            self.killing_over.wait(timeout=WAIT * 2)
            self.api.tap(self.chat, summary["message_id"], text="✅ Versturen")
            self.wait("Je staat in de wachtrij ✅", summary["message_id"])
            self.done = True
        except AssertionError:
            pass  # stuck_at says where


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        for chat in YOUNGSTERS:
            stand_in.user(chat, first_name="Jo", language_code="nl")
        yield stand_in


def test_twenty_intakes_survive_a_dozen_sigkills_with_no_answer_lost_and_no_chat_stuck(
    api: FakeBotApi, audited: str, tmp_path: Path
) -> None:
    database_url = audited
    klik = Klik(api, database_url, tmp_path)
    klik.start()
    assert api.wait_until_polling(timeout=30)
    killing_over = threading.Event()
    people = [Youngster20(api, chat, killing_over) for chat in YOUNGSTERS]
    threads = [threading.Thread(target=p.run, daemon=True) for p in people]
    for thread in threads:
        thread.start()
    chance = random.Random()
    kills: list[float] = []
    try:
        while len(kills) < KILLS and any(t.is_alive() for t in threads):
            polls = len(api.requests("getUpdates"))
            api.wait_for(lambda a, seen=polls: len(a.requests("getUpdates")) > seen, timeout=60)
            time.sleep(chance.uniform(0.1, 2.0))  # a random moment while it is serving
            kills.append(time.monotonic())
            klik.kill()
            klik.start()
        killing_over.set()
        for thread in threads:
            thread.join(timeout=WAIT * 12)
        deadline = time.monotonic() + WAIT
        while asyncio.run(outbox_size(database_url)) and time.monotonic() < deadline:
            time.sleep(0.5)  # the last replies after "in de wachtrij" are on their way
    finally:
        killing_over.set()
        klik.stop()

    result = asyncio.run(stored(database_url))
    figures = count_deliveries(api, result.audit, kills)
    stuck = [f"{p.chat} at {p.stuck_at!r}" for p in people if not p.done]
    lost = 0
    for chat in YOUNGSTERS:
        answers = result.answers.get(str(chat), {})
        lost += answers.get("strengths") is None or answers["strengths"].text != strengths_of(chat)
        lost += sum(
            answers.get(name) is None or answers[name].choice != choice_of(chat, name)
            for name in CHECKINS
        )
    windows = ", ".join("-" if w is None else f"{w * 1000:.0f} ms" for w in figures.windows)
    print(
        f"\n{len(kills)} SIGKILLs during {len(YOUNGSTERS)} intakes: {lost} answers lost, "
        f"{len(stuck)} chats stuck, {figures.sent_twice} replies sent twice "
        f"({figures.after_a_later_reply} after a later reply; taken by Telegram this long "
        f"before its process was killed: {windows or 'none'}), "
        f"{figures.never_sent} never sent"
    )
    assert len(kills) == KILLS
    assert stuck == []
    assert lost == 0
    assert all(result.youngsters[str(c)].state == "queued" for c in YOUNGSTERS)
    assert figures.unexplained == [] and figures.never_sent == 0
    # A reply is sent twice only when the process died in the moment between Telegram
    # taking it and the service marking it sent, and then again right after itself.
    assert figures.after_a_later_reply == 0
    # When not, what the service said about it (a mark that failed, a send retried) is the
    # first thing to read: its warnings and errors, the start-up note left out.
    troubles = [
        line
        for line in klik.log().splitlines()
        if ("level=WARNING" in line or "level=ERROR" in line) and "reach nobody" not in line
    ]
    assert all(w is not None and w < WINDOW for w in figures.windows), "\n".join(troubles[-40:])
