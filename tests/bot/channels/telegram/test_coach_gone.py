"""A youngster whose coach was deactivated after the close is never told "ik heb {coach}
gevraagd ..." or "ik heb {coach} laten weten ...": that coach cannot be reached, so the words
stay general (through the real handlers, service and database)."""

from __future__ import annotations

from storage.staff import deactivate_staff
from tests.bot.channels.telegram.desk import LOTTE, YOUNGSTER, Desk

ACUTE = "ik sta op de brug en ik ga springen"


async def closed_and_lotte_gone(desk: Desk) -> None:
    case = await desk.claimed_by_lotte()
    await desk.write(LOTTE, "/afsluiten")
    await desk.tap(LOTTE, f"close:{case.id}:goal_reached")
    async with desk.db.transaction() as session:
        await deactivate_staff(session, staff_id=desk.staff[LOTTE])


async def test_forgetting_after_the_coach_left_does_not_say_the_coach_was_asked(
    desk: Desk,
) -> None:
    await closed_and_lotte_gone(desk)
    await desk.write(YOUNGSTER, "/vergeet")
    await desk.tap(YOUNGSTER, "forget:yes")
    said = desk.texts_to(YOUNGSTER)[-1]
    assert said.startswith("Alles is gewist") and "Lotte" not in said
    assert "vroegere coach" in said


async def test_forgetting_while_the_coach_is_there_names_the_coach_who_is_asked(
    desk: Desk,
) -> None:
    case = await desk.claimed_by_lotte()
    await desk.write(LOTTE, "/afsluiten")
    await desk.tap(LOTTE, f"close:{case.id}:goal_reached")
    await desk.write(YOUNGSTER, "/vergeet")
    await desk.tap(YOUNGSTER, "forget:yes")
    assert "Ik heb Lotte gevraagd om het te wissen." in desk.texts_to(YOUNGSTER)[-1]


async def test_crisis_words_after_the_coach_left_are_not_said_to_reach_that_coach(
    desk: Desk,
) -> None:
    await closed_and_lotte_gone(desk)
    before = len(desk.texts_to(YOUNGSTER))
    await desk.write(YOUNGSTER, ACUTE)
    said = desk.texts_to(YOUNGSTER)[before:]
    assert said[-1].startswith("Ik heb je bovenaan de lijst gezet.")
    assert not any("Lotte" in text for text in said)
