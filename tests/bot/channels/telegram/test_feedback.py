""" "Klikte het?" through the real Telegram handlers, service and database: Lotte closes, the
youngster taps an answer and adds a line; a second tap counts nothing; writing instead of
tapping reaches the coach again; after /vergeet the answer is still counted and nothing of
the youngster is left to link it to."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from storage.feedback import feedback_counts, feedback_lines
from storage.models import Youngster
from tests.bot.channels.telegram.desk import LOTTE, YOUNGSTER, Desk

ASK = "Klikte het?"
EVER = date(2000, 1, 3)  # a Monday before any answer


async def closed(desk: Desk) -> dict[str, Any]:
    """Lotte closes the case; the question the youngster got."""
    case = await desk.claimed_by_lotte()
    await desk.write(LOTTE, "/afsluiten")
    await desk.tap(LOTTE, f"close:{case.id}:goal_reached")
    return next(p for p in desk.sent_to(YOUNGSTER) if p["text"].startswith(ASK))


async def counts(desk: Desk) -> dict[str, int]:
    async with desk.db.transaction() as session:
        return await feedback_counts(session, since=EVER)


async def test_a_closed_case_asks_the_youngster_and_counts_their_one_tap(desk: Desk) -> None:
    question = await closed(desk)
    await desk.tap(YOUNGSTER, "feedback:good", question)
    assert await counts(desk) == {"good": 1}
    assert desk.texts_to(YOUNGSTER)[-1].startswith("Dank je! Wil je er nog iets over zeggen?")


async def test_a_second_tap_on_the_question_counts_nothing(desk: Desk) -> None:
    question = await closed(desk)
    await desk.tap(YOUNGSTER, "feedback:good", question)
    await desk.tap(YOUNGSTER, "feedback:bad", question)
    assert await counts(desk) == {"good": 1}


async def test_the_line_after_the_answer_is_kept_apart_and_never_reaches_the_coach(
    desk: Desk,
) -> None:
    question = await closed(desk)
    await desk.tap(YOUNGSTER, "feedback:okay", question)
    before = desk.texts_to(LOTTE)
    await desk.write(YOUNGSTER, "Het hielp om het een keer te zeggen")
    async with desk.db.transaction() as session:
        assert await feedback_lines(session, since=EVER) == ["Het hielp om het een keer te zeggen"]
    assert desk.texts_to(LOTTE) == before and (await desk.case()).state == "closed"


async def test_writing_instead_of_tapping_reaches_the_coach_again(desk: Desk) -> None:
    await closed(desk)
    await desk.write(YOUNGSTER, "Ik wil toch nog iets vragen")
    assert (await desk.case()).state == "active"
    assert any("Ik wil toch nog iets vragen" in text for text in desk.texts_to(LOTTE))
    assert await counts(desk) == {}


async def test_after_forgetting_everything_the_answer_stays_counted_and_no_youngster_is_left(
    desk: Desk,
) -> None:
    question = await closed(desk)
    await desk.tap(YOUNGSTER, "feedback:bad", question)
    await desk.tap(YOUNGSTER, "feedback:skip")
    await desk.write(YOUNGSTER, "/vergeet")
    await desk.tap(YOUNGSTER, "forget:yes")
    async with desk.db.transaction() as session:
        assert (await session.execute(select(Youngster))).first() is None
    assert await counts(desk) == {"bad": 1}
