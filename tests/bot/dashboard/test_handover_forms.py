"""A warm hand-over answered on the dashboard: the colleague asked sees it on "my cases" and
on the case page, and accepts with the same rule as the Telegram button, or declines."""

from __future__ import annotations

from storage.audit import latest
from storage.db import Database
from storage.models import Case
from tests.bot.dashboard.conftest import SignedIn
from tests.bot.team import AHMED, BRAM, LOTTE, Team, claimed_by_lotte


async def handed_to_bram(signed_in: SignedIn, team: Team) -> Case:
    case = await claimed_by_lotte(team)
    async with signed_in(LOTTE) as lotte:
        await lotte.post(f"/dashboard/cases/{case.id}/handover", colleague=team.ids[BRAM])
    return case


async def test_the_colleague_asked_sees_the_hand_over_on_my_cases(
    signed_in: SignedIn, team: Team
) -> None:
    case = await handed_to_bram(signed_in, team)
    async with signed_in(BRAM) as bram:
        page = await bram.get("/dashboard/cases")
    assert "Lotte vraagt of jij" in page
    assert f"/dashboard/cases/{case.id}/handover/accept" in page


async def test_the_colleague_asked_sees_accept_and_decline_on_the_case_page(
    signed_in: SignedIn, team: Team
) -> None:
    case = await handed_to_bram(signed_in, team)
    async with signed_in(BRAM) as bram:
        page = await bram.get(f"/dashboard/cases/{case.id}")
    assert f"/dashboard/cases/{case.id}/handover/accept" in page
    assert f"/dashboard/cases/{case.id}/handover/decline" in page


async def test_accepting_on_the_web_hands_the_case_over_as_the_telegram_button_does(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    case = await handed_to_bram(signed_in, team)
    async with signed_in(BRAM) as bram:
        _status, where = await bram.post(f"/dashboard/cases/{case.id}/handover/accept")
    assert where == f"/dashboard/cases/{case.id}?said=accepted"
    taken = await team.case()
    assert (taken.coach_id, taken.previous_coach_id, taken.handover_to) == (
        team.ids[BRAM],
        team.ids[LOTTE],
        None,
    )
    assert (await team.keys("y1"))[-1] == "case.handover"
    assert "handover.accepted" in await team.keys(LOTTE)
    async with db.transaction() as session:
        entries = await latest(session, limit=3, case_id=case.id)
    assert any(
        e.action == "handover_accept" and e.actor_staff_id == team.ids[BRAM] for e in entries
    )


async def test_declining_leaves_the_case_with_its_coach_who_is_told(
    signed_in: SignedIn, team: Team
) -> None:
    case = await handed_to_bram(signed_in, team)
    async with signed_in(BRAM) as bram:
        _status, where = await bram.post(f"/dashboard/cases/{case.id}/handover/decline")
    assert where == "/dashboard/cases?said=declined"
    kept = await team.case()
    assert (kept.coach_id, kept.handover_to) == (team.ids[LOTTE], None)
    assert (await team.keys(LOTTE))[-1] == "handover.declined"


async def test_someone_not_asked_cannot_accept(signed_in: SignedIn, team: Team) -> None:
    case = await handed_to_bram(signed_in, team)
    async with signed_in(AHMED) as ahmed:  # a team lead may read the case, not take it so
        _status, where = await ahmed.post(f"/dashboard/cases/{case.id}/handover/accept")
    assert where == f"/dashboard/cases/{case.id}?said=not_now"
    assert (await team.case()).coach_id == team.ids[LOTTE]
