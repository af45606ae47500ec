"""The 24-hour guard with an injected clock: the promise passes in milliseconds, each step
fires exactly once, also across a restart and with two guards running at once; and what the
youngster is told, /status and the guard keep one deadline."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlmodel import col

from bot.services.conversation import ConversationService
from bot.services.guard import run_guard
from bot.services.render import Renderer
from bot.services.staff import StaffService
from flows.intake import IntakeFlow, Rules
from flows.messages import Inbound
from storage.db import Database
from storage.models import GuardStep, utc
from storage.queue import claim_case
from tests.bot.team import AHMED, BRAM, LOTTE, MONEY_AND_HOME, Team
from tests.conftest import Clock

LADDER = ["remind_suggested", "remind_available", "alert_teamleads", "tell_youngster"]


async def the_promise_passes(
    team: Team, matchteam: StaffService, minutes: int = 30, hours: int = 49
) -> list[tuple[int, str, str]]:
    """From Monday 14:00 to Wednesday 15:00: the 24 open hours of mon-fri 09:00-21:00."""
    taken: list[tuple[int, str, str]] = []
    for _ in range(hours * 60 // minutes):
        team.clock.advance(minutes=minutes)
        taken += await run_guard(team.db, matchteam, team.clock)
    return taken


async def test_each_step_of_the_ladder_fires_once_in_order(
    team: Team, flow: IntakeFlow, rules: Rules
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)  # Monday 14:00 in Brussels
    taken = await the_promise_passes(team, StaffService(flow, rules))
    assert [(rung, outcome) for _, rung, outcome in taken] == [(rung, "fired") for rung in LADDER]


async def test_the_ladder_tells_the_right_people_at_the_right_time(
    team: Team, flow: IntakeFlow, rules: Rules, renderer: Renderer
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    matchteam = StaffService(flow, rules)
    team.clock.advance(hours=6)  # Monday 20:00: a quarter of the open time
    await run_guard(team.db, matchteam, team.clock)
    assert (await team.keys(LOTTE))[-1] == "offer.reminder"
    reminder = renderer.render((await team.outbox(LOTTE))[-1], "nl").text
    assert "Antwoord uiterlijk woensdag 25 november om 14:00" in reminder
    team.clock.advance(hours=12)  # Tuesday 08:00: the night does not count, nobody is woken
    await run_guard(team.db, matchteam, team.clock)
    assert [k for k in await team.keys(BRAM) if k != "offer.new"] == ["offer.reminder"]
    team.clock.advance(hours=6)  # Tuesday 14:00: half of it; every available coach is asked
    await run_guard(team.db, matchteam, team.clock)
    assert [k for k in await team.keys(BRAM) if k != "offer.new"] == ["offer.reminder"] * 2
    team.clock.advance(hours=6)  # Tuesday 20:00: three quarters; the team leads are alerted
    await run_guard(team.db, matchteam, team.clock)
    assert await team.keys(AHMED) == ["offer.alert"]
    team.clock.advance(hours=18)  # Wednesday 14:00: the promise ran out
    await run_guard(team.db, matchteam, team.clock)
    late = (await team.outbox("y1"))[-1]
    assert late.key == "guard.late"
    assert "Awel" in renderer.render(late, "nl").text


async def test_a_team_lead_can_claim_from_the_alert(
    team: Team, flow: IntakeFlow, rules: Rules
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    team.clock.advance(hours=30)  # Tuesday 20:00
    await run_guard(team.db, StaffService(flow, rules), team.clock)
    alert = (await team.outbox(AHMED))[-1]
    handled = await team.say(AHMED, Inbound("choice", choice=alert.buttons[0][0].data))
    assert handled.tap is not None and handled.tap.kind == "quiet"


async def test_once_a_coach_has_the_case_the_remaining_steps_are_skipped(
    team: Team, flow: IntakeFlow, rules: Rules
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    case = await team.case()
    team.clock.advance(hours=7)
    matchteam = StaffService(flow, rules)
    await run_guard(team.db, matchteam, team.clock)
    await team.say(LOTTE, Inbound("choice", choice=f"claim:{case.id}"))
    later = await the_promise_passes(team, matchteam)
    assert [(rung, outcome) for _, rung, outcome in later] == [
        ("remind_available", "skipped"),
        ("alert_teamleads", "skipped"),
        ("tell_youngster", "skipped"),
    ]
    assert "guard.late" not in await team.keys("y1")


async def test_a_restart_in_the_middle_fires_nothing_twice(
    team: Team, flow: IntakeFlow, rules: Rules, database_url: str
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    team.clock.advance(hours=24)  # Tuesday 14:00
    before = await run_guard(team.db, StaffService(flow, rules), team.clock)
    restarted = Database(database_url)  # a new process: new engine, new connections
    again = await run_guard(restarted, StaffService(flow, rules), team.clock)
    team.clock.advance(hours=24)
    after = await run_guard(restarted, StaffService(flow, rules), team.clock)
    await restarted.close()
    assert [rung for _, rung, _ in before] == LADDER[:2]
    assert again == []
    assert [rung for _, rung, _ in after] == LADDER[2:]


async def test_two_guards_at_once_take_each_step_once(
    team: Team, flow: IntakeFlow, rules: Rules, database_url: str
) -> None:
    for youngster in ("y1", "y2", "y3"):
        await team.youngster(youngster, *MONEY_AND_HOME)
    team.clock.advance(hours=48)
    other = Database(database_url)
    first, second = await asyncio.gather(
        run_guard(team.db, StaffService(flow, rules), team.clock),
        run_guard(other, StaffService(flow, rules), team.clock),
    )
    await other.close()
    both = first + second
    assert len(both) == 12 and len({(case, rung) for case, rung, _ in both}) == 12


async def waiting_for_a_lock(db: Database) -> bool:
    async with db.transaction() as session:
        query = text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return bool((await session.execute(query)).scalar_one())


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_step_due_while_another_worker_commits_a_claim_is_skipped(
    team: Team, flow: IntakeFlow, rules: Rules, database_url: str
) -> None:
    """On SQLite the guard waits for any writer anyway; on PostgreSQL only the case lock
    makes it see the claim that was on its way."""
    await team.youngster("y1", *MONEY_AND_HOME)
    case = await team.case()
    assert case.id is not None
    team.clock.advance(hours=7)
    other = Database(database_url)
    try:
        async with other.transaction() as session:
            assert await claim_case(session, case_id=case.id, staff_id=1, now=team.clock())
            guard = asyncio.create_task(run_guard(team.db, StaffService(flow, rules), team.clock))
            while not await waiting_for_a_lock(team.db):
                finished, _ = await asyncio.wait({guard}, timeout=0.01)
                if finished:
                    break
        taken = await guard
    finally:
        await other.close()
    assert [(rung, outcome) for _, rung, outcome in taken] == [("remind_suggested", "skipped")]


# -- Friday 22:30 with mon-fri 09:00-21:00: one deadline everywhere ---------------------------

FRIDAY_NIGHT = datetime(2026, 11, 27, 21, 30, tzinfo=UTC)  # 22:30 in Brussels
# Tuesday 21:00 in Brussels: twelve open hours on Monday, twelve on Tuesday.
DEADLINE = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


@pytest.fixture
def friday_night(db: Database, flow: IntakeFlow, rules: Rules) -> Team:
    clock = Clock(FRIDAY_NIGHT)
    service = ConversationService(db, flow, clock=clock, matchteam=StaffService(flow, rules))
    return Team(service, db, clock, {})


async def guard_steps(db: Database) -> list[tuple[str, datetime]]:
    async with db.transaction() as session:
        rows = (await session.execute(select(GuardStep).order_by(col(GuardStep.due_at)))).scalars()
        return [(row.rung, utc(row.due_at)) for row in rows]


async def test_on_friday_night_the_told_deadline_status_and_the_guard_agree(
    friday_night: Team, renderer: Renderer
) -> None:
    await friday_night.youngster("y1", *MONEY_AND_HOME)
    # The queue's confirmation (the optional reach questions come after it).
    sent = [renderer.render(m, "nl").text for m in await friday_night.outbox("y1")]
    told = next(text for text in reversed(sent) if "wachtrij" in text)
    friday_night.clock.advance(hours=12)  # Saturday 10:30
    await friday_night.say("y1", Inbound("command", command="status"))
    status = renderer.render((await friday_night.outbox("y1"))[-1], "nl").text
    assert "Vanaf maandag om 09:00 zijn de coaches er weer." in told
    assert "uiterlijk dinsdag 1 december om 21:00" in told
    assert "vanaf maandag om 09:00 zijn de coaches er weer" in status
    assert "uiterlijk dinsdag 1 december om 21:00" in status
    assert utc((await friday_night.case()).deadline) == DEADLINE
    assert (await guard_steps(friday_night.db))[-1] == ("tell_youngster", DEADLINE)


async def test_the_guard_of_a_friday_night_case_steps_in_only_while_coaches_are_around(
    friday_night: Team,
) -> None:
    await friday_night.youngster("y1", *MONEY_AND_HOME)
    assert await guard_steps(friday_night.db) == [
        ("remind_suggested", datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),  # Monday 15:00
        # Half of the open time runs out at Monday's closing: the reminder waits for Tuesday.
        ("remind_available", datetime(2026, 12, 1, 8, 0, tzinfo=UTC)),  # Tuesday 09:00
        ("alert_teamleads", datetime(2026, 12, 1, 14, 0, tzinfo=UTC)),  # Tuesday 15:00
        ("tell_youngster", DEADLINE),
    ]


async def test_the_youngster_hears_the_promise_ran_out_at_the_told_deadline_not_before(
    friday_night: Team, flow: IntakeFlow, rules: Rules, renderer: Renderer
) -> None:
    await friday_night.youngster("y1", *MONEY_AND_HOME)
    matchteam = StaffService(flow, rules)
    friday_night.clock.now = datetime(2026, 12, 1, 19, 59, tzinfo=UTC)  # Tuesday 20:59
    await run_guard(friday_night.db, matchteam, friday_night.clock)
    assert "guard.late" not in await friday_night.keys("y1")
    friday_night.clock.now = DEADLINE
    await run_guard(friday_night.db, matchteam, friday_night.clock)
    late, back = (await friday_night.outbox("y1"))[-2:]
    assert late.key == "guard.late"
    assert renderer.render(back, "nl").text.endswith("morgen om 09:00 zijn de coaches er weer.")
