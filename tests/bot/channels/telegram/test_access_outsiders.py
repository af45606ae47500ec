"""Who may see what, for those outside a case, through the real handlers: a deactivated coach
neither claims, nor reads, nor receives; a youngster never reaches a staff command or button.
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import col

from storage.models import Offer, OutboxMessage, Staff, Youngster
from storage.sealing import lookups
from tests.bot.channels.telegram.desk import (
    BRAM,
    LOTTE,
    ON,
    UNKNOWN,
    YOUNGSTER,
    Desk,
)
from tests.bot.conftest import StaffCli

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
    assert "nog iets?" not in await desk.case_texts()


async def test_a_deactivated_coach_receives_nothing_that_was_still_on_its_way(
    desk: Desk, staff_cli: StaffCli
) -> None:
    await desk.claimed_by_lotte()
    seen = len(desk.sent_to(LOTTE))
    await desk.write(YOUNGSTER, "ben je er nog?", drain=False)  # the relay waits in the outbox
    assert (await staff_cli("coach", "deactivate", "Lotte")).code == 0
    await desk.harness.sender.drain()
    assert not any("ben je er nog?" in text for text in desk.texts_to(LOTTE)[seen:])
    assert (
        await desk.count(OutboxMessage, col(OutboxMessage.address_key).in_(lookups(str(LOTTE))))
        == 0
    )


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
