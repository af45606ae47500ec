"""After /vergeet nothing of the youngster is left in the database itself, not even in the
bytes nobody reads: a youngster does a whole intake with words nobody else uses, asks what
Klik keeps (a message and a file), gets a coach, both write, then erases everything. Then
the raw SQLite file with its WAL (on PostgreSQL a `pg_dump`) holds no trace of their chat
id, their pseudonym or any of their words. Messages go out through the real sender to the
Bot API stand-in, so the last reply, which must still go out, is sent and gone too."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from telegram import Bot

from bot.channels.telegram.transport import TelegramTransport
from bot.services.conversation import ConversationService
from bot.services.render import Renderer
from bot.services.sender import OutboxSender
from bot.services.staff import StaffService
from flows.intake import IntakeFlow, Rules
from flows.messages import Inbound
from storage.db import Database
from storage.models import Case, Youngster
from tests.bot.team import add
from tests.conftest import Clock
from tests.support.botapi import FakeBotApi

TOKEN = "123456:TEST-token"
YOUNGSTER = 735190288  # their chat id: nothing else in the database has these digits
COACH = 611
WORDS = (
    "Zebrapaardje42",  # the strengths answer
    "Kwastpenseel77",  # own words with a check-in
    "Flamingokoffer19",  # written while waiting
    "Ruitjesbroek55",  # written to the coach
)
COACH_WORDS = "Appelsientje83"  # the coach's reply, also theirs to erase


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        stand_in.user(YOUNGSTER, first_name="Jo")
        stand_in.user(COACH, first_name="Lotte")
        yield stand_in


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url) as client:
        yield client


class Chats:
    """The service and the real sender, each event's replies delivered before the next."""

    def __init__(self, service: ConversationService, sender: OutboxSender) -> None:
        self.service, self.sender = service, sender

    async def say(self, chat: int, event: Inbound) -> None:
        await self.service.handle(channel="telegram", address=str(chat), event=event)
        await self.sender.drain()


@pytest.fixture
async def chats(
    db: Database, flow: IntakeFlow, rules: Rules, renderer: Renderer, bot: Bot, clock: Clock
) -> Chats:
    await add(db, clock, str(COACH), role="coach", name="Lotte", focus="money", capacity=5)
    service = ConversationService(db, flow, clock=clock, matchteam=StaffService(flow, rules))
    return Chats(service, OutboxSender(db, renderer, TelegramTransport(bot), clock=clock))


def tap(data: str) -> Inbound:
    return Inbound("choice", choice=data)


def text(words: str) -> Inbound:
    return Inbound("text", text=words)


async def intake_coach_and_erasure(chats: Chats, db: Database, api: FakeBotApi) -> str:
    """The whole story; the youngster's pseudonym."""
    await chats.say(YOUNGSTER, Inbound("start"))
    await chats.say(YOUNGSTER, tap("consent:yes:nl:"))
    await chats.say(YOUNGSTER, tap("age:16_17"))
    await chats.say(YOUNGSTER, text(f"Ik teken {WORDS[0]} met mijn zus"))
    await chats.say(YOUNGSTER, tap("q.health:2"))
    await chats.say(YOUNGSTER, text(f"Ik slaap slecht door {WORDS[1]}"))
    for data in ("q.home:skip", "q.goals:skip", "q.money:1", "q.network:skip", "summary:send"):
        await chats.say(YOUNGSTER, tap(data))
    await chats.say(YOUNGSTER, text(f"Nog dit: {WORDS[2]}"))
    async with db.transaction() as session:
        case = (await session.execute(select(Case))).scalar_one()
        pseudonym = (await session.execute(select(Youngster.pseudonym))).scalar_one()
    await chats.say(COACH, tap(f"claim:{case.id}"))
    await chats.say(COACH, text(f"Hoi, ik ben Lotte. {COACH_WORDS}?"))
    await chats.say(YOUNGSTER, text(f"Hoi Lotte, {WORDS[3]}"))
    await chats.say(YOUNGSTER, Inbound("command", command="mijngegevens"))
    assert [m["document"]["file_name"] for m in api.messages(YOUNGSTER) if "document" in m] == [
        "klik-mijn-gegevens.txt"
    ]
    await chats.say(YOUNGSTER, Inbound("command", command="vergeet"))
    await chats.say(YOUNGSTER, tap("forget:yes"))
    assert api.messages(YOUNGSTER)[-1]["text"].startswith("Alles is gewist")
    assert f"{pseudonym} heeft alles laten wissen" in api.messages(COACH)[-1]["text"]
    return pseudonym


def raw_sqlite(database_url: str) -> bytes:
    """The database file, its WAL and its shared-memory index, as they are on disk now."""
    path = Path(str(make_url(database_url).database))
    parts = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return b"".join(part.read_bytes() for part in parts if part.exists())


def pg_dump(database_url: str) -> bytes:
    url = make_url(database_url).set(drivername="postgresql").render_as_string(False)
    done = subprocess.run(["/usr/bin/pg_dump", "--dbname", url], capture_output=True, check=True)
    return done.stdout


async def test_an_erased_youngster_leaves_no_trace_in_the_raw_database(
    chats: Chats, db: Database, api: FakeBotApi, database_url: str
) -> None:
    pseudonym = await intake_coach_and_erasure(chats, db, api)
    dump = raw_sqlite(database_url) if db.is_sqlite else pg_dump(database_url)
    assert b"Lotte" in dump  # the dump is readable: the coach is still there
    for trace in (str(YOUNGSTER), pseudonym, *WORDS, COACH_WORDS):
        assert trace.encode() not in dump, trace
