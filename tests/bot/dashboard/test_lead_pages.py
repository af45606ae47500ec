"""The team lead's pages: the live board in counts, staff accounts as the CLI keeps them,
and the audit log."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from storage.audit import latest
from storage.db import Database
from storage.models import Staff
from tests.bot.dashboard.conftest import SignedIn
from tests.bot.team import AHMED, BRAM, LOTTE, MONEY_AND_HOME, Team, add, claimed_by_lotte
from tests.conftest import Clock


def figure(page: str, label: str) -> str:
    found = re.search(rf"<dt>{label}</dt><dd>\s*([^<]*?)\s*</dd>", page)
    assert found is not None, label
    return found.group(1)


async def test_the_board_counts_waiting_and_urgent_cases(signed_in: SignedIn, team: Team) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    await team.youngster("y2", *MONEY_AND_HOME)
    async with signed_in(AHMED) as it:
        page = await it.get("/dashboard/board")
    assert figure(page, "Wachtend") == "2"
    assert figure(page, "Dringend") == "0"


async def test_the_board_counts_available_coaches_not_names(signed_in: SignedIn) -> None:
    async with signed_in(AHMED) as it:
        page = await it.get("/dashboard/board")
    assert figure(page, "Coaches nu beschikbaar") == "2 / 2"
    assert "Lotte" not in page.split("<main>")[1]


async def test_a_team_lead_adds_a_coach_and_sees_the_invite_code(
    signed_in: SignedIn, db: Database
) -> None:
    async with signed_in(AHMED) as it:
        status, page = await it.post(
            "/dashboard/staff/add", name="Noor", role="coach", focus="money"
        )
    assert status == 200 and "/coach KLIK-" in page
    async with db.transaction() as session:
        noor = (await session.execute(select(Staff).where(Staff.name == "Noor"))).scalars().one()
        entries = await latest(session, limit=5, staff_id=noor.id)
    assert noor.role == "coach" and noor.capacity == 8
    assert {e.action for e in entries} == {"staff_add", "staff_invite"}


async def test_adding_a_name_that_is_taken_is_refused_with_why(signed_in: SignedIn) -> None:
    async with signed_in(AHMED) as it:
        status, page = await it.post("/dashboard/staff/add", name="Bram", role="coach")
    assert status == 400
    assert "Niet gelukt: er is al iemand die Bram heet; zet er een letter bij" in page


async def test_a_day_already_past_is_refused_in_the_team_leads_language(
    signed_in: SignedIn, team: Team, db: Database, clock: Clock
) -> None:
    lead = await add(db, clock, "c-kim", role="teamlead", name="Kim", languages="en")
    async with signed_in(lead) as kim:
        status, page = await kim.post(f"/dashboard/staff/{team.ids[BRAM]}/away", until="2026-11-01")
    assert status == 400
    assert "2026-11-01 has already passed; choose the day your colleague is back" in page
    assert "klik coach" not in page


async def test_deactivating_a_coach_puts_their_conversations_back_in_the_queue(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    await claimed_by_lotte(team)
    lotte = team.ids[LOTTE]
    async with signed_in(AHMED) as it:
        _status, where = await it.post(f"/dashboard/staff/{lotte}/deactivate")
    assert where == "/dashboard/staff?said=deactivated"
    assert (await team.case()).state == "queued"
    async with db.transaction() as session:
        gone = await session.get(Staff, lotte)
    assert gone is not None and not gone.active


async def test_a_team_lead_sets_a_coach_away_until_a_day(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    async with signed_in(AHMED) as it:
        _status, where = await it.post(
            f"/dashboard/staff/{team.ids[BRAM]}/away", until="2026-12-01"
        )
    assert where == "/dashboard/staff?said=away"
    async with db.transaction() as session:
        bram = await session.get(Staff, team.ids[BRAM])
    assert bram is not None and bram.away_until is not None


async def test_the_audit_page_lists_sign_ins_and_case_views(
    signed_in: SignedIn, team: Team
) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(AHMED) as it:
        await it.client.get(f"/dashboard/cases/{case.id}")
        page = await it.get("/dashboard/audit")
    assert "Aangemeld op het dashboard" in page and "Gesprek geopend" in page and "Ahmed" in page


async def test_the_audit_page_keeps_each_actions_code_in_small_print_for_support(
    signed_in: SignedIn, team: Team
) -> None:
    async with signed_in(AHMED) as it:
        await it.client.get("/dashboard/statistics")
        page = await it.get("/dashboard/audit")
    assert '<td>Cijfers bekeken<br><small class="meta">statistics_view</small></td>' in page


async def test_the_audit_page_speaks_english_to_a_team_lead_who_reads_english(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(Staff).where(Staff.id == team.ids[AHMED]).values(languages="en")
        )
    case = await claimed_by_lotte(team)
    async with signed_in(AHMED) as it:
        await it.client.get(f"/dashboard/cases/{case.id}")
        page = await it.get("/dashboard/audit")
    assert "Opened a conversation" in page and "Signed in to the dashboard" in page


async def test_a_team_lead_reads_a_coachs_case_but_does_not_write_in_it(
    signed_in: SignedIn, team: Team
) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(AHMED) as it:
        assert (await it.client.get(f"/dashboard/cases/{case.id}")).status == 200
        status, _ = await it.post(f"/dashboard/cases/{case.id}/reply", text="x")
    assert status == 403
