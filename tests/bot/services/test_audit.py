"""The audit log through the real service and database (SQLite and PostgreSQL): a claim, a
view, a hand-over asked and accepted, a pause, a close, a youngster's /andere_coach and a
linked chat each leave an entry, written with the change; no entry holds a text, a chat id
or a pseudonym."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from bot.services.conversation import ConversationService
from flows.messages import Inbound
from storage.db import Database
from storage.models import AuditEvent, Youngster
from tests.bot.services.test_staff import link, lotte, service  # noqa: F401 (fixtures)
from tests.bot.team import AHMED, BRAM, LOTTE, Team, claimed_by_lotte

Row = tuple[str, int | None, str, int | None, int | None, str | None]


async def audit(db: Database) -> list[Row]:
    """Every entry as (actor, actor's staff id, action, case, staff, detail), oldest first."""
    async with db.transaction() as session:
        rows = (
            (await session.execute(select(AuditEvent).order_by(col(AuditEvent.id)))).scalars().all()
        )
    return [(r.actor, r.actor_staff_id, r.action, r.case_id, r.staff_id, r.detail) for r in rows]


async def test_a_claim_is_recorded_with_the_coach_and_the_case(team: Team) -> None:
    case = await claimed_by_lotte(team)
    assert ("coach", team.ids[LOTTE], "claim", case.id, None, None) in await audit(team.db)


async def test_offering_a_case_records_whom_it_was_shown_to(team: Team) -> None:
    case = await claimed_by_lotte(team)
    shown = [row for row in await audit(team.db) if row[2] == "shown"]
    assert ("system", None, "shown", case.id, team.ids[LOTTE], None) in shown


async def test_a_close_is_recorded_with_its_reason(team: Team) -> None:
    case = await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("choice", choice=f"close:{case.id}:goal_reached"))
    last = (await audit(team.db))[-1]
    assert last == ("coach", team.ids[LOTTE], "close", case.id, None, "goal_reached")


async def test_a_pause_is_recorded(team: Team) -> None:
    case = await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("command", command="pauze"))
    assert (await audit(team.db))[-1] == ("coach", team.ids[LOTTE], "pause", case.id, None, None)


async def test_a_hand_over_asked_and_accepted_is_recorded_on_both_sides(team: Team) -> None:
    case = await claimed_by_lotte(team)
    lotte_id, bram_id = team.ids[LOTTE], team.ids[BRAM]
    await team.say(LOTTE, Inbound("choice", choice=f"handover:{case.id}:{bram_id}"))
    await team.say(BRAM, Inbound("choice", choice=f"accept:{case.id}"))
    assert (await audit(team.db))[-2:] == [
        ("coach", lotte_id, "handover_ask", case.id, bram_id, None),
        ("coach", bram_id, "handover_accept", case.id, lotte_id, None),
    ]


async def test_a_refused_accept_leaves_no_entry(team: Team) -> None:
    case = await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("choice", choice=f"handover:{case.id}:{team.ids[BRAM]}"))
    before = await audit(team.db)
    await team.say(AHMED, Inbound("choice", choice=f"accept:{case.id}"))
    assert await audit(team.db) == before


async def test_opening_a_conversation_is_recorded_as_a_view(team: Team) -> None:
    case = await claimed_by_lotte(team)
    async with team.db.transaction() as session:
        youngster = await session.get(Youngster, case.youngster_id)
        assert youngster is not None
    await team.say(LOTTE, Inbound("command", command="open", argument=youngster.pseudonym))
    assert (await audit(team.db))[-1] == ("coach", team.ids[LOTTE], "view", case.id, None, None)


async def test_a_youngster_asking_for_another_coach_is_recorded_as_theirs(team: Team) -> None:
    case = await claimed_by_lotte(team)
    await team.say("y1", Inbound("command", command="andere_coach"))
    assert ("youngster", None, "requeue", case.id, None, None) in await audit(team.db)


async def test_linking_a_chat_with_an_invite_code_is_recorded(
    service: ConversationService,  # noqa: F811
    db: Database,
    lotte: int,  # noqa: F811
) -> None:
    await link(service, "9001")
    assert await audit(db) == [("coach", lotte, "staff_link", None, lotte, None)]


async def test_no_entry_holds_a_text_a_chat_id_a_name_or_a_pseudonym(team: Team) -> None:
    case = await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("text", text="Hoi, ik ben Lotte!"))
    await team.say("y1", Inbound("text", text="ik wil praten over thuis"))
    await team.say(LOTTE, Inbound("choice", choice=f"handover:{case.id}:{team.ids[BRAM]}"))
    await team.say(BRAM, Inbound("choice", choice=f"accept:{case.id}"))
    await team.say(BRAM, Inbound("choice", choice=f"close:{case.id}:other"))
    async with team.db.transaction() as session:
        youngster = await session.get(Youngster, case.youngster_id)
        assert youngster is not None
    words = {
        str(value)
        for row in await audit(team.db)
        for value in row
        if isinstance(value, str) and value
    }
    for secret in ("Lotte", "Bram", "thuis", "Hoi", youngster.pseudonym, "y1", LOTTE, BRAM):
        assert not any(secret in word for word in words), secret
    assert youngster.id not in words
