"""Appointments through the real service and database: a coach proposes with /afspraak, the
youngster answers with one tap, chooses reminders, and the due rows fire once at their time;
forged and double taps change nothing. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.services.appointment_due import run_due
from bot.services.render import Renderer
from flows.messages import Inbound, Outbound
from storage.models import Appointment, AppointmentDue, Case, CaseMessage
from tests.bot.team import BRAM, LOTTE, Team, claimed_by_lotte


async def propose(team: Team, words: str = "morgen 15u") -> Outbound:
    """Lotte has the case of y1 and proposes; what y1 is asked."""
    await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("text", text="Hoi, ik ben Lotte!"))
    await team.say(LOTTE, Inbound("command", command="afspraak", argument=words))
    return (await team.outbox("y1"))[-1]


async def appointment(team: Team) -> Appointment:
    async with team.db.transaction() as session:
        return (await session.execute(select(Appointment))).scalars().one()


async def due_rows(team: Team) -> list[tuple[str, datetime, str | None]]:
    """The appointments' due rows (the case's own quiet check, armed at the claim, apart)."""
    async with team.db.transaction() as session:
        query = (
            select(AppointmentDue)
            .where(col(AppointmentDue.appointment_id).is_not(None))
            .order_by(col(AppointmentDue.due_at))
        )
        rows = (await session.execute(query)).scalars().all()
    return [(r.kind, r.due_at.replace(tzinfo=UTC), r.outcome) for r in rows]


def data(message: Outbound, label: str) -> str:
    return next(b.data for row in message.buttons for b in row if b.label.key.endswith(label))


async def confirmed(team: Team, remind: str = "both") -> Appointment:
    asked = await propose(team)
    await team.say("y1", Inbound("choice", choice=data(asked, ".ok")))
    question = (await team.outbox("y1"))[-1]
    assert question.key == "appointment.remind_ask"
    await team.say("y1", Inbound("choice", choice=data(question, f".{remind}")))
    return await appointment(team)


async def test_a_typed_moment_is_proposed_to_the_youngster_with_three_buttons(
    team: Team, renderer: Renderer
) -> None:
    asked = await propose(team)
    assert asked.key == "appointment.proposed"
    shown = renderer.render(asked, "nl")
    # Monday 23 November 14:00 in Brussels: "morgen 15u" is Tuesday 24 November, 15:00.
    assert "dinsdag 24 november om 15:00" in shown.text and "Lotte" in shown.text
    assert [label for row in shown.buttons for label, _ in row] == [
        "✅ Past",
        "🔁 Ander moment",
        "❌ Afzeggen",
    ]
    stored = await appointment(team)
    assert (stored.state, stored.mode) == ("proposed", "chat")
    assert stored.starts_at is not None
    assert stored.starts_at.replace(tzinfo=UTC) == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    assert (await team.keys(LOTTE))[-1] == "appointment.sent"


async def test_confirming_tells_the_coach_and_asks_the_youngster_about_reminders(
    team: Team,
) -> None:
    asked = await propose(team)
    handled = await team.say("y1", Inbound("choice", choice=data(asked, ".ok")))
    assert handled.tap is not None and handled.tap.kind == "answered"
    assert (await team.keys("y1"))[-2:] == ["appointment.confirmed", "appointment.remind_ask"]
    assert (await team.keys(LOTTE))[-1] == "appointment.confirmed_coach"
    assert (await appointment(team)).state == "confirmed"
    kinds = [kind for kind, _, _ in await due_rows(team)]
    assert kinds == ["coach", "check"]


async def test_a_second_tap_on_the_same_answer_changes_nothing(team: Team) -> None:
    asked = await propose(team)
    await team.say("y1", Inbound("choice", choice=data(asked, ".ok")))
    before = await team.keys(LOTTE)
    again = await team.say("y1", Inbound("choice", choice=data(asked, ".ok")))
    assert again.tap is not None and again.tap.kind == "stale"
    assert await team.keys(LOTTE) == before


async def test_a_tap_on_someone_else_s_appointment_is_refused(team: Team) -> None:
    asked = await propose(team)
    await team.youngster("y2")
    forged = await team.say("y2", Inbound("choice", choice=data(asked, ".ok")))
    assert forged.tap is not None and forged.tap.kind == "unknown"
    by_bram = await team.say(BRAM, Inbound("choice", choice=data(asked, ".cancel")))
    assert by_bram.tap is not None and by_bram.tap.kind == "unknown"
    assert (await appointment(team)).state == "proposed"


async def test_the_chosen_reminders_are_due_rows_at_their_moments(team: Team) -> None:
    await confirmed(team, "both")
    rows = {kind: at for kind, at, _ in await due_rows(team)}
    # The evening before at 19:00 in Brussels (18:00 UTC in winter) and an hour before.
    assert rows["evening"] == datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    assert rows["hour"] == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    assert rows["coach"] == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    assert rows["check"] == datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    assert (await team.keys("y1"))[-1] == "appointment.remind_set"


async def test_a_reminder_fires_once_when_it_is_due(team: Team) -> None:
    await confirmed(team, "evening")
    matchteam = team.service.matchteam
    assert matchteam is not None
    team.clock.now = datetime(2026, 11, 23, 18, 0, 30, tzinfo=UTC)
    taken = await run_due(team.db, matchteam, team.clock)
    assert taken["evening:sent"] == 1
    assert (await team.keys("y1"))[-1] == "appointment.remind_evening"
    again = await run_due(team.db, matchteam, team.clock)
    assert again["evening:sent"] == 0


async def test_a_reminder_whose_moment_passed_while_down_is_dropped(team: Team) -> None:
    await confirmed(team, "evening")
    matchteam = team.service.matchteam
    assert matchteam is not None
    team.clock.now = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)  # three hours late
    taken = await run_due(team.db, matchteam, team.clock)
    assert taken["evening:dropped"] == 1
    assert "appointment.remind_evening" not in await team.keys("y1")


async def test_an_hour_after_the_end_the_coach_is_asked_and_missed_sends_a_kind_check_in(
    team: Team,
) -> None:
    await confirmed(team, "none")
    matchteam = team.service.matchteam
    assert matchteam is not None
    team.clock.now = datetime(2026, 11, 24, 16, 1, tzinfo=UTC)
    await run_due(team.db, matchteam, team.clock)
    check = (await team.outbox(LOTTE))[-1]
    assert check.key == "appointment.check"
    await team.say(LOTTE, Inbound("choice", choice=data(check, ".missed")))
    assert (await appointment(team)).state == "missed"
    check_in = (await team.outbox("y1"))[-1]
    assert check_in.key == "appointment.missed"
    assert check_in.buttons and all(b.data.startswith("apt:") for r in check_in.buttons for b in r)
    assert (await team.case()).state == "active"  # never a close


async def test_after_a_missed_meeting_the_youngster_picks_a_new_moment_for_the_coach(
    team: Team,
) -> None:
    await confirmed(team, "none")
    stored = await appointment(team)
    team.clock.now = datetime(2026, 11, 24, 16, 1, tzinfo=UTC)
    await team.say(LOTTE, Inbound("choice", choice=f"apt:{stored.id}:missed"))
    days = (await team.outbox("y1"))[-1]
    first_day = days.buttons[0][0].data
    await team.say("y1", Inbound("choice", choice=first_day))
    hours = (await team.outbox("y1"))[-1]
    assert hours.key == "appointment.pick_hour"
    await team.say("y1", Inbound("choice", choice=hours.buttons[0][0].data))
    assert (await team.keys(LOTTE))[-1] == "appointment.proposed_by_youngster"
    moved = await appointment(team)
    assert (moved.state, moved.proposed_by) == ("proposed", "youngster")


async def test_the_coach_hears_when_the_youngster_looks_for_another_moment(team: Team) -> None:
    asked = await propose(team)
    await team.say("y1", Inbound("choice", choice=data(asked, ".other")))
    assert (await team.keys("y1"))[-1] == "appointment.pick_day_youngster"
    assert (await team.keys(LOTTE))[-1] == "appointment.other_asked"


async def test_the_youngster_cancels_kindly_and_the_coach_can_propose_anew(team: Team) -> None:
    asked = await propose(team)
    await team.say("y1", Inbound("choice", choice=data(asked, ".cancel")))
    assert (await team.keys("y1"))[-1] == "appointment.cancelled_you"
    told = (await team.outbox(LOTTE))[-1]
    assert told.key == "appointment.cancelled_by_youngster"
    assert (await appointment(team)).state == "cancelled"
    assert told.buttons[0][0].data.startswith("apt:new:")


async def test_a_coach_without_a_moment_gets_the_quick_picks(team: Team) -> None:
    await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("text", text="Hoi!"))
    await team.say(LOTTE, Inbound("command", command="afspraak", argument="video"))
    days = (await team.outbox(LOTTE))[-1]
    assert days.key == "appointment.pick_day"
    assert (await appointment(team)).state == "draft"
    await team.say(LOTTE, Inbound("choice", choice=days.buttons[0][1].data))  # tomorrow
    hours = (await team.outbox(LOTTE))[-1]
    await team.say(LOTTE, Inbound("choice", choice=hours.buttons[1][0].data))  # 13:00
    asked = (await team.outbox("y1"))[-1]
    assert asked.key == "appointment.proposed"
    assert (await appointment(team)).mode == "video"


async def test_a_coach_s_bare_command_lists_what_is_coming_with_move_and_cancel(
    team: Team,
) -> None:
    stored = await confirmed(team, "none")
    await team.say(LOTTE, Inbound("command", command="afspraak"))
    item, ask = (await team.outbox(LOTTE))[-2:]
    assert (item.key, ask.key) == ("appointment.coach_item", "appointment.ask_mode")
    assert [b.data for row in item.buttons for b in row] == [
        f"apt:{stored.id}:move",
        f"apt:{stored.id}:cancel",
    ]


async def test_words_that_name_no_moment_offer_the_picks_with_a_hint(team: Team) -> None:
    asked = await propose(team, "ooit eens")
    assert asked.key != "appointment.proposed"
    assert (await team.keys(LOTTE))[-1] == "appointment.not_understood"


async def test_the_link_of_a_video_call_is_told_only_to_the_youngster(
    team: Team, renderer: Renderer
) -> None:
    asked = await propose(team, "video morgen 15u https://meet.example/klik-1")
    assert "https://meet.example/klik-1" in renderer.render(asked, "nl").text


async def test_a_calendar_file_names_klik_and_the_mode_only(team: Team, renderer: Renderer) -> None:
    stored = await confirmed(team, "none")
    await team.say("y1", Inbound("choice", choice=f"apt:{stored.id}:ics"))
    file = (await team.outbox("y1"))[-1]
    assert file.document == "appointment.ics_file"
    text = renderer.render(file, "nl").text
    assert "SUMMARY:Klik: chatgesprek" in text
    assert "DTSTART:20261124T140000Z" in text
    assert "Lotte" not in text and "Sam" not in text


async def test_a_quiet_youngster_s_coach_is_nudged_and_the_case_stays_open(team: Team) -> None:
    await claimed_by_lotte(team)
    matchteam = team.service.matchteam
    assert matchteam is not None
    await run_due(team.db, matchteam, team.clock)  # arms the quiet check
    team.clock.advance(days=7, minutes=1)
    taken = await run_due(team.db, matchteam, team.clock)
    assert taken["quiet:sent"] == 1
    assert (await team.keys(LOTTE))[-1] == "appointment.quiet"
    assert (await team.case()).state == "active"


async def test_a_youngster_who_wrote_lately_is_looked_at_again_later(team: Team) -> None:
    case: Case = await claimed_by_lotte(team)
    matchteam = team.service.matchteam
    assert matchteam is not None
    await run_due(team.db, matchteam, team.clock)
    team.clock.advance(days=6)
    async with team.db.transaction() as session:
        session.add(
            CaseMessage(case_id=case.id, sender="youngster", text="hoi", created_at=team.clock())
        )
    team.clock.advance(days=1, minutes=1)
    taken = await run_due(team.db, matchteam, team.clock)
    assert taken["quiet:later"] == 1
    assert "appointment.quiet" not in await team.keys(LOTTE)


async def test_the_youngster_s_appointment_command_lists_what_is_coming(team: Team) -> None:
    await confirmed(team, "hour")
    await team.say("y1", Inbound("command", command="afspraak"))
    assert (await team.keys("y1"))[-1] == "appointment.yours"


@pytest.mark.parametrize("data", ["apt:999:ok", "apt:x:ok", "apt:1:fly", "apt:new:1:zeppelin"])
async def test_forged_appointment_data_is_refused(team: Team, data: str) -> None:
    await propose(team)
    handled = await team.say("y1", Inbound("choice", choice=data))
    assert handled.tap is not None and handled.tap.kind in ("unknown", "stale")


async def test_after_andere_coach_a_confirmed_appointment_is_cancelled_and_the_youngster_told(
    team: Team,
) -> None:
    await confirmed(team)
    await team.say("y1", Inbound("command", command="andere_coach"))
    stored = await appointment(team)
    assert stored.state == "cancelled"
    assert "appointment.cancelled_new_coach" in await team.keys("y1")
    assert [row for row in await due_rows(team) if row[2] is None] == []
