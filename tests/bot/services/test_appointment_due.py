"""The due rows of appointments run by several workers at once: each row is taken by one
worker and sent once; a restart between two runs loses nothing. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import col

from bot.services.appointment_due import run_due
from bot.services.staff import StaffService
from flows.intake import IntakeFlow, Rules
from flows.messages import Inbound
from storage.appointments import arm_quiet, forget_appointments
from storage.db import Database
from storage.models import Appointment, AppointmentDue, Case, utc
from tests.bot.team import LOTTE, Team, claimed_by_lotte
from tests.support.statements import counting


async def planned(team: Team, count: int) -> Case:
    """y1's case with `count` confirmed appointments, each with a reminder due now."""
    case = await claimed_by_lotte(team)
    assert case.id is not None
    now = team.clock()
    async with team.db.transaction() as session:
        rows = [
            Appointment(
                case_id=case.id,
                state="confirmed",
                mode="chat",
                starts_at=now + timedelta(hours=1, minutes=n),
                remind="hour",
                created_at=now,
            )
            for n in range(count)
        ]
        session.add_all(rows)
        await session.flush()
        session.add_all(
            AppointmentDue(case_id=case.id, appointment_id=row.id, kind="hour", due_at=now)
            for row in rows
        )
    return case


async def test_two_workers_at_once_send_each_reminder_once(
    team: Team, database_url: str, flow: IntakeFlow, rules: Rules
) -> None:
    await planned(team, 30)
    workers = [Database(database_url), Database(database_url)]
    try:
        counts = await asyncio.gather(
            *(run_due(db, StaffService(flow, rules), team.clock) for db in workers)
        )
    finally:
        for db in workers:
            await db.close()
    assert sum(c["hour:sent"] for c in counts) == 30
    assert (await team.keys("y1")).count("appointment.remind_hour") == 30


async def test_rows_not_yet_due_wait_for_a_later_run(team: Team) -> None:
    await planned(team, 2)
    async with team.db.transaction() as session:
        hour = select(AppointmentDue).where(AppointmentDue.kind == "hour")
        later = (await session.execute(hour)).scalars().first()
        assert later is not None
        later.due_at = team.clock() + timedelta(minutes=5)
    matchteam = team.service.matchteam
    assert matchteam is not None
    assert (await run_due(team.db, matchteam, team.clock))["hour:sent"] == 1
    team.clock.advance(minutes=5)
    assert (await run_due(team.db, matchteam, team.clock))["hour:sent"] == 1


async def test_arming_the_quiet_check_twice_keeps_one_per_case(team: Team) -> None:
    case = await claimed_by_lotte(team)
    assert case.id is not None
    for _ in range(2):
        async with team.db.transaction() as session:
            await arm_quiet(session, case_id=case.id, due_at=team.clock() + timedelta(days=9))
    async with team.db.transaction() as session:
        kinds = (await session.execute(select(AppointmentDue.kind))).scalars().all()
    assert kinds == ["quiet"]


async def test_a_claimed_case_gets_its_quiet_check_seven_days_on(team: Team) -> None:
    claimed_at = team.clock()
    case = await claimed_by_lotte(team)
    async with team.db.transaction() as session:
        rows = (await session.execute(select(AppointmentDue))).scalars().all()
    assert [(r.case_id, r.kind, utc(r.due_at)) for r in rows] == [
        (case.id, "quiet", claimed_at + timedelta(days=7))
    ]


async def test_a_resumed_case_gets_a_new_quiet_check(team: Team) -> None:
    await claimed_by_lotte(team)
    matchteam = team.service.matchteam
    assert matchteam is not None
    await team.say(LOTTE, Inbound("command", command="pauze"))
    team.clock.advance(days=7, minutes=1)
    assert (await run_due(team.db, matchteam, team.clock))["quiet:skipped"] == 1
    resumed_at = team.clock()
    await team.say(LOTTE, Inbound("text", text="Ik ben er weer"))
    async with team.db.transaction() as session:
        waiting = select(AppointmentDue).where(col(AppointmentDue.done_at).is_(None))
        rows = (await session.execute(waiting)).scalars().all()
    assert [(r.kind, utc(r.due_at)) for r in rows] == [("quiet", resumed_at + timedelta(days=7))]


async def test_a_due_run_reads_no_case_when_nothing_is_due(team: Team) -> None:
    # Arming is done at the claim: the run itself reads the due rows only, so its cost does
    # not grow with the number of active cases.
    for youngster in ("y1", "y2", "y3"):
        await claimed_by_lotte(team, youngster)
    matchteam = team.service.matchteam
    assert matchteam is not None
    with counting(team.db.engine) as sent:
        assert await run_due(team.db, matchteam, team.clock) == Counter()
    reads = [s for s in sent.sent if s != "COMMIT" and not s.startswith("BEGIN")]
    assert len(reads) == 1
    assert "appointment_due" in reads[0] and "cases" not in reads[0]


async def test_forgetting_a_case_s_appointments_takes_their_due_rows_along(team: Team) -> None:
    case = await planned(team, 3)
    assert case.id is not None
    async with team.db.transaction() as session:
        assert await forget_appointments(session, case_ids=[case.id]) == 3
    async with team.db.transaction() as session:
        assert (await session.execute(select(AppointmentDue))).scalars().all() == []
