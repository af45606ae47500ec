"""The periodic jobs: the check of who a crisis would reach (a WARNING when nobody, once per
change), and the hourly retention purge."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.process.config import load_settings
from bot.process.jobs import NOBODY_READS, CrisisReach, guard_job, make_scheduler, purge_job
from bot.services.staff import StaffService
from flows.intake import IntakeFlow, Rules
from flows.retention import Retention
from flows.state import Intake
from storage.db import Database
from storage.intakes import create_youngster
from storage.models import Staff
from tests.bot.team import AHMED, BRAM, LOTTE, Team
from tests.conftest import Clock


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


async def test_with_nobody_linked_the_check_warns_that_a_crisis_would_reach_nobody(
    db: Database, flow: IntakeFlow, rules: Rules, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    reached = await CrisisReach().check(db, StaffService(flow, rules), clock)
    assert reached == 0
    assert warnings(caplog) == [NOBODY_READS]


async def test_the_warning_comes_once_however_often_the_guard_runs(
    db: Database, flow: IntakeFlow, rules: Rules, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    reach = CrisisReach()
    for _ in range(3):
        await guard_job(db, StaffService(flow, rules), clock, lambda: None, reach)
        clock.advance(seconds=30)
    assert warnings(caplog) == [NOBODY_READS]


async def test_the_team_on_duty_is_counted_and_no_warning_given(
    team: Team, flow: IntakeFlow, rules: Rules, caplog: pytest.LogCaptureFixture
) -> None:
    reached = await CrisisReach().check(team.db, StaffService(flow, rules), team.clock)
    assert reached == 3
    assert warnings(caplog) == []


async def test_at_night_nobody_is_counted_and_the_warning_comes_again_after_the_day(
    team: Team, flow: IntakeFlow, rules: Rules, caplog: pytest.LogCaptureFixture
) -> None:
    reach, matchteam = CrisisReach(), StaffService(flow, rules)
    team.clock.advance(hours=13)  # Tuesday 03:00 in Brussels
    assert await reach.check(team.db, matchteam, team.clock) == 0
    team.clock.advance(hours=7)  # 10:00
    assert await reach.check(team.db, matchteam, team.clock) == 3
    team.clock.advance(hours=14)  # 00:00
    assert await reach.check(team.db, matchteam, team.clock) == 0
    assert warnings(caplog) == [NOBODY_READS, NOBODY_READS]


async def test_a_coach_who_is_away_is_not_counted(
    team: Team, flow: IntakeFlow, rules: Rules
) -> None:
    async with team.db.transaction() as session:
        lotte = await session.get(Staff, team.ids[LOTTE])
        assert lotte is not None
        lotte.away_until = datetime(2026, 12, 1, tzinfo=UTC)
    reached = await CrisisReach().check(team.db, StaffService(flow, rules), team.clock)
    assert reached == 2


async def test_the_warning_names_nobody(
    team: Team, flow: IntakeFlow, rules: Rules, caplog: pytest.LogCaptureFixture
) -> None:
    team.clock.advance(hours=13)
    await CrisisReach().check(team.db, StaffService(flow, rules), team.clock)
    logged = " ".join(r.getMessage() for r in caplog.records)
    for word in ("Lotte", "Bram", "Ahmed", LOTTE, BRAM, AHMED, str(team.ids[LOTTE])):
        assert word not in logged


async def test_every_worker_purges_every_hour_with_the_limits_of_the_settings(
    db: Database, flow: IntakeFlow, rules: Rules, clock: Clock
) -> None:
    limits = load_settings(retention_intake_days=3).retention()
    scheduler = make_scheduler(db, clock, StaffService(flow, rules), lambda: None, retention=limits)
    job = scheduler.get_job("purge")
    assert job is not None
    assert job.trigger.interval == timedelta(hours=1)
    assert job.args[1] == Retention(intake_days=3)


async def test_the_purge_job_logs_counts_per_kind_and_nobody(
    db: Database, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with db.transaction() as session:
        row = await create_youngster(
            session,
            channel="telegram",
            address="5550123",
            intake=Intake(state="q.home", language="nl"),
            now=clock(),
            rng=random.Random(3),
        )
    clock.advance(days=31)
    await purge_job(db, Retention(), clock)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "unfinished_intake=1" in logged and "inbox=0" in logged
    for word in ("5550123", row.id, row.pseudonym):
        assert word not in logged
