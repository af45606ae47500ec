"""A case's life after the claim, through the real service and database: pause, close with a
reason, reopen with the same coach, warm hand-over, /andere_coach, and /status at each step."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from flows.case import after, can
from flows.messages import Inbound
from storage.models import Case, GuardStep, Staff, StatEvent, utc
from tests.bot.process.test_cli import klik
from tests.bot.team import AHMED, BRAM, LOTTE, MONEY_AND_HOME, Team, claimed_by_lotte
from tests.conftest import Clock


async def started(team: Team) -> Case:
    case = await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("text", text="Hoi, ik ben Lotte!"))
    return case


def test_the_case_machine_allows_only_the_moves_of_a_case_s_life() -> None:
    assert after("queued", "claim") == "active"
    assert after("active", "pause") == "paused"
    assert after("closed", "reopen") == "active"
    assert not can("queued", "close")
    assert not can("closed", "pause")
    with pytest.raises(ValueError, match="a withdrawn case cannot reopen"):
        after("withdrawn", "reopen")


async def test_a_coach_pauses_and_writing_again_resumes(team: Team) -> None:
    await started(team)
    await team.say(LOTTE, Inbound("command", command="pauze"))
    assert (await team.case()).state == "paused"
    assert (await team.keys("y1"))[-1] == "case.paused"
    await team.say("y1", Inbound("command", command="status"))
    assert (await team.keys("y1"))[-1] == "status.case_paused"
    await team.say("y1", Inbound("text", text="nog even dit"))
    assert (await team.outbox(LOTTE))[-1].params[
        "text"
    ] == "nog even dit"  # still read while paused
    await team.say(LOTTE, Inbound("text", text="Ik ben er weer"))
    assert (await team.case()).state == "active"


async def test_a_coach_closes_with_a_reason_from_a_short_list(team: Team) -> None:
    case = await started(team)
    await team.say(LOTTE, Inbound("command", command="afsluiten"))
    ask = (await team.outbox(LOTTE))[-1]
    assert ask.key == "case.close_ask"
    assert [row[0].data for row in ask.buttons] == [
        f"close:{case.id}:goal_reached",
        f"close:{case.id}:referred",
        f"close:{case.id}:youngster_stopped",
        f"close:{case.id}:no_contact",
        f"close:{case.id}:other",
    ]
    handled = await team.say(LOTTE, Inbound("choice", choice=f"close:{case.id}:goal_reached"))
    assert handled.tap is not None and handled.tap.kind == "answered"
    closed = await team.case()
    assert (closed.state, closed.close_reason) == ("closed", "goal_reached")
    assert (await team.keys("y1"))[-2:] == ["case.closed", "feedback.ask"]
    async with team.db.transaction() as session:
        events = (await session.execute(select(StatEvent.kind, StatEvent.value))).all()
    assert ("case_closed", "goal_reached") in [tuple(e) for e in events]


@pytest.mark.parametrize("reason", ["fired", "", "goal_reached:x"])
async def test_a_forged_close_reason_is_refused(team: Team, reason: str) -> None:
    case = await started(team)
    handled = await team.say(LOTTE, Inbound("choice", choice=f"close:{case.id}:{reason}"))
    assert handled.tap is not None and handled.tap.kind == "unknown"
    assert (await team.case()).state == "active"


async def test_another_coach_cannot_close_someone_else_s_case(team: Team) -> None:
    case = await started(team)
    handled = await team.say(BRAM, Inbound("choice", choice=f"close:{case.id}:other"))
    assert handled.tap is not None and handled.tap.kind == "unknown"
    assert (await team.case()).state == "active"


async def test_writing_after_a_close_reopens_with_the_same_coach_and_no_new_intake(
    team: Team,
) -> None:
    case = await started(team)
    await team.say(LOTTE, Inbound("choice", choice=f"close:{case.id}:goal_reached"))
    await team.say("y1", Inbound("text", text="ik heb toch weer een vraag"))
    reopened = await team.case()
    assert (reopened.id, reopened.state, reopened.coach_id) == (case.id, "active", team.ids[LOTTE])
    lotte = await team.outbox(LOTTE)
    assert [m.key for m in lotte[-2:]] == ["case.reopened", "relay.from_youngster"]
    assert lotte[-1].params["text"] == "ik heb toch weer een vraag"
    assert (await team.keys("y1"))[-1] == "case.welcome_back"


async def test_when_the_coach_is_gone_a_returning_youngster_goes_to_the_queue_first(
    team: Team,
) -> None:
    case = await started(team)
    await team.say(LOTTE, Inbound("choice", choice=f"close:{case.id}:other"))
    async with team.db.transaction() as session:
        lotte = await session.get(Staff, team.ids[LOTTE])
        assert lotte is not None
        lotte.active = False
    await team.say("y1", Inbound("text", text="hallo?"))
    back = await team.case()
    assert (back.state, back.priority, back.coach_id) == ("queued", True, None)
    assert (await team.keys(BRAM))[-1] == "offer.new"


async def test_a_warm_hand_over_keeps_the_old_coach_until_the_new_one_has_written(
    team: Team,
) -> None:
    case = await started(team)
    await team.say(LOTTE, Inbound("command", command="overdragen"))
    choose = (await team.outbox(LOTTE))[-1]
    assert choose.key == "handover.choose"
    await team.say(LOTTE, Inbound("choice", choice=f"handover:{case.id}:{team.ids[BRAM]}"))
    assert (await team.keys(BRAM))[-1] == "handover.offer"
    await team.say(BRAM, Inbound("choice", choice=f"accept:{case.id}"))
    moved = await team.case()
    assert (moved.coach_id, moved.previous_coach_id) == (team.ids[BRAM], team.ids[LOTTE])
    assert (await team.keys("y1"))[-1] == "case.handover"
    await team.say("y1", Inbound("text", text="wie leest dit?"))
    assert (await team.outbox(LOTTE))[-1].params["text"] == "wie leest dit?"
    assert (await team.outbox(BRAM))[-1].params["text"] == "wie leest dit?"
    await team.say(BRAM, Inbound("text", text="Hoi, ik ben Bram!"))
    hello = (await team.outbox("y1"))[-1]
    assert (hello.key, hello.params["coach"], hello.params["intro"]) == (
        "relay.coach_hello",
        "Bram",
        "Ik ben Bram.",
    )
    assert (await team.keys(LOTTE))[-1] == "handover.done"
    assert (await team.case()).previous_coach_id is None
    await team.say("y1", Inbound("text", text="en nu?"))
    assert (await team.outbox(LOTTE))[-1].key == "handover.done"  # Lotte no longer reads along


async def test_a_hand_over_can_be_accepted_only_by_the_colleague_asked(
    team: Team, clock: Clock
) -> None:
    case = await started(team)
    await team.say(LOTTE, Inbound("choice", choice=f"handover:{case.id}:{team.ids[BRAM]}"))
    handled = await team.say(AHMED, Inbound("choice", choice=f"accept:{case.id}"))
    assert handled.tap is not None and handled.tap.kind == "unknown"
    assert (await team.case()).coach_id == team.ids[LOTTE]


async def test_andere_coach_puts_the_case_back_with_priority_and_tells_the_old_coach(
    team: Team,
) -> None:
    await started(team)
    await team.youngster("y2", *MONEY_AND_HOME)  # someone else waits already
    await team.say("y1", Inbound("command", command="andere_coach"))
    async with team.db.transaction() as session:
        cases = (await session.execute(select(Case).order_by(Case.id))).scalars().all()
    first = cases[0]
    assert (first.state, first.priority, first.coach_id) == ("queued", True, None)
    assert (await team.keys(LOTTE))[-1] == "case.switch_requested"
    assert (await team.keys("y1"))[-1] == "case.switching"
    assert (await team.keys(BRAM))[-1] == "offer.new"  # offered again, not to Lotte
    await team.say(AHMED, Inbound("command", command="wachtrij"))
    listed = (await team.outbox(AHMED))[-2:]
    assert listed[0].buttons[0][0].data == f"claim:{first.id}"  # before the one who waited longer


async def test_asking_for_another_coach_on_friday_night_gives_a_fresh_promise_in_service_hours(
    team: Team,
) -> None:
    await started(team)
    team.clock.now = datetime(2026, 11, 27, 21, 30, tzinfo=UTC)  # Friday 22:30 in Brussels
    await team.say("y1", Inbound("command", command="andere_coach"))
    tuesday_evening = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 21:00 in Brussels
    async with team.db.transaction() as session:
        case = (await session.execute(select(Case))).scalar_one()
        steps = (await session.execute(select(GuardStep).order_by(GuardStep.due_at))).scalars()
        last = list(steps)[-1]
    assert utc(case.deadline) == tuesday_evening
    assert (last.rung, utc(last.due_at)) == ("tell_youngster", tuesday_evening)


async def test_andere_coach_without_a_coach_explains_when_it_works(team: Team) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    await team.say("y1", Inbound("command", command="andere_coach"))
    assert (await team.keys("y1"))[-1] == "case.no_coach_yet"


async def test_stopping_while_with_a_coach_tells_the_coach(team: Team) -> None:
    await started(team)
    await team.say("y1", Inbound("command", command="stop"))
    await team.say("y1", Inbound("choice", choice="stop:delete"))
    assert (await team.keys(LOTTE))[-1] == "case.youngster_erased"


async def test_deactivating_a_coach_puts_their_youngsters_back_at_the_front(
    team: Team, database_url: str, tmp_path: Path
) -> None:
    case = await started(team)
    # The command runs on the wall clock: Bram works every hour, so he is there whenever CI runs.
    async with team.db.transaction() as session:
        bram = await session.get(Staff, team.ids[BRAM])
        assert bram is not None
        bram.hours = "mon-sun 00:00-24:00"
    result = klik("coach", "deactivate", "Lotte", env={"DATABASE_URL": database_url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 conversation(s) went back to the front of the queue" in result.stdout
    back = await team.case()
    assert (back.id, back.state, back.priority, back.coach_id) == (case.id, "queued", True, None)
    assert (await team.keys("y1"))[-1] == "case.coach_gone"
    assert (await team.keys(BRAM))[-1] == "offer.new"


async def test_a_colleague_declines_a_hand_over_with_the_button_and_the_coach_keeps_the_case(
    team: Team,
) -> None:
    case = await started(team)
    await team.say(LOTTE, Inbound("choice", choice=f"handover:{case.id}:{team.ids[BRAM]}"))
    offer = (await team.outbox(BRAM))[-1]
    assert [b.data for row in offer.buttons for b in row] == [
        f"accept:{case.id}",
        f"decline:{case.id}",
    ]
    await team.say(BRAM, Inbound("choice", choice=f"decline:{case.id}"))
    kept = await team.case()
    assert (kept.coach_id, kept.handover_to) == (team.ids[LOTTE], None)
    assert (await team.keys(LOTTE))[-1] == "handover.declined"
