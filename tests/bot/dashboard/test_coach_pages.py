"""The coach's pages: the queue with the same claim as Telegram, the case page's reply into
the outbox, notes and goals, pause and close, and what a coach may not open."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from storage.audit import latest
from storage.dashboard_tables import CaseGoal, CaseNote
from storage.db import Database
from storage.models import Case
from tests.bot.dashboard.web import post, sign_in
from tests.bot.served import Serve
from tests.bot.team import BRAM, LOTTE, MONEY_AND_HOME, Team, claimed_by_lotte
from tests.conftest import Clock


async def test_the_queue_shows_a_waiting_case_with_the_time_left(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    case = await team.case()
    async with serve() as it:
        await sign_in(it.client, db, clock, team.ids[LOTTE])
        page = await (await it.client.get("/dashboard/queue")).text()
    assert f"/dashboard/queue/{case.id}/claim" in page
    assert "binnen de belofte" in page


async def test_a_coach_claims_from_the_queue_and_gets_the_case_page(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    case = await team.case()
    async with serve() as it:
        csrf = await sign_in(it.client, db, clock, team.ids[LOTTE])
        await it.client.get("/dashboard/queue")
        status, where = await post(it.client, f"/dashboard/queue/{case.id}/claim", csrf)
    assert (status, where) == (303, f"/dashboard/cases/{case.id}?said=claimed")
    claimed = await team.case()
    assert (claimed.state, claimed.coach_id) == ("active", team.ids[LOTTE])


async def test_a_claim_on_a_case_someone_else_took_says_so(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    case = await team.case()
    async with serve() as it:
        csrf = await sign_in(it.client, db, clock, team.ids[BRAM])
        await it.client.get("/dashboard/queue")
        await claimed_by_lotte_after_offer(team, case.id)
        status, where = await post(it.client, f"/dashboard/queue/{case.id}/claim", csrf)
    assert (status, where) == (303, "/dashboard/queue?said=taken")


async def claimed_by_lotte_after_offer(team: Team, case_id: int) -> None:
    from flows.messages import Inbound

    await team.say(LOTTE, Inbound("command", command="wachtrij"))
    await team.say(LOTTE, Inbound("choice", choice=f"claim:{case_id}"))


async def test_a_reply_on_the_case_page_goes_to_the_youngster_through_the_outbox(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    case = await claimed_by_lotte(team)
    async with serve() as it:
        csrf = await sign_in(it.client, db, clock, team.ids[LOTTE])
        status, _ = await post(
            it.client, f"/dashboard/cases/{case.id}/reply", csrf, text="Hoi, ik ben Lotte"
        )
        assert status == 303
        page = await (await it.client.get(f"/dashboard/cases/{case.id}")).text()
    assert "Hoi, ik ben Lotte" in page
    assert any("Hoi, ik ben Lotte" in str(m.params) for m in await team.outbox("y1"))


async def test_new_messages_can_be_fetched_after_the_last_one_shown(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    case = await claimed_by_lotte(team)
    async with serve() as it:
        csrf = await sign_in(it.client, db, clock, team.ids[LOTTE])
        await post(it.client, f"/dashboard/cases/{case.id}/reply", csrf, text="Eerste")
        first = await (await it.client.get(f"/dashboard/cases/{case.id}/messages")).json()
        last = first["messages"][-1]["id"]
        await post(it.client, f"/dashboard/cases/{case.id}/reply", csrf, text="Tweede")
        newer = await (
            await it.client.get(f"/dashboard/cases/{case.id}/messages?after={last}")
        ).json()
    assert [m["text"] for m in newer["messages"]] == ["Tweede"]


async def test_a_note_and_a_goal_are_kept_sealed_and_a_goal_can_be_ticked(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    case = await claimed_by_lotte(team)
    async with serve() as it:
        csrf = await sign_in(it.client, db, clock, team.ids[LOTTE])
        await post(it.client, f"/dashboard/cases/{case.id}/note", csrf, text="Let op school")
        await post(it.client, f"/dashboard/cases/{case.id}/goal", csrf, text="Bel de huisarts")
        async with db.transaction() as session:
            goal = (await session.execute(select(CaseGoal))).scalars().one()
        await post(it.client, f"/dashboard/cases/{case.id}/tick", csrf, goal=goal.id, done="1")
        page = await (await it.client.get(f"/dashboard/cases/{case.id}")).text()
    assert "Let op school" in page and "Bel de huisarts" in page
    async with db.transaction() as session:
        note = (await session.execute(select(CaseNote))).scalars().one()
        ticked = (await session.execute(select(CaseGoal))).scalars().one()
    assert note.text == "Let op school" and ticked.done_at is not None


async def test_closing_on_the_case_page_closes_the_case_with_its_reason(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    case = await claimed_by_lotte(team)
    async with serve() as it:
        csrf = await sign_in(it.client, db, clock, team.ids[LOTTE])
        _status, where = await post(
            it.client, f"/dashboard/cases/{case.id}/close", csrf, reason="goal_reached"
        )
    assert where == "/dashboard/cases?said=closed"
    async with db.transaction() as session:
        closed = await session.get(Case, case.id)
    assert closed is not None and (closed.state, closed.close_reason) == ("closed", "goal_reached")


async def test_pausing_on_the_case_page_pauses_the_case(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    case = await claimed_by_lotte(team)
    async with serve() as it:
        csrf = await sign_in(it.client, db, clock, team.ids[LOTTE])
        await post(it.client, f"/dashboard/cases/{case.id}/pause", csrf)
    assert (await team.case()).state == "paused"


async def test_a_coach_cannot_open_another_coachs_case(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    case = await claimed_by_lotte(team)
    async with serve() as it:
        csrf = await sign_in(it.client, db, clock, team.ids[BRAM])
        assert (await it.client.get(f"/dashboard/cases/{case.id}")).status == 403
        status, _ = await post(it.client, f"/dashboard/cases/{case.id}/reply", csrf, text="x")
    assert status == 403


async def test_a_coach_cannot_open_the_team_lead_pages(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    async with serve() as it:
        await sign_in(it.client, db, clock, team.ids[LOTTE])
        for path in ("/dashboard/board", "/dashboard/staff", "/dashboard/audit"):
            assert (await it.client.get(path)).status == 403, path


async def test_every_case_page_view_is_in_the_audit_log(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    case = await claimed_by_lotte(team)
    async with serve() as it:
        await sign_in(it.client, db, clock, team.ids[LOTTE])
        await it.client.get(f"/dashboard/cases/{case.id}")
    async with db.transaction() as session:
        entries = await latest(session, limit=5, case_id=case.id)
    assert any(e.action == "view" and e.actor_staff_id == team.ids[LOTTE] for e in entries)


async def test_my_cases_lists_the_case_with_its_last_message(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    case = await claimed_by_lotte(team)
    async with serve() as it:
        csrf = await sign_in(it.client, db, clock, team.ids[LOTTE])
        await post(it.client, f"/dashboard/cases/{case.id}/reply", csrf, text="Tot morgen!")
        page = await (await it.client.get("/dashboard/cases")).text()
    assert f"/dashboard/cases/{case.id}" in page and "Tot morgen!" in page


async def test_a_case_of_nobody_is_found_by_nobody(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    async with serve() as it:
        await sign_in(it.client, db, clock, team.ids[LOTTE])
        assert (await it.client.get("/dashboard/cases/999999")).status == 404
    async with db.transaction() as session:
        assert (await session.execute(select(col(Case.id)))).first() is None


async def test_a_warm_hand_over_from_the_case_page_asks_the_colleague(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    case = await claimed_by_lotte(team)
    async with serve() as it:
        csrf = await sign_in(it.client, db, clock, team.ids[LOTTE])
        status, where = await post(
            it.client, f"/dashboard/cases/{case.id}/handover", csrf, colleague=team.ids[BRAM]
        )
    assert (status, where) == (303, f"/dashboard/cases/{case.id}?said=handover")
    assert (await team.case()).handover_to == team.ids[BRAM]
    assert "handover.offer" in await team.keys(BRAM)


async def test_a_coach_who_speaks_english_reads_the_pages_in_english(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    from tests.bot.team import add

    sam = await add(db, clock, "c-sam", role="coach", name="Sam", languages="en", capacity=4)
    async with serve() as it:
        await sign_in(it.client, db, clock, sam)
        page = await (await it.client.get("/dashboard/queue")).text()
    assert "Nobody is waiting." in page and '<html lang="en">' in page
