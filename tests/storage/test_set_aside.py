"""Updates set aside, on SQLite and PostgreSQL: kept by id and kind, once."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import Database
from storage.models import SetAsideUpdate
from storage.set_aside import set_aside
from tests.conftest import Clock


async def test_an_update_set_aside_is_kept_by_id_kind_and_error_type(
    db: Database, clock: Clock
) -> None:
    async with db.transaction() as session:
        first = await set_aside(
            session, event_id="tg:4", kind="message", reason="DataError", now=clock()
        )

    async with db.transaction() as session:
        (row,) = (await session.execute(select(SetAsideUpdate))).scalars()
    assert first is True
    assert (row.event_id, row.kind, row.reason) == ("tg:4", "message", "DataError")


async def test_an_update_set_aside_again_after_a_redelivery_is_kept_once(
    db: Database, clock: Clock
) -> None:
    async with db.transaction() as session:
        await set_aside(session, event_id="tg:4", kind="message", reason="DataError", now=clock())
    clock.advance(minutes=1)

    async with db.transaction() as session:
        again = await set_aside(
            session, event_id="tg:4", kind="message", reason="DataError", now=clock()
        )
        rows = list((await session.execute(select(SetAsideUpdate))).scalars())
    assert again is False
    assert len(rows) == 1
