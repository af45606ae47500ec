"""Rows read as one JSON value (storage/json_rows.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from storage.db import Database
from storage.json_rows import json_rows, read_rows
from storage.models import StatEvent, table_of
from tests.conftest import Clock


async def test_the_rows_of_a_query_come_back_as_written(db: Database, clock: Clock) -> None:
    rows = [("j1", "answered", "q.home", "3"), ("j1", "answered", "q.health", None)]
    async with db.transaction() as session:
        await session.execute(
            table_of(StatEvent).insert(),
            [
                {"journey": j, "hour": clock(), "kind": k, "step": s, "value": v}
                for j, k, s, v in rows
            ],
        )
        query = select(
            json_rows(col(StatEvent.kind), col(StatEvent.step), col(StatEvent.value))
        ).where(col(StatEvent.journey) == "j1")
        value = (await session.execute(query)).scalar_one()
    assert sorted(map(tuple, read_rows(value)), key=str) == sorted(
        [(k, s, v) for _, k, s, v in rows], key=str
    )


async def test_no_rows_come_back_as_an_empty_list(db: Database) -> None:
    async with db.transaction() as session:
        query = select(json_rows(col(StatEvent.kind))).where(col(StatEvent.journey) == "none")
        value = (await session.execute(query)).scalar_one()
    assert read_rows(value) == []
