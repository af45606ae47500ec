"""Coach accounts through the service and the CLI: invite codes link a chat once, and the
staff commands refuse bad input with one line, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.services.conversation import ConversationService
from flows.content import DEFAULT_CONTENT_DIR
from flows.intake import IntakeFlow
from flows.messages import Inbound, outbound_from_json
from storage.db import Database
from storage.models import OutboxMessage, Staff, StaffContact, Youngster
from storage.sealing import lookups
from storage.staff import add_invite, add_staff
from tests.bot.conftest import StaffCli
from tests.bot.process.test_cli import klik
from tests.conftest import Clock

CODE = "KLIK-7F3K-Q9ZD-4MNP-R8WX-YT2H-ABCD"


@pytest.fixture
def service(db: Database, flow: IntakeFlow, clock: Clock) -> ConversationService:
    return ConversationService(db, flow, clock=clock)


@pytest.fixture
async def lotte(db: Database, clock: Clock) -> int:
    async with db.transaction() as session:
        staff = await add_staff(
            session,
            staff=Staff(
                role="coach", name="Lotte", languages="nl,en", capacity=8, created_at=clock()
            ),
        )
        assert staff.id is not None
        await add_invite(session, staff_id=staff.id, code=CODE, now=clock())
        return staff.id


async def replies(db: Database, address: str) -> list[str]:
    async with db.transaction() as session:
        rows = (
            await session.execute(
                select(OutboxMessage)
                .where(col(OutboxMessage.address_key).in_(lookups(address)))
                .order_by(col(OutboxMessage.id))
            )
        ).scalars()
        return [outbound_from_json(json.loads(r.payload)).key for r in rows]


async def link(service: ConversationService, address: str, code: str = CODE) -> None:
    await service.handle(
        channel="telegram",
        address=address,
        event=Inbound("command", command="coach", argument=code),
    )


async def test_a_valid_code_links_the_chat_to_the_coach(
    service: ConversationService, db: Database, lotte: int
) -> None:
    await link(service, "9001")
    async with db.transaction() as session:
        contact = (await session.execute(select(StaffContact))).scalar_one()
    assert (contact.staff_id, contact.address) == (lotte, "9001")
    assert await replies(db, "9001") == ["staff.linked", "staff.help"]


async def test_a_code_works_only_once(
    service: ConversationService, db: Database, lotte: int
) -> None:
    await link(service, "9001")
    await link(service, "9002")
    assert await replies(db, "9002") == ["staff.bad_code"]


async def test_a_code_expires_after_48_hours(
    service: ConversationService, db: Database, lotte: int, clock: Clock
) -> None:
    clock.advance(hours=48, seconds=1)
    await link(service, "9001")
    assert await replies(db, "9001") == ["staff.bad_code"]


async def test_two_chats_using_one_code_at_once_link_only_one(
    service: ConversationService, db: Database, lotte: int
) -> None:
    await asyncio.gather(link(service, "9001"), link(service, "9002"))
    async with db.transaction() as session:
        assert len((await session.execute(select(StaffContact))).scalars().all()) == 1


async def test_a_wrong_code_gets_a_clear_answer_and_keeps_nothing(
    service: ConversationService, db: Database, lotte: int
) -> None:
    await link(service, "9001", "KLIK-7F3K-AAAA-AAAA-AAAA-AAAA-AAAA")
    assert await replies(db, "9001") == ["staff.bad_code"]
    async with db.transaction() as session:
        assert (await session.execute(select(StaffContact))).first() is None
        assert (await session.execute(select(Youngster))).first() is None


async def test_a_linked_coach_is_not_taken_for_a_youngster(
    service: ConversationService, db: Database, lotte: int
) -> None:
    await link(service, "9001")
    await service.handle(channel="telegram", address="9001", event=Inbound("start"))
    await service.handle(channel="telegram", address="9001", event=Inbound("text", text="hallo"))
    assert await replies(db, "9001") == ["staff.linked", "staff.help", "staff.help", "staff.help"]
    async with db.transaction() as session:
        assert (await session.execute(select(Youngster))).first() is None


async def test_coach_add_prints_a_code_that_the_list_then_shows_as_invited(
    staff_cli: StaffCli,
) -> None:
    added = await staff_cli(
        "coach", "add", "--name", "Lotte", "--languages", "nl,en", "--focus", "money,home"
    )
    assert added.code == 0, added.err
    assert re.search(r"/coach KLIK(-[A-Z0-9]{4}){6}", added.out)
    listed = (await staff_cli("coach", "list")).out
    assert re.search(r"1\s+Lotte\s+coach\s+nl,en\s+money,home\s+8\s+invited", listed)


async def refused(staff_cli: StaffCli, *args: str) -> str:
    """The one line a refused command says; it must change nothing and exit with 2."""
    before = (await staff_cli("coach", "list")).out
    said = await staff_cli(*args)
    assert said.code == 2, said.out
    assert said.out == ""
    assert (await staff_cli("coach", "list")).out == before
    lines = said.err.splitlines()
    assert len(lines) == 1, said.err
    return lines[0]


async def with_lotte(staff_cli: StaffCli) -> None:
    said = await staff_cli("coach", "add", "--name", "Lotte", "--languages", "nl,en")
    assert said.code == 0, said.err


async def test_coach_add_refuses_an_empty_name(staff_cli: StaffCli) -> None:
    line = await refused(staff_cli, "coach", "add", "--name", "  ")
    assert line == "klik: a name cannot be empty"


async def test_coach_add_refuses_a_name_someone_has_whatever_the_case(
    staff_cli: StaffCli,
) -> None:
    await with_lotte(staff_cli)
    line = await refused(staff_cli, "coach", "add", "--name", "lotte")
    assert line == "klik: there is already someone called lotte; add a letter, e.g. lotte B."


async def test_teamlead_add_refuses_the_name_of_a_coach(staff_cli: StaffCli) -> None:
    await with_lotte(staff_cli)
    line = await refused(staff_cli, "teamlead", "add", "--name", "Lotte")
    assert line == "klik: there is already someone called Lotte; add a letter, e.g. Lotte B."


@pytest.mark.parametrize("capacity", ["0", "-2"])
async def test_coach_add_refuses_a_capacity_below_one(staff_cli: StaffCli, capacity: str) -> None:
    line = await refused(staff_cli, "coach", "add", "--name", "Bram", "--capacity", capacity)
    assert line == (
        f"klik: capacity must be 1 or more (not {capacity}); "
        "to take no new youngsters for a while use: klik coach away"
    )


async def test_a_capacity_that_is_no_number_is_refused_in_one_line(staff_cli: StaffCli) -> None:
    line = await refused(staff_cli, "coach", "add", "--name", "Bram", "--capacity", "veel")
    assert line == (
        "klik coach add: argument --capacity: invalid int value: 'veel' "
        "(see: klik coach add --help)"
    )


async def test_coach_add_refuses_an_unknown_language(staff_cli: StaffCli) -> None:
    line = await refused(staff_cli, "coach", "add", "--name", "Bram", "--languages", "nl,vl")
    assert line == "klik: unknown language vl; use codes such as nl, en, fr, ar, tr"


async def test_coach_add_refuses_languages_klik_does_not_talk_in(staff_cli: StaffCli) -> None:
    line = await refused(staff_cli, "coach", "add", "--name", "Bram", "--languages", "fr,ar")
    assert line == "klik: languages must include one Klik talks in: nl, en"


async def test_coach_add_refuses_an_unknown_focus(staff_cli: StaffCli) -> None:
    line = await refused(staff_cli, "coach", "add", "--name", "Bram", "--focus", "cooking")
    assert line == ("klik: unknown focus cooking; choose from health, home, goals, money, network")


async def test_coach_add_refuses_an_unknown_mode(staff_cli: StaffCli) -> None:
    line = await refused(staff_cli, "coach", "add", "--name", "Bram", "--modes", "chat,fax")
    assert line == "klik: unknown mode fax; choose from chat, call, video, meet"


async def test_coach_add_refuses_a_region_that_is_no_postcode_area(staff_cli: StaffCli) -> None:
    line = await refused(staff_cli, "coach", "add", "--name", "Bram", "--regions", "90,Gent")
    assert line == "klik: regions are two-digit postcode areas such as 90,91 (not gent)"


async def test_coach_add_takes_the_focus_domains_from_content_dir(
    staff_cli: StaffCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    questionnaire = content / "questionnaire.yaml"
    # The service's own content without the money question: the CLI must read this copy.
    questionnaire.write_text(
        questionnaire.read_text(encoding="utf-8").replace("  - {id: money, kind: checkin}\n", ""),
        encoding="utf-8",
    )
    monkeypatch.setenv("CONTENT_DIR", str(content))
    line = await refused(staff_cli, "coach", "add", "--name", "X", "--focus", "money")
    assert line == "klik: unknown focus money; choose from health, home, goals, network"
    added = await staff_cli("coach", "add", "--name", "Y", "--focus", "home")
    assert added.code == 0, added.err


async def test_coach_away_refuses_a_day_in_the_past(staff_cli: StaffCli) -> None:
    await with_lotte(staff_cli)
    line = await refused(staff_cli, "coach", "away", "Lotte", "--until", "2020-01-01")
    assert line.startswith("klik: 2020-01-01 is in the past; give the day they are back, e.g. ")


async def test_a_name_two_people_share_lists_both_and_changes_nothing(
    staff_cli: StaffCli, db: Database, clock: Clock
) -> None:
    # Two people with one name: only in a database from before names were unique.
    async with db.transaction() as session:
        for role in ("coach", "teamlead"):
            await add_staff(session, staff=Staff(role=role, name="Sam", created_at=clock()))
    said = await staff_cli("coach", "deactivate", "sam")
    assert said.code == 2
    assert said.err.splitlines() == [
        "klik: 2 people are called sam; give the id instead:",
        "    1  Sam  coach",
        "    2  Sam  team lead",
    ]
    assert re.search(r"1\s+Sam\s+coach.*invited", (await staff_cli("coach", "list")).out)


async def test_a_coach_command_on_a_team_lead_points_to_the_teamlead_command(
    staff_cli: StaffCli,
) -> None:
    assert (await staff_cli("teamlead", "add", "--name", "Ahmed")).code == 0
    line = await refused(staff_cli, "coach", "deactivate", "Ahmed")
    assert line == "klik: Ahmed is a team lead; use: klik teamlead ..."


async def test_a_command_on_someone_unknown_is_refused(staff_cli: StaffCli) -> None:
    line = await refused(staff_cli, "coach", "invite", "Nobody")
    assert line == "klik: no coach 'Nobody' (see: klik coach list)"


def test_coach_add_with_a_content_dir_that_is_not_there_says_so_without_a_traceback(
    tmp_path: Path,
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/k.db", "CONTENT_DIR": str(tmp_path / "nowhere")}
    klik("migrate", env=env, cwd=tmp_path)
    result = klik("coach", "add", "--name", "X", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"klik: content in {tmp_path}/nowhere has 4 problem(s):\n")
    assert "Traceback" not in result.stderr
