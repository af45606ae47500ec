"""The 24-hour guard with an injected clock: a day passes in milliseconds, each step fires
exactly once, also across a restart and with two guards running at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.guard import run_guard
from bot.matchteam import Matchteam
from bot.render import Renderer
from bot.service import ConversationService
from flows.intake import IntakeFlow, Rules
from flows.messages import Inbound
from storage.db import Database
from tests.bot.team import AHMED, BRAM, LOTTE, MONEY_AND_HOME, Team
from tests.conftest import Clock

LADDER = ["remind_suggested", "remind_available", "alert_teamleads", "tell_youngster"]


async def a_day_passes(
    team: Team, matchteam: Matchteam, minutes: int = 10, hours: int = 25
) -> list[tuple[int, str, str]]:
    taken: list[tuple[int, str, str]] = []
    for _ in range(hours * 60 // minutes):
        team.clock.advance(minutes=minutes)
        taken += await run_guard(team.db, matchteam, team.clock)
    return taken


async def test_each_step_of_the_ladder_fires_once_in_order(
    team: Team, flow: IntakeFlow, rules: Rules
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)  # Monday 14:00 in Brussels
    taken = await a_day_passes(team, Matchteam(flow, rules))
    assert [(rung, outcome) for _, rung, outcome in taken] == [(rung, "fired") for rung in LADDER]


async def test_the_ladder_tells_the_right_people_at_the_right_time(
    team: Team, flow: IntakeFlow, rules: Rules, renderer: Renderer
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    matchteam = Matchteam(flow, rules)
    team.clock.advance(hours=6)  # 20:00: the coaches who were told are reminded
    await run_guard(team.db, matchteam, team.clock)
    assert (await team.keys(LOTTE))[-1] == "offer.reminder"
    reminder = (await team.outbox(LOTTE))[-1]
    assert "Nog 18 uur tot de belofte verloopt" in renderer.render(reminder, "nl").text
    team.clock.advance(hours=6)  # 02:00: nobody is on duty, so nobody is woken
    await run_guard(team.db, matchteam, team.clock)
    assert [k for k in await team.keys(BRAM) if k != "offer.new"] == ["offer.reminder"]
    team.clock.advance(hours=6)  # 08:00: the team leads are alerted
    await run_guard(team.db, matchteam, team.clock)
    assert await team.keys(AHMED) == ["offer.alert"]
    team.clock.advance(hours=6)  # 14:00 on Tuesday: the promise ran out
    await run_guard(team.db, matchteam, team.clock)
    late = (await team.outbox("y1"))[-1]
    assert late.key == "guard.late"
    assert "Awel" in renderer.render(late, "nl").text


async def test_a_team_lead_can_claim_from_the_alert(
    team: Team, flow: IntakeFlow, rules: Rules
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    team.clock.advance(hours=18)
    await run_guard(team.db, Matchteam(flow, rules), team.clock)
    alert = (await team.outbox(AHMED))[-1]
    handled = await team.say(AHMED, Inbound("choice", choice=alert.buttons[0][0].data))
    assert handled.tap is not None and handled.tap.kind == "quiet"


async def test_once_a_coach_has_the_case_the_remaining_steps_are_skipped(
    team: Team, flow: IntakeFlow, rules: Rules
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    case = await team.case()
    team.clock.advance(hours=7)
    matchteam = Matchteam(flow, rules)
    await run_guard(team.db, matchteam, team.clock)
    await team.say(LOTTE, Inbound("choice", choice=f"claim:{case.id}"))
    later = await a_day_passes(team, matchteam)
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
    team.clock.advance(hours=13)
    before = await run_guard(team.db, Matchteam(flow, rules), team.clock)
    restarted = Database(database_url)  # a new process: new engine, new connections
    again = await run_guard(restarted, Matchteam(flow, rules), team.clock)
    team.clock.advance(hours=12)
    after = await run_guard(restarted, Matchteam(flow, rules), team.clock)
    await restarted.close()
    assert [rung for _, rung, _ in before] == LADDER[:2]
    assert again == []
    assert [rung for _, rung, _ in after] == LADDER[2:]


async def test_two_guards_at_once_take_each_step_once(
    team: Team, flow: IntakeFlow, rules: Rules, database_url: str
) -> None:
    for youngster in ("y1", "y2", "y3"):
        await team.youngster(youngster, *MONEY_AND_HOME)
    team.clock.advance(hours=25)
    other = Database(database_url)
    first, second = await asyncio.gather(
        run_guard(team.db, Matchteam(flow, rules), team.clock),
        run_guard(other, Matchteam(flow, rules), team.clock),
    )
    await other.close()
    both = first + second
    assert len(both) == 12 and len({(case, rung) for case, rung, _ in both}) == 12


async def test_when_the_promise_runs_out_at_the_weekend_the_youngster_hears_when_people_are_back(
    db: Database, flow: IntakeFlow, rules: Rules
) -> None:
    friday_evening = Clock(datetime(2026, 11, 27, 19, 0, tzinfo=UTC))  # 20:00 in Brussels
    team = Team(
        ConversationService(db, flow, clock=friday_evening, matchteam=Matchteam(flow, rules)),
        db,
        friday_evening,
        {},
    )
    await team.youngster("y1", *MONEY_AND_HOME)
    friday_evening.advance(hours=24)
    await run_guard(db, Matchteam(flow, rules), friday_evening)
    late, back = (await team.outbox("y1"))[-2:]
    assert late.key == "guard.late" and back.key == "queued.outside_hours"
