"""The retention purge on SQLite and PostgreSQL: exactly what is past its limit goes, nothing
younger; a dry run changes nothing; many rows go in batches; two purges at once delete each
row once."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from bot.services.purge import due_counts, purge
from flows.audit import SYSTEM
from flows.case import CLOSED
from flows.retention import KINDS, Retention
from flows.state import CaseView, Feedback, Intake
from storage.audit import record_audit
from storage.cases import add_case_note, close_case, move_case
from storage.db import Database
from storage.feedback import feedback_counts, feedback_lines, keep_feedback
from storage.intakes import create_youngster
from storage.models import (
    Appointment,
    AppointmentDue,
    AuditEvent,
    Case,
    CaseMessage,
    Contact,
    InboxEvent,
    IntakeAnswer,
    SentMessage,
    SetAsideUpdate,
    Youngster,
    table_of,
)
from storage.outbox import first_time_seen, remember_sent
from storage.set_aside import set_aside
from storage.youngster_cases import open_case, withdraw_case
from tests.conftest import Clock

LIMITS = Retention()  # the defaults: 30, 365, 7, 30, 30, 730 and 180 days
NOTHING = dict.fromkeys(KINDS, 0)


def only(**counts: int) -> dict[str, int]:
    return {**NOTHING, **counts}


async def youngster(
    db: Database, address: str, at: datetime, last_seen: datetime | None = None
) -> str:
    """A youngster who consented at `at` (and was last seen then, or at `last_seen`)."""
    async with db.transaction() as session:
        row = await create_youngster(
            session,
            channel="telegram",
            address=address,
            intake=Intake(state="q.home", language="nl", last_seen=last_seen),
            now=at,
            rng=random.Random(address),
        )
        session.add(IntakeAnswer(youngster_id=row.id, question="q.home", text="thuis is lastig"))
        return row.id


async def with_case(
    db: Database, address: str, at: datetime, *, closed: datetime | None = None
) -> tuple[str, int]:
    """A youngster whose case was queued at `at`, with a message; closed at `closed`."""
    youngster_id = await youngster(db, address, at, last_seen=closed)
    async with db.transaction() as session:
        case = await open_case(session, youngster_id=youngster_id, case=CaseView(at, at))
        assert case.id is not None
        await add_case_note(session, case_id=case.id, sender="youngster", text="hallo", at=at)
        if closed is not None:
            assert await move_case(session, case_id=case.id, before="queued", state="active")
            assert await close_case(
                session, case_id=case.id, before="active", state=CLOSED, reason="other", at=closed
            )
        return youngster_id, case.id


async def count(db: Database, model: type) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_an_unfinished_intake_inactive_for_thirty_days_is_erased_and_a_younger_one_kept(
    db: Database, clock: Clock
) -> None:
    start = clock()
    await youngster(db, "old", start)
    await youngster(db, "young", start + timedelta(days=2))
    clock.advance(days=30, hours=1)
    assert await purge(db, LIMITS, clock) == only(unfinished_intake=1)
    async with db.transaction() as session:
        addresses = (await session.execute(select(Contact.address))).scalars().all()
    assert addresses == ["young"]
    assert await count(db, IntakeAnswer) == 1


async def test_a_youngster_in_the_queue_is_no_unfinished_intake_however_long_they_wait(
    db: Database, clock: Clock
) -> None:
    await with_case(db, "waiting", clock())
    clock.advance(days=400)
    assert await purge(db, LIMITS, clock) == NOTHING
    assert await count(db, Youngster) == 1


async def test_a_youngster_whose_case_ended_a_year_ago_is_erased_whole(
    db: Database, clock: Clock
) -> None:
    await with_case(db, "done", clock(), closed=clock())
    clock.advance(days=365, hours=1)
    assert await purge(db, LIMITS, clock) == only(ended_youngster=1)
    for model in (Youngster, Contact, IntakeAnswer, Case, CaseMessage):
        assert await count(db, model) == 0, model


async def test_a_case_that_ended_less_than_a_year_ago_keeps_everything(
    db: Database, clock: Clock
) -> None:
    await with_case(db, "done", clock(), closed=clock())
    clock.advance(days=364)
    assert await purge(db, LIMITS, clock) == NOTHING
    assert (await count(db, Youngster), await count(db, CaseMessage)) == (1, 1)


async def test_a_youngster_who_came_back_keeps_their_account_but_not_the_old_case_s_messages(
    db: Database, clock: Clock
) -> None:
    start = clock()
    youngster_id, case_id = await with_case(db, "back", start, closed=start)
    async with db.transaction() as session:  # they came back later and wrote
        row = await session.get(Youngster, youngster_id)
        assert row is not None
        row.last_seen = start + timedelta(days=300)
    clock.advance(days=366)
    assert await purge(db, LIMITS, clock) == only(case_messages=1)
    async with db.transaction() as session:
        case = await session.get(Case, case_id)
    assert case is not None and case.state == CLOSED
    assert (await count(db, Youngster), await count(db, CaseMessage)) == (1, 0)


async def planned(db: Database, case_id: int, at: datetime) -> None:
    """An appointment of the case (a video call with its link) and its reminder row."""
    async with db.transaction() as session:
        row = Appointment(
            case_id=case_id,
            state="done",
            mode="video",
            starts_at=at,
            link="https://x/1",
            created_at=at,
        )
        session.add(row)
        await session.flush()
        session.add(AppointmentDue(case_id=case_id, appointment_id=row.id, kind="hour", due_at=at))


async def test_a_youngster_erased_for_retention_takes_their_appointments_along(
    db: Database, clock: Clock
) -> None:
    _, case_id = await with_case(db, "done", clock(), closed=clock())
    await planned(db, case_id, clock())
    clock.advance(days=365, hours=1)
    assert await purge(db, LIMITS, clock) == only(ended_youngster=1)
    assert (await count(db, Appointment), await count(db, AppointmentDue)) == (0, 0)


async def test_an_old_case_s_appointments_go_with_its_messages_when_the_youngster_stays(
    db: Database, clock: Clock
) -> None:
    start = clock()
    youngster_id, case_id = await with_case(db, "back", start, closed=start)
    await planned(db, case_id, start)
    async with db.transaction() as session:
        row = await session.get(Youngster, youngster_id)
        assert row is not None
        row.last_seen = start + timedelta(days=300)
    clock.advance(days=366)
    assert await purge(db, LIMITS, clock) == only(case_messages=1, appointments=1)
    assert (await count(db, Appointment), await count(db, AppointmentDue)) == (0, 0)


async def test_an_open_case_keeps_its_messages_however_old(db: Database, clock: Clock) -> None:
    await with_case(db, "open", clock())
    clock.advance(days=800)
    await purge(db, LIMITS, clock)
    assert await count(db, CaseMessage) == 1


async def test_ids_of_handled_updates_delivered_messages_and_set_aside_updates_go_at_their_limits(
    db: Database, clock: Clock
) -> None:
    start = clock()
    async with db.transaction() as session:
        for days, name in ((0, "old"), (1, "new")):
            at = start + timedelta(days=days)
            await first_time_seen(session, event_id=f"tg:{name}", now=at)
            await set_aside(session, event_id=f"tg:s-{name}", kind="message", reason="E", now=at)
            await remember_sent(
                session, channel="telegram", address="1", message_id=name, tag="case:1", now=at
            )
    clock.advance(days=7, hours=1)
    assert await purge(db, LIMITS, clock) == only(inbox=1)
    clock.advance(days=23)
    assert await purge(db, LIMITS, clock) == only(inbox=1, sent_messages=1, set_aside=1)
    assert await count(db, SentMessage) == 1
    assert await count(db, SetAsideUpdate) == 1


async def test_audit_entries_go_after_two_years(db: Database, clock: Clock) -> None:
    async with db.transaction() as session:
        await record_audit(session, at=clock(), actor=SYSTEM, action="requeue", case_id=1)
        await record_audit(
            session, at=clock() + timedelta(days=2), actor=SYSTEM, action="requeue", case_id=2
        )
    clock.advance(days=731)
    removed = await purge(db, LIMITS, clock)
    assert removed["audit"] == 1
    async with db.transaction() as session:
        cases = (await session.execute(select(AuditEvent.case_id))).scalars().all()
    assert 1 not in cases and 2 in cases


async def test_feedback_lines_go_half_a_year_after_their_week_and_the_counts_stay(
    db: Database, clock: Clock
) -> None:
    week = clock().date()  # Monday 23 November 2026
    async with db.transaction() as session:
        for line in ("oud", "nieuw"):
            later = timedelta(days=14 if line == "nieuw" else 0)
            await keep_feedback(session, feedback=Feedback(week + later, "nl", line=line))
        await keep_feedback(session, feedback=Feedback(week, "nl", answer="good"))
    clock.advance(days=181)
    assert await purge(db, LIMITS, clock) == only(feedback_lines=1)
    async with db.transaction() as session:
        assert await feedback_lines(session, since=week) == ["nieuw"]
        assert await feedback_counts(session, since=week) == {"good": 1}


async def test_a_purge_is_itself_in_the_audit_log_as_kinds_and_counts(
    db: Database, clock: Clock
) -> None:
    await youngster(db, "old", clock())
    clock.advance(days=31)
    await purge(db, LIMITS, clock)
    async with db.transaction() as session:
        row = (await session.execute(select(AuditEvent))).scalar_one()
    assert (row.actor, row.action, row.detail) == ("system", "purge", "unfinished_intake:1")


async def test_shorter_limits_from_the_settings_are_kept(db: Database, clock: Clock) -> None:
    await youngster(db, "old", clock())
    clock.advance(days=3)
    assert await purge(db, Retention(intake_days=2), clock) == only(unfinished_intake=1)


async def test_a_dry_run_counts_what_would_go_and_changes_nothing(
    db: Database, clock: Clock
) -> None:
    await youngster(db, "unfinished", clock())
    await with_case(db, "ended", clock(), closed=clock())
    async with db.transaction() as session:
        await first_time_seen(session, event_id="tg:1", now=clock())
    clock.advance(days=400)
    expected = only(unfinished_intake=1, ended_youngster=1, inbox=1)
    assert await due_counts(db, LIMITS, clock) == expected
    assert await due_counts(db, LIMITS, clock) == expected
    assert (await count(db, Youngster), await count(db, InboxEvent)) == (2, 1)
    assert await purge(db, LIMITS, clock) == expected


async def many_sent(db: Database, clock: Clock, rows: int) -> None:
    async with db.transaction() as session:
        await session.execute(
            insert(table_of(SentMessage)),
            [
                {
                    "channel": "telegram",
                    "address": "1",
                    "message_id": str(n),
                    "tag": "case:1",
                    "created_at": clock(),
                }
                for n in range(rows)
            ],
        )


async def test_many_due_rows_go_in_batches_until_none_is_left(db: Database, clock: Clock) -> None:
    await many_sent(db, clock, 1234)
    clock.advance(days=31)
    assert (await purge(db, LIMITS, clock))["sent_messages"] == 1234
    assert await count(db, SentMessage) == 0


async def test_two_purges_at_once_delete_every_row_once_and_neither_fails(
    database_url: str, clock: Clock
) -> None:
    workers = [Database(database_url), Database(database_url)]
    try:
        await many_sent(workers[0], clock, 1500)
        for n in range(60):
            await youngster(workers[0], f"y{n}", clock())
        clock.advance(days=31)
        first, second = await asyncio.gather(*(purge(db, LIMITS, clock) for db in workers))
        assert first["sent_messages"] + second["sent_messages"] == 1500
        assert first["unfinished_intake"] + second["unfinished_intake"] == 60
        assert await count(workers[0], SentMessage) == 0
        assert await count(workers[0], Youngster) == 0
    finally:
        for db in workers:
            await db.close()


async def test_a_youngster_who_withdrew_from_the_queue_a_year_ago_is_erased_whole(
    db: Database, clock: Clock
) -> None:
    youngster_id, _ = await with_case(db, "left", clock())
    async with db.transaction() as session:
        await withdraw_case(session, youngster_id=youngster_id, now=clock())
    clock.advance(days=366)
    assert await purge(db, LIMITS, clock) == only(ended_youngster=1)
    assert await count(db, Case) == 0


async def test_the_notes_and_goals_of_a_long_closed_case_go_with_its_messages(
    db: Database, clock: Clock
) -> None:
    from storage.case_work import add_goal, add_note
    from storage.dashboard_tables import CaseGoal, CaseNote

    start = clock()
    youngster_id, case_id = await with_case(db, "back", start, closed=start)
    async with db.transaction() as session:  # they came back later and wrote
        row = await session.get(Youngster, youngster_id)
        assert row is not None
        row.last_seen = start + timedelta(days=300)
        await add_note(session, case_id=case_id, staff_id=None, text="a", now=start)
        await add_goal(session, case_id=case_id, staff_id=None, text="b", now=start)
    clock.advance(days=366)
    assert await purge(db, LIMITS, clock) == only(case_messages=1, case_notes=1, case_goals=1)
    assert (await count(db, CaseNote), await count(db, CaseGoal)) == (0, 0)
