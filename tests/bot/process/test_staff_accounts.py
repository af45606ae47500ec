"""A staff account's life through `klik coach ...` and `klik teamlead ...`: edit, deactivate,
reactivate, invite and remove, on SQLite and PostgreSQL. Refusals of bad input are in
test_staff.py."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlmodel import col

from flows.messages import Inbound
from storage.models import Case, CaseMessage, Staff
from tests.bot.conftest import StaffCli
from tests.bot.services.test_staff import refused, replies, with_lotte
from tests.bot.team import BRAM, LOTTE, Team, claimed_by_lotte

CODE_LINE = re.compile(r"/coach (KLIK(?:-[A-Z0-9]{4}){6})")


async def test_coach_edit_changes_what_is_given_and_keeps_the_rest(staff_cli: StaffCli) -> None:
    await with_lotte(staff_cli)
    said = await staff_cli("coach", "edit", "lotte", "--capacity", "5", "--focus", "home,money")
    assert (said.code, said.out) == (0, "Lotte (id 1) is changed.\n")
    listed = (await staff_cli("coach", "list")).out
    assert re.search(r"1\s+Lotte\s+coach\s+nl,en\s+home,money\s+5\s+invited", listed)


async def test_coach_edit_renames_by_id(staff_cli: StaffCli) -> None:
    await with_lotte(staff_cli)
    assert (await staff_cli("coach", "edit", "1", "--name", "Lotta")).code == 0
    assert re.search(r"1\s+Lotta\s+coach", (await staff_cli("coach", "list")).out)


async def test_coach_edit_refuses_the_name_of_someone_else(staff_cli: StaffCli) -> None:
    await with_lotte(staff_cli)
    assert (await staff_cli("coach", "add", "--name", "Bram")).code == 0
    line = await refused(staff_cli, "coach", "edit", "Bram", "--name", "LOTTE")
    assert line == "klik: there is already someone called LOTTE; add a letter, e.g. LOTTE B."


async def test_coach_edit_refuses_a_capacity_below_one(staff_cli: StaffCli) -> None:
    await with_lotte(staff_cli)
    line = await refused(staff_cli, "coach", "edit", "Lotte", "--capacity", "0")
    assert line == (
        "klik: capacity must be 1 or more (not 0); "
        "to take no new youngsters for a while use: klik coach away"
    )


async def test_coach_edit_with_nothing_to_change_says_so(staff_cli: StaffCli) -> None:
    await with_lotte(staff_cli)
    line = await refused(staff_cli, "coach", "edit", "Lotte")
    assert line == "klik: nothing to change; see: klik coach edit --help"


async def test_teamlead_edit_gives_a_team_lead_own_hours_for_crisis_alerts(
    staff_cli: StaffCli, team: Team
) -> None:
    said = await staff_cli("teamlead", "edit", "Ahmed", "--hours", "mon-sun 00:00-24:00")
    assert said.code == 0, said.err
    async with team.db.transaction() as session:
        ahmed = (await session.execute(select(Staff).where(col(Staff.name) == "Ahmed"))).scalar()
    assert ahmed is not None and ahmed.hours == "mon-sun 00:00-24:00"


async def test_an_invite_for_a_deactivated_coach_is_refused(staff_cli: StaffCli) -> None:
    await with_lotte(staff_cli)
    assert (await staff_cli("coach", "deactivate", "Lotte")).code == 0
    line = await refused(staff_cli, "coach", "invite", "Lotte")
    assert line == "klik: Lotte is deactivated; to let them work again use: klik coach reactivate 1"


async def test_a_code_given_before_deactivation_no_longer_links(
    staff_cli: StaffCli, team: Team
) -> None:
    code = CODE_LINE.search((await staff_cli("coach", "add", "--name", "Noor")).out)
    assert code is not None
    assert (await staff_cli("coach", "deactivate", "Noor")).code == 0
    await team.say("9001", Inbound("command", command="coach", argument=code[1]))
    assert await replies(team.db, "9001") == ["staff.bad_code"]


async def test_reactivate_makes_a_coach_active_again_with_a_new_code(staff_cli: StaffCli) -> None:
    await with_lotte(staff_cli)
    assert (await staff_cli("coach", "deactivate", "Lotte")).code == 0
    said = await staff_cli("coach", "reactivate", "Lotte")
    assert said.code == 0, said.err
    assert said.out.startswith("Lotte is active again.\nInvite code for Lotte: KLIK-")
    assert re.search(r"1\s+Lotte\s+coach.*invited", (await staff_cli("coach", "list")).out)


async def test_remove_is_refused_while_the_coach_has_conversations(
    staff_cli: StaffCli, team: Team
) -> None:
    await claimed_by_lotte(team)
    line = await refused(staff_cli, "coach", "remove", "Lotte", "--yes")
    assert line == (
        "klik: Lotte still has 1 conversation(s); hand them over in Telegram, or put them back "
        "in the queue with: klik coach deactivate 1; then remove"
    )


async def test_remove_without_yes_says_what_it_would_do_and_does_nothing(
    staff_cli: StaffCli,
) -> None:
    await with_lotte(staff_cli)
    line = await refused(staff_cli, "coach", "remove", "Lotte")
    assert line == (
        "klik: this deletes Lotte (id 1) for good; their past conversations stay, without their "
        "name. Add --yes to go ahead, or keep the account with: klik coach deactivate 1"
    )


async def test_remove_deletes_the_account_and_keeps_past_conversations_without_it(
    staff_cli: StaffCli, team: Team
) -> None:
    case = await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("text", text="Hoi, ik ben Lotte!"))
    await team.say(LOTTE, Inbound("choice", choice=f"close:{case.id}:goal_reached"))
    said = await staff_cli("coach", "remove", "Lotte", "--yes")
    assert (said.code, said.out) == (0, "Lotte is removed; 1 past conversation(s) kept.\n")
    assert "Lotte" not in (await staff_cli("coach", "list")).out
    async with team.db.transaction() as session:
        kept = await session.get(Case, case.id)
        written = (await session.execute(select(CaseMessage))).scalars().all()
    assert kept is not None and (kept.state, kept.coach_id) == ("closed", None)
    assert [(m.sender, m.staff_id) for m in written if m.sender == "coach"] == [("coach", None)]


async def test_a_youngster_writing_after_a_close_by_a_removed_coach_is_queued_again(
    staff_cli: StaffCli, team: Team
) -> None:
    case = await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("choice", choice=f"close:{case.id}:goal_reached"))
    assert (await staff_cli("coach", "remove", "Lotte", "--yes")).code == 0
    await team.say("y1", Inbound("text", text="ik heb toch weer een vraag"))
    back = await team.case()
    assert (back.id, back.state, back.priority, back.coach_id) == (case.id, "queued", True, None)
    assert (await team.keys(BRAM))[-1] == "offer.new"


async def test_a_team_lead_without_conversations_is_removed(
    staff_cli: StaffCli, team: Team
) -> None:
    said = await staff_cli("teamlead", "remove", "Ahmed", "--yes")
    assert (said.code, said.out) == (0, "Ahmed is removed; 0 past conversation(s) kept.\n")
    assert "Ahmed" not in (await staff_cli("teamlead", "list")).out
