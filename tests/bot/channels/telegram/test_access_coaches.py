"""Who may see what, coaches among themselves, through the real handlers: a coach reads and
writes only the cases they hold (claimed, or handed over); replies, /open and buttons for a
colleague's case, malformed and stale buttons change nothing. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from storage.models import Staff
from tests.bot.channels.telegram.desk import (
    BRAM,
    LOTTE,
    ON,
    UNKNOWN,
    WHICH_CASE,
    YOUNGSTER,
    Desk,
)


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
    assert "geheim voor jou" not in await desk.case_texts()
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
