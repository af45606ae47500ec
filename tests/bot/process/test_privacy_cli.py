"""`klik purge` and `klik audit` on SQLite and PostgreSQL, and the staff account changes the
audit log shows: with the wall clock, as an operator runs them."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from flows.audit import SYSTEM
from flows.state import Intake
from storage.audit import record_audit
from storage.db import Database
from storage.intakes import create_youngster
from storage.models import Staff, Youngster
from tests.bot.conftest import StaffCli


async def forgotten_intake(db: Database, days_ago: int) -> None:
    """A youngster who consented and went quiet `days_ago` days ago."""
    async with db.transaction() as session:
        await create_youngster(
            session,
            channel="telegram",
            address="5550001",
            intake=Intake(state="q.home", language="nl"),
            now=datetime.now(UTC) - timedelta(days=days_ago),
            rng=random.Random(1),
        )


async def youngsters(db: Database) -> int:
    async with db.transaction() as session:
        return int(
            (await session.execute(select(func.count()).select_from(Youngster))).scalar_one()
        )


def counted(out: str, kind: str) -> int:
    (line,) = [line for line in out.splitlines() if line.split()[:1] == [kind]]
    return int(line.split()[1])


async def test_purge_dry_run_counts_what_would_go_and_keeps_it(
    staff_cli: StaffCli, db: Database
) -> None:
    await forgotten_intake(db, days_ago=45)
    said = await staff_cli("purge", "--dry-run")
    assert said.code == 0
    assert counted(said.out, "unfinished_intake") == 1
    assert counted(said.out, "inbox") == 0
    assert await youngsters(db) == 1


async def test_purge_removes_what_is_due_now(staff_cli: StaffCli, db: Database) -> None:
    await forgotten_intake(db, days_ago=45)
    said = await staff_cli("purge")
    assert (said.code, counted(said.out, "unfinished_intake")) == (0, 1)
    assert await youngsters(db) == 0


async def test_purge_keeps_an_intake_younger_than_the_limit(
    staff_cli: StaffCli, db: Database
) -> None:
    await forgotten_intake(db, days_ago=20)
    assert counted((await staff_cli("purge")).out, "unfinished_intake") == 0
    assert await youngsters(db) == 1


async def test_purge_prints_counts_and_never_a_chat_id_or_pseudonym(
    staff_cli: StaffCli, db: Database
) -> None:
    await forgotten_intake(db, days_ago=45)
    async with db.transaction() as session:
        pseudonym = (await session.execute(select(Youngster.pseudonym))).scalar_one()
    said = await staff_cli("purge")
    assert "5550001" not in said.out + said.err
    assert pseudonym not in said.out + said.err


async def lotte_id(db: Database) -> int:
    async with db.transaction() as session:
        found = (await session.execute(select(Staff.id).where(Staff.name == "Lotte"))).scalar_one()
        return int(found)


def actions(out: str) -> list[str]:
    """The action column of `klik audit`, newest first."""
    header, *lines = out.splitlines()
    start = header.index("action")
    return [line[start:].split()[0] for line in lines]


async def test_adding_a_coach_is_in_the_audit_log_with_their_invite(
    staff_cli: StaffCli, db: Database
) -> None:
    await staff_cli("coach", "add", "--name", "Lotte")
    said = await staff_cli("audit")
    assert said.code == 0
    assert actions(said.out) == ["staff_invite", "staff_add"]
    assert f"Lotte #{await lotte_id(db)}" in said.out
    assert " cli " in said.out


async def test_every_account_change_from_the_command_line_is_recorded(
    staff_cli: StaffCli,
) -> None:
    await staff_cli("coach", "add", "--name", "Lotte")
    await staff_cli("coach", "edit", "Lotte", "--capacity", "3")
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    await staff_cli("coach", "away", "Lotte", "--until", tomorrow)
    await staff_cli("coach", "deactivate", "Lotte")
    await staff_cli("coach", "reactivate", "Lotte")
    await staff_cli("coach", "remove", "Lotte", "--yes")
    assert actions((await staff_cli("audit")).out) == [
        "staff_remove",
        "staff_invite",
        "staff_reactivate",
        "staff_deactivate",
        "staff_away",
        "staff_edit",
        "staff_invite",
        "staff_add",
    ]


async def test_audit_filters_by_staff_member_case_and_number(
    staff_cli: StaffCli, db: Database
) -> None:
    await staff_cli("coach", "add", "--name", "Lotte")
    await staff_cli("coach", "add", "--name", "Bram")
    async with db.transaction() as session:
        await record_audit(session, at=datetime.now(UTC), actor=SYSTEM, action="requeue", case_id=7)
    by_lotte = (await staff_cli("audit", "--staff", str(await lotte_id(db)))).out
    assert "Lotte" in by_lotte and "Bram" not in by_lotte
    assert actions((await staff_cli("audit", "--case", "7")).out) == ["requeue"]
    assert len(actions((await staff_cli("audit", "-n", "2")).out)) == 2


async def test_audit_since_a_later_day_shows_nothing_older(staff_cli: StaffCli) -> None:
    await staff_cli("coach", "add", "--name", "Lotte")
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    said = await staff_cli("audit", "--since", tomorrow)
    assert said.out.strip() == "No audit entries match."


async def test_audit_refuses_a_since_that_is_no_day_in_one_line(staff_cli: StaffCli) -> None:
    said = await staff_cli("audit", "--since", "last week")
    assert said.code == 2
    assert said.err.count("\n") == 1 and "--since" in said.err
