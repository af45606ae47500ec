"""End to end: the real `klik run` at LOG_LEVEL=DEBUG plays an intake and a coach's relay,
with the database refusing writes twice in the middle (and, on PostgreSQL, every connection
cut), and its whole log holds none of what the youngster and the coach typed, their names,
handles or chat ids, the pseudonym, the invite code, the bot token or the webhook secret.
Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database
from tests.e2e.journey import add_coach
from tests.e2e.test_intake_e2e import Klik
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e

# Chat ids long enough that no timestamp, port or count in the log matches one by chance.
YOUNGSTER, COACH = 5550001234, 5550009876
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
WEBHOOK_SECRET = "wh-secret-Qx7vLm2Pz9KdR4tYb8NcW3sHf6Jg1AeU"
INTAKE_TEXT = "ik teken graag PAARDEN-77"
FIRST_WORDS = "Hoi! Ik ben er. KAKTUS-31"
RELAYED = "ik heb schulden bij OLIFANT-58"
ANSWER = "We zoeken het samen uit, GIRAFFE-19"
WAIT = 30


def refusing(table: str, dialect: str) -> list[str]:
    """Statements after which every write into `table` fails, the row's values in it."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER outage_{table}_{kind} BEFORE {kind} ON {table}"
            " BEGIN SELECT RAISE(ABORT, 'the database is away'); END"
            for kind in ("INSERT", "UPDATE")
        ]
    return [
        "CREATE OR REPLACE FUNCTION outage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " RAISE EXCEPTION 'the database is away'; END $$",
        f"CREATE TRIGGER outage_{table} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW"
        " EXECUTE FUNCTION outage()",
    ]


def allowing(table: str, dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS outage_{table}_{k}" for k in ("INSERT", "UPDATE")]
    return [f"DROP TRIGGER IF EXISTS outage_{table} ON {table}", "DROP FUNCTION IF EXISTS outage()"]


async def run(database_url: str, statements: object) -> None:
    db = Database(database_url)
    async with db.transaction() as session:
        dialect = session.get_bind().dialect.name
        assert callable(statements)
        for statement in statements(dialect):
            await session.execute(text(statement))
        if dialect == "postgresql":
            # A real outage too: every connection of the service is cut.
            await session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    await db.close()


class Outage:
    """Writes into one table fail until `end()`; `until_noticed()` waits for the service to log
    that an update failed because of it."""

    def __init__(self, klik: Klik, database_url: str, table: str) -> None:
        self.klik, self.database_url, self.table = klik, database_url, table
        self.failures_before = self.failures()
        asyncio.run(run(database_url, lambda dialect: refusing(table, dialect)))

    def failures(self) -> int:
        return self.klik.log().count("it will be retried")

    def until_noticed(self) -> None:
        deadline = time.monotonic() + WAIT
        while self.failures() == self.failures_before and time.monotonic() < deadline:
            time.sleep(0.2)
        assert self.failures() > self.failures_before, "the outage was not noticed"

    def end(self) -> None:
        asyncio.run(run(self.database_url, lambda dialect: allowing(self.table, dialect)))


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        stand_in.user(
            YOUNGSTER, first_name="Jorinde", username="jorinde_handle", language_code="nl"
        )
        stand_in.user(COACH, first_name="Lottemarie", username="lotte_private", language_code="nl")
        yield stand_in


def test_a_debug_log_of_an_intake_and_a_relay_through_two_outages_holds_nothing_personal(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path
) -> None:
    code = add_coach(database_url, tmp_path)
    klik.env["WEBHOOK_SECRET"] = WEBHOOK_SECRET  # loaded, unused in polling mode
    klik.start()
    assert api.wait_until_polling(timeout=WAIT)
    api.send_command(COACH, f"/coach {code}")
    api.wait_for_message(COACH, contains="Welkom Lotte!", timeout=WAIT)

    def question(contains: str, after: int | None = None) -> dict:  # type: ignore[type-arg]
        return api.wait_for_message(
            YOUNGSTER, contains=contains, after_message_id=after, timeout=WAIT
        )

    api.send_command(YOUNGSTER, "/start insta")
    consent = question("Is dat oké voor jou?")
    api.tap(YOUNGSTER, consent["message_id"], text="👍 Oké, we beginnen")
    age = question("Hoe oud ben je?")
    api.tap(YOUNGSTER, age["message_id"], text="16 - 17")
    opener = question("Vraag 1 van 6")

    outage = Outage(klik, database_url, "intake_answers")
    api.send_text(YOUNGSTER, INTAKE_TEXT)
    outage.until_noticed()
    outage.end()
    health = question("Vraag 2 van 6", after=opener["message_id"])
    api.tap(YOUNGSTER, health["message_id"], data="q.health:2")
    home = question("Vraag 3 van 6", after=health["message_id"])
    api.tap(YOUNGSTER, home["message_id"], data="q.home:3")
    goals = question("Vraag 4 van 6", after=home["message_id"])
    api.tap(YOUNGSTER, goals["message_id"], text="Liever niet zeggen")
    money = question("Vraag 5 van 6", after=goals["message_id"])
    api.tap(YOUNGSTER, money["message_id"], data="q.money:1")
    network = question("Vraag 6 van 6", after=money["message_id"])
    api.tap(YOUNGSTER, network["message_id"], data="q.network:4")
    summary = question("Dit krijgen de coaches van Klik te zien", after=network["message_id"])
    assert INTAKE_TEXT in summary["text"]
    api.tap(YOUNGSTER, summary["message_id"], text="✅ Versturen")
    question("Je staat in de wachtrij ✅", after=summary["message_id"])

    offer = api.wait_for_message(COACH, contains="Nieuwe aanvraag", timeout=WAIT)
    found = re.search(r"Nieuwe aanvraag: (\w+-\d{4})", offer["text"])
    assert found
    pseudonym = found.group(1)
    api.tap(COACH, offer["message_id"], text="✋ Ik neem dit op")
    api.wait_for_message(COACH, contains="Stel je nu voor", timeout=WAIT)
    api.send_text(COACH, FIRST_WORDS)
    question("Lotte (coach) is er voor je!")

    outage = Outage(klik, database_url, "case_messages")
    api.send_text(YOUNGSTER, RELAYED)
    outage.until_noticed()
    outage.end()
    relayed = api.wait_for_message(COACH, contains=RELAYED, timeout=WAIT)
    api.send_text(COACH, ANSWER, reply_to=relayed["message_id"])
    question(f"Lotte (coach): {ANSWER}")
    assert klik.stop() == 0

    log = klik.log()
    assert "event=update_handled" in log  # it did log (at DEBUG: tests/e2e Klik's setting)
    assert log.count("it will be retried") >= 2  # and the outages' errors
    for personal in (
        INTAKE_TEXT,
        "PAARDEN",
        FIRST_WORDS,
        "KAKTUS",
        RELAYED,
        "OLIFANT",
        ANSWER,
        "GIRAFFE",
        "Jorinde",
        "jorinde_handle",
        "Lotte",  # the coach's name in Klik, and in Telegram (Lottemarie)
        "lotte_private",
        str(YOUNGSTER),
        str(COACH),
        pseudonym,
        code,
        TOKEN,
        TOKEN.split(":")[1],
        WEBHOOK_SECRET,
    ):
        assert personal not in log, f"{personal!r} is in the log"
