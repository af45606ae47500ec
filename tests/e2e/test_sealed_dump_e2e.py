"""The raw-dump test of encryption at rest: a whole intake, a coach relay, the close and the
youngster's "klikte het?" line through the
real Telegram handlers, service and sender (in-process, over the Bot API stand-in), then the
database as an attacker with a copy of it sees it: the SQLite file and its WAL file byte for
byte, and on PostgreSQL a pg_dump. No word the youngster or the coach wrote, and no chat id,
may be in it."""

from __future__ import annotations

import itertools
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlmodel import col

from bot.services.render import Renderer
from flows.intake import IntakeFlow, Rules
from storage.db import Database
from storage.location import sqlite_file
from storage.models import CaseMessage, FeedbackLine, IntakeAnswer, IntakeMedia
from tests.bot.channels.telegram.test_handlers import PHOTO, Harness
from tests.bot.channels.telegram.wired import wired
from tests.bot.team import add
from tests.conftest import Clock

YOUNGSTER, COACH = 987654321012, 987654321099
ANSWER = "Zebrapaardje42 tekent graag stripverhalen"
CAPTION = "Giraffenek77 op mijn kamer"
WAITING = "Kameleonkleur19 ik wacht nog even"
COACH_SAYS = "Olifantsoor31 hoi, ik ben er"
YOUNGSTER_SAYS = "Nijlpaardstaart55 dank je wel"
FEEDBACK_SAYS = "Pinguinvoet68 Lotte luisterde echt"
SECRETS = [
    ANSWER,
    CAPTION,
    WAITING,
    COACH_SAYS,
    YOUNGSTER_SAYS,
    FEEDBACK_SAYS,
    str(YOUNGSTER),
    str(COACH),
]
_ids = itertools.count(5000)


def _message(chat: int, **content: Any) -> dict[str, Any]:
    return {
        "message": {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "Jo"},
            "from": {"id": chat, "is_bot": False, "first_name": "Jo", "language_code": "nl"},
            **content,
        }
    }


async def intake_and_relay(harness: Harness, db: Database, clock: Clock) -> None:
    await add(db, clock, str(COACH), role="coach", name="Lotte", languages="nl", capacity=8)
    await harness.write("/start", chat=YOUNGSTER)
    await harness.tap("consent:yes:nl:", chat=YOUNGSTER)
    await harness.tap("age:16_17", chat=YOUNGSTER)
    await harness.write(ANSWER, chat=YOUNGSTER)
    await harness.deliver(_message(YOUNGSTER, photo=PHOTO, caption=CAPTION))
    for question in ("health", "home", "goals", "money", "network"):
        await harness.tap(f"q.{question}:skip", chat=YOUNGSTER)
    await harness.tap("summary:send", chat=YOUNGSTER)
    await harness.write(WAITING, chat=YOUNGSTER)
    sent = harness.request.sent("sendMessage")
    at = next(i for i, params in enumerate(sent) if int(params["chat_id"]) == COACH)
    offer = {**sent[at], "message_id": 1001 + at}
    claim = next(data for _, data in harness.buttons(offer) if data.startswith("claim:"))
    await harness.tap(claim, on=offer, chat=COACH)
    await harness.write(COACH_SAYS, chat=COACH)
    await harness.write(YOUNGSTER_SAYS, chat=YOUNGSTER)
    await harness.write("/afsluiten", chat=COACH)
    ask = newest(harness, COACH)
    close = next(data for _, data in harness.buttons(ask) if data.endswith(":goal_reached"))
    await harness.tap(close, on=ask, chat=COACH)
    await harness.tap("feedback:good", on=newest(harness, YOUNGSTER), chat=YOUNGSTER)
    await harness.write(FEEDBACK_SAYS, chat=YOUNGSTER)


def newest(harness: Harness, chat: int) -> dict[str, Any]:
    """The newest message sent to a chat, with the message id Telegram gave it."""
    sent = harness.request.sent("sendMessage")
    at = max(i for i, params in enumerate(sent) if int(params["chat_id"]) == chat)
    return {**sent[at], "message_id": 1001 + at}


def delivered(harness: Harness, chat: int) -> str:
    return " ".join(
        str(p.get("text", ""))
        for p in harness.request.sent("sendMessage")
        if int(p["chat_id"]) == chat
    )


async def stored_texts(db: Database) -> str:
    async with db.transaction() as session:
        texts = [
            *(await session.execute(select(col(IntakeAnswer.text)))).scalars(),
            *(await session.execute(select(col(IntakeMedia.caption)))).scalars(),
            *(await session.execute(select(col(CaseMessage.text)))).scalars(),
            *(await session.execute(select(col(FeedbackLine.text)))).scalars(),
        ]
    return " ".join(texts)


def raw_bytes(database_url: str) -> bytes:
    """The database as a copy of it shows it: SQLite's file and WAL, or a pg_dump."""
    path = sqlite_file(database_url)
    if path is not None:
        files = [path, Path(f"{path}-wal")]
        assert files[1].is_file()  # the WAL holds the newest pages: it must be searched too
        return b"".join(f.read_bytes() for f in files if f.is_file())
    plain = make_url(database_url).set(drivername="postgresql").render_as_string(False)
    dump = subprocess.run(
        ["/usr/bin/pg_dump", "--no-owner", plain], capture_output=True, check=True, timeout=120
    )
    return dump.stdout


async def test_a_copy_of_the_database_shows_no_text_and_no_chat_id(
    db: Database,
    database_url: str,
    flow: IntakeFlow,
    rules: Rules,
    renderer: Renderer,
    clock: Clock,
) -> None:
    async with wired(db, flow, rules, renderer, clock) as w:
        harness = Harness(w.application, w.handlers, w.sender, w.request)
        await intake_and_relay(harness, db, clock)
        # The words did travel: to the coach (summary, waiting message, relay) and back.
        to_coach, to_youngster = delivered(harness, COACH), delivered(harness, YOUNGSTER)
        assert ANSWER in to_coach and YOUNGSTER_SAYS in to_coach
        assert COACH_SAYS in to_youngster
        dump = raw_bytes(database_url)
    # ...and they are kept: read through the service's own key they are all there.
    assert SECRETS[:-2] == [s for s in SECRETS[:-2] if s in await stored_texts(db)]
    assert len(dump) > 10_000  # a real copy, not an empty one
    found = [secret for secret in SECRETS if secret.encode("utf-8") in dump]
    assert found == []


@pytest.mark.parametrize("word", ["Zebrapaardje42", str(YOUNGSTER)])
def test_the_dump_search_would_find_a_word_stored_in_plain(word: str, tmp_path: Path) -> None:
    """The search itself can fail: a plain value in a SQLite file is found by it."""
    import sqlite3

    path = tmp_path / "plain.db"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (v TEXT)")
    connection.execute("INSERT INTO t VALUES (?)", (word,))
    connection.commit()
    assert word.encode() in raw_bytes(f"sqlite:///{path}")
    connection.close()
