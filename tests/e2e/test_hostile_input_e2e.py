"""`klik run` meeting updates that cannot be stored: texts the database refuses are cleaned and
forged button data is refused at the edge, and an update that still fails the same way again
and again is set aside (by id and kind, never its text) while everyone else is served. Runs on
SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from storage.db import Database
from storage.models import IntakeAnswer, SetAsideUpdate
from storage.sealing import ring
from tests.e2e.journey import add_coach
from tests.e2e.test_intake_e2e import Klik, start_and_consent, wait_for_question
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e

YOUNGSTER, OTHER, COACH = 7001, 7002, 8001
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SORRY = "Sorry, wat je net stuurde kon ik niet verwerken."


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        stand_in.user(YOUNGSTER, first_name="Jo", language_code="nl")
        stand_in.user(OTHER, first_name="Sam", language_code="nl")
        stand_in.user(COACH, first_name="Lotte", language_code="nl")
        yield stand_in


async def _rows(database_url: str, model: type) -> list:  # type: ignore[type-arg]
    db = Database(database_url)
    async with db.transaction() as session:
        rows = list((await session.execute(select(model))).scalars())
    await db.close()
    return rows


def rows(database_url: str, model: type) -> list:  # type: ignore[type-arg]
    return asyncio.run(_rows(database_url, model))


def at_the_first_question(api: FakeBotApi, klik: Klik) -> dict:  # type: ignore[type-arg]
    age = start_and_consent(api, klik)
    api.tap(YOUNGSTER, age["message_id"], text="16 - 17")
    return wait_for_question(api, "Vraag 1 van 6")


def test_a_text_with_a_nul_byte_and_a_lone_surrogate_is_kept_cleaned_and_the_intake_goes_on(
    api: FakeBotApi, klik: Klik, database_url: str
) -> None:
    opener = at_the_first_question(api, klik)

    api.send_text(YOUNGSTER, "ik kan goed\x00 tekenen \ud83d")

    wait_for_question(api, "Vraag 2 van 6", after=opener["message_id"])
    assert klik.stop() == 0
    (answer,) = rows(database_url, IntakeAnswer)
    assert answer.text == "ik kan goed tekenen \ufffd"
    assert rows(database_url, SetAsideUpdate) == []
    assert "Traceback" not in klik.log()


def test_a_forged_claim_beyond_any_id_is_answered_kindly_and_the_coach_claims_on(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path
) -> None:
    code = add_coach(database_url, tmp_path)
    klik.start()
    assert api.wait_until_polling(timeout=30)
    api.send_command(COACH, f"/coach {code}")
    linked = api.wait_for_message(COACH, contains="Welkom Lotte!", timeout=20)

    forged = api.tap_raw(COACH, linked["message_id"], "claim:99999999999")

    api.wait_for(lambda a: a.callback_answer(forged) is not None, timeout=20)
    assert api.callback_answer(forged) == {"text": "Die knop werkt niet meer."}
    api.send_command(YOUNGSTER, "/start")
    consent = wait_for_question(api, "Is dat oké voor jou?")
    api.tap(YOUNGSTER, consent["message_id"], text="👍 Oké, we beginnen")
    age = wait_for_question(api, "Hoe oud ben je?")
    api.tap(YOUNGSTER, age["message_id"], text="💬 Ik wil gewoon met iemand praten")
    offer = api.wait_for_message(COACH, contains="Nieuwe aanvraag", timeout=20)
    api.tap(COACH, offer["message_id"], text="✋ Ik neem dit op")
    api.wait_for_message(COACH, contains="Stel je nu voor", timeout=20)
    assert klik.stop() == 0
    assert rows(database_url, SetAsideUpdate) == []
    assert "Traceback" not in klik.log()


def refuse_a_skull(database_url: str) -> None:
    """Make the database refuse any answer with a skull in it, as it refuses values it cannot
    store: an update with one can never be stored, whatever the service does. Answers are
    stored sealed, so the database sees only their length: it refuses any answer longer than
    the same words without the skull."""
    longest = len(ring().seal("ik kan goed tekenen"))

    async def install() -> None:
        db = Database(database_url)
        async with db.transaction() as session:
            if db.is_sqlite:
                await session.execute(
                    text(
                        "CREATE TRIGGER refuse_skull BEFORE INSERT ON intake_answers "
                        f"WHEN length(NEW.text) > {longest} "
                        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
                    )
                )
            else:
                await session.execute(
                    text(
                        "CREATE FUNCTION refuse_skull() RETURNS trigger AS $$ BEGIN "
                        f"IF length(NEW.text) > {longest} THEN RAISE EXCEPTION 'refused'; END IF; "
                        "RETURN NEW; END $$ LANGUAGE plpgsql"
                    )
                )
                await session.execute(
                    text(
                        "CREATE TRIGGER refuse_skull BEFORE INSERT ON intake_answers "
                        "FOR EACH ROW EXECUTE FUNCTION refuse_skull()"
                    )
                )
        await db.close()

    asyncio.run(install())


async def _drop_skull_rule(database_url: str) -> None:
    db = Database(database_url)
    async with db.transaction() as session:
        await session.execute(
            text("DROP TRIGGER refuse_skull" + ("" if db.is_sqlite else " ON intake_answers"))
        )
        if not db.is_sqlite:
            await session.execute(text("DROP FUNCTION refuse_skull()"))
    await db.close()


@pytest.fixture
def skull_refused(database_url: str) -> Iterator[None]:
    refuse_a_skull(database_url)
    yield
    asyncio.run(_drop_skull_rule(database_url))


@pytest.mark.usefixtures("skull_refused")
def test_an_update_that_fails_the_same_way_three_times_is_set_aside_and_everyone_goes_on(
    api: FakeBotApi, klik: Klik, database_url: str
) -> None:
    opener = at_the_first_question(api, klik)

    api.send_text(YOUNGSTER, "ik kan goed tekenen ☠")
    api.send_command(OTHER, "/start")

    api.wait_for_message(OTHER, contains="Is dat oké voor jou?", timeout=20)
    sorry = wait_for_question(api, SORRY, after=opener["message_id"])
    api.send_text(YOUNGSTER, "ik kan goed tekenen")
    wait_for_question(api, "Vraag 2 van 6", after=sorry["message_id"])
    api.wait_for(lambda a: a.pending_updates() == 0, timeout=20)
    assert klik.stop() == 0
    (aside,) = rows(database_url, SetAsideUpdate)
    assert (aside.event_id, aside.kind) == ("tg:4", "message")
    assert aside.reason in ("IntegrityError", "DBAPIError")
    assert [a.text for a in rows(database_url, IntakeAnswer)] == ["ik kan goed tekenen"]
    log = klik.log()
    assert log.count("update 4 (message) failed 3 times") == 1
    assert "☠" not in log
