"""Writes kept for the commit (storage/deferred.py), on SQLite and PostgreSQL: whoever reads
sees them, in the order written, and a transaction that fails keeps none of them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlmodel import col

from flows.messages import Outbound
from flows.state import Stat
from storage.db import Database
from storage.models import OutboxMessage, StatEvent
from storage.outbox import enqueue_messages, message_of
from storage.stats import record_stats
from tests.support.statements import counting

NOW = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


async def say(session: object, address: str, *keys: str) -> None:
    await enqueue_messages(
        session,  # type: ignore[arg-type]
        channel="telegram",
        address=address,
        youngster_id=None,
        language="nl",
        messages=[Outbound(key) for key in keys],
        now=NOW,
    )


async def test_replies_written_in_two_steps_of_one_transaction_keep_their_order(
    db: Database,
) -> None:
    async with db.transaction() as session:
        await say(session, "chat-1", "error.set_aside")
        await record_stats(session, journey="j1", at=NOW, stats=[Stat("started")])
        await say(session, "chat-1", "error.later")
    async with db.transaction() as session:
        rows = (
            await session.execute(select(OutboxMessage).order_by(col(OutboxMessage.id)))
        ).scalars()
        assert [message_of(row).key for row in rows] == ["error.set_aside", "error.later"]


async def test_a_read_in_the_same_transaction_sees_the_replies_kept_for_the_commit(
    db: Database,
) -> None:
    async with db.transaction() as session:
        await say(session, "chat-1", "error.set_aside")
        seen = (await session.execute(select(OutboxMessage))).scalars().all()
        assert len(seen) == 1


async def test_a_transaction_that_fails_leaves_none_of_its_kept_writes(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await say(session, "chat-1", "error.set_aside")
            await record_stats(session, journey="j1", at=NOW, stats=[Stat("started")])
            raise RuntimeError("the update failed")
    async with db.transaction() as session:
        assert (await session.execute(select(OutboxMessage))).first() is None
        assert (await session.execute(select(StatEvent))).first() is None


async def test_statistics_and_replies_of_one_transaction_cost_one_statement_on_postgresql(
    db: Database,
) -> None:
    with counting(db.engine) as sent:
        async with db.transaction() as session:
            await record_stats(session, journey="j1", at=NOW, stats=[Stat("started")])
            await say(session, "chat-1", "error.set_aside", "error.later")
    writes = [s for s in sent.sent if s not in ("COMMIT", "BEGIN IMMEDIATE")]
    assert len(writes) == (2 if db.is_sqlite else 1), "\n".join(writes)
