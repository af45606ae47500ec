"""The coach's pages: the queue with the same claim as Telegram, the case page's reply into
the outbox, notes and goals, pause and close, and what a coach may not open."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from bot.process.keys import DATABASE
from storage.audit import latest
from storage.dashboard_tables import CaseGoal, CaseNote
from storage.db import Database
from storage.models import Case
from tests.bot.dashboard.conftest import SignedIn
from tests.bot.team import BRAM, LOTTE, MONEY_AND_HOME, Team, claimed_by_lotte
from tests.conftest import Clock
from tests.support.statements import counting


async def test_the_queue_shows_a_waiting_case_with_the_time_left(
    signed_in: SignedIn, team: Team
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    case = await team.case()
    async with signed_in(LOTTE) as it:
        page = await it.get("/dashboard/queue")
    assert f"/dashboard/queue/{case.id}/claim" in page
    assert "binnen de belofte" in page


async def test_a_coach_claims_from_the_queue_and_gets_the_case_page(
    signed_in: SignedIn, team: Team
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    case = await team.case()
    async with signed_in(LOTTE) as it:
        await it.client.get("/dashboard/queue")
        status, where = await it.post(f"/dashboard/queue/{case.id}/claim")
    assert (status, where) == (303, f"/dashboard/cases/{case.id}?said=claimed")
    claimed = await team.case()
    assert (claimed.state, claimed.coach_id) == ("active", team.ids[LOTTE])


async def test_a_claim_on_a_case_someone_else_took_says_so(signed_in: SignedIn, team: Team) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    case = await team.case()
    async with signed_in(BRAM) as it:
        await it.client.get("/dashboard/queue")
        await claimed_by_lotte_after_offer(team, case.id)
        status, where = await it.post(f"/dashboard/queue/{case.id}/claim")
    assert (status, where) == (303, "/dashboard/queue?said=taken")


async def claimed_by_lotte_after_offer(team: Team, case_id: int) -> None:
    from flows.messages import Inbound

    await team.say(LOTTE, Inbound("command", command="wachtrij"))
    await team.say(LOTTE, Inbound("choice", choice=f"claim:{case_id}"))


async def test_a_reply_on_the_case_page_goes_to_the_youngster_through_the_outbox(
    signed_in: SignedIn, team: Team
) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(LOTTE) as it:
        status, _ = await it.post(f"/dashboard/cases/{case.id}/reply", text="Hoi, ik ben Lotte")
        assert status == 303
        page = await it.get(f"/dashboard/cases/{case.id}")
    assert "Hoi, ik ben Lotte" in page
    assert any("Hoi, ik ben Lotte" in str(m.params) for m in await team.outbox("y1"))


async def test_new_messages_can_be_fetched_after_the_last_one_shown(
    signed_in: SignedIn, team: Team
) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(LOTTE) as it:
        await it.post(f"/dashboard/cases/{case.id}/reply", text="Eerste")
        first = await (await it.client.get(f"/dashboard/cases/{case.id}/messages")).json()
        last = first["messages"][-1]["id"]
        await it.post(f"/dashboard/cases/{case.id}/reply", text="Tweede")
        newer = await (
            await it.client.get(f"/dashboard/cases/{case.id}/messages?after={last}")
        ).json()
    assert [m["text"] for m in newer["messages"]] == ["Tweede"]


async def test_a_note_and_a_goal_are_kept_sealed_and_a_goal_can_be_ticked(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(LOTTE) as it:
        await it.post(f"/dashboard/cases/{case.id}/note", text="Let op school")
        await it.post(f"/dashboard/cases/{case.id}/goal", text="Bel de huisarts")
        async with db.transaction() as session:
            goal = (await session.execute(select(CaseGoal))).scalars().one()
        await it.post(f"/dashboard/cases/{case.id}/tick", goal=goal.id, done="1")
        page = await it.get(f"/dashboard/cases/{case.id}")
    assert "Let op school" in page and "Bel de huisarts" in page
    async with db.transaction() as session:
        note = (await session.execute(select(CaseNote))).scalars().one()
        ticked = (await session.execute(select(CaseGoal))).scalars().one()
    assert note.text == "Let op school" and ticked.done_at is not None


async def test_closing_on_the_case_page_closes_the_case_with_its_reason(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(LOTTE) as it:
        _status, where = await it.post(f"/dashboard/cases/{case.id}/close", reason="goal_reached")
    assert where == "/dashboard/cases?said=closed"
    async with db.transaction() as session:
        closed = await session.get(Case, case.id)
    assert closed is not None and (closed.state, closed.close_reason) == ("closed", "goal_reached")


async def test_pausing_on_the_case_page_pauses_the_case(signed_in: SignedIn, team: Team) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(LOTTE) as it:
        await it.post(f"/dashboard/cases/{case.id}/pause")
    assert (await team.case()).state == "paused"


async def test_a_coach_cannot_open_another_coachs_case(signed_in: SignedIn, team: Team) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(BRAM) as it:
        assert (await it.client.get(f"/dashboard/cases/{case.id}")).status == 403
        status, _ = await it.post(f"/dashboard/cases/{case.id}/reply", text="x")
    assert status == 403


async def test_a_coach_cannot_open_the_team_lead_pages(signed_in: SignedIn) -> None:
    async with signed_in(LOTTE) as it:
        for path in ("/dashboard/board", "/dashboard/staff", "/dashboard/audit"):
            assert (await it.client.get(path)).status == 403, path


async def test_every_case_page_view_is_in_the_audit_log(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(LOTTE) as it:
        await it.client.get(f"/dashboard/cases/{case.id}")
    async with db.transaction() as session:
        entries = await latest(session, limit=5, case_id=case.id)
    assert any(e.action == "view" and e.actor_staff_id == team.ids[LOTTE] for e in entries)


async def test_my_cases_lists_the_case_with_its_last_message(
    signed_in: SignedIn, team: Team
) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(LOTTE) as it:
        await it.post(f"/dashboard/cases/{case.id}/reply", text="Tot morgen!")
        page = await it.get("/dashboard/cases")
    assert f"/dashboard/cases/{case.id}" in page and "Tot morgen!" in page


async def test_a_case_of_nobody_is_found_by_nobody(signed_in: SignedIn, db: Database) -> None:
    async with signed_in(LOTTE) as it:
        assert (await it.client.get("/dashboard/cases/999999")).status == 404
    async with db.transaction() as session:
        assert (await session.execute(select(col(Case.id)))).first() is None


async def test_a_warm_hand_over_from_the_case_page_asks_the_colleague(
    signed_in: SignedIn, team: Team
) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(LOTTE) as it:
        status, where = await it.post(
            f"/dashboard/cases/{case.id}/handover", colleague=team.ids[BRAM]
        )
    assert (status, where) == (303, f"/dashboard/cases/{case.id}?said=handover")
    assert (await team.case()).handover_to == team.ids[BRAM]
    assert "handover.offer" in await team.keys(BRAM)


async def test_a_coach_who_speaks_english_reads_the_pages_in_english(
    signed_in: SignedIn, team: Team, db: Database, clock: Clock
) -> None:
    from tests.bot.team import add

    sam = await add(db, clock, "c-sam", role="coach", name="Sam", languages="en", capacity=4)
    async with signed_in(sam) as it:
        page = await it.get("/dashboard/queue")
    assert "Nobody is waiting." in page and '<html lang="en">' in page


async def test_the_queue_page_reads_the_same_number_of_statements_for_one_or_four_waiting(
    signed_in: SignedIn, team: Team
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    async with signed_in(LOTTE) as it:
        await it.get("/dashboard/queue")  # the offers of the first are written once
        with counting(it.app[DATABASE].engine) as one:
            await it.get("/dashboard/queue")
        for youngster in ("y2", "y3", "y4"):
            await team.youngster(youngster, *MONEY_AND_HOME)
        await it.get("/dashboard/queue")
        with counting(it.app[DATABASE].engine) as four:
            page = await it.get("/dashboard/queue")
    assert page.count("/claim") == 4
    assert len(four) == len(one), "\n".join(four.sent)
