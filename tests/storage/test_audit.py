"""The audit log's storage on SQLite and PostgreSQL: the verb erasure and export call, its
refusals, and reading the newest entries with filters."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows.audit import CLI, SYSTEM, YOUNGSTER, NotAuditable, staff_actor
from storage.audit import AuditLine, latest, record_audit
from storage.db import Database
from tests.conftest import Clock


async def test_an_erasure_and_an_export_are_recorded_as_the_youngster_s(
    db: Database, clock: Clock
) -> None:
    async with db.transaction() as session:
        await record_audit(session, at=clock(), actor=YOUNGSTER, action="export", case_id=12)
        await record_audit(session, at=clock(), actor=YOUNGSTER, action="erase", case_id=12)
    async with db.transaction() as session:
        lines = await latest(session, limit=10)
    assert lines == [
        AuditLine(clock(), "youngster", None, "erase", 12, None, None),
        AuditLine(clock(), "youngster", None, "export", 12, None, None),
    ]


async def test_an_entry_with_words_in_it_is_refused_and_nothing_is_written(
    db: Database, clock: Clock
) -> None:
    with pytest.raises(NotAuditable):
        async with db.transaction() as session:
            await record_audit(
                session, at=clock(), actor=SYSTEM, action="erase", detail="Sam-4821 wou weg"
            )
    async with db.transaction() as session:
        assert await latest(session, limit=10) == []


async def test_an_entry_belongs_to_the_transaction_of_its_deed(db: Database, clock: Clock) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await record_audit(session, at=clock(), actor=CLI, action="staff_add", staff_id=3)
            raise RuntimeError("the deed failed")
    async with db.transaction() as session:
        assert await latest(session, limit=10) == []


async def test_reading_filters_by_case_by_staff_on_either_side_and_by_time(
    db: Database, clock: Clock
) -> None:
    lotte = staff_actor("coach", 3)
    async with db.transaction() as session:
        await record_audit(session, at=clock(), actor=lotte, action="claim", case_id=1)
        await record_audit(session, at=clock(), actor=CLI, action="staff_away", staff_id=3)
        clock.advance(days=1)
        await record_audit(session, at=clock(), actor=SYSTEM, action="shown", case_id=2, staff_id=4)
    async with db.transaction() as session:
        about_3 = await latest(session, limit=10, staff_id=3)
        case_2 = await latest(session, limit=10, case_id=2)
        recent = await latest(session, limit=10, since=clock() - timedelta(hours=1))
        newest = await latest(session, limit=1)
    assert [line.action for line in about_3] == ["staff_away", "claim"]
    assert [line.action for line in case_2] == ["shown"]
    assert [line.action for line in recent] == ["shown"]
    assert [line.action for line in newest] == ["shown"]
