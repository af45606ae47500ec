"""The inbox as a queue per chat, for several workers behind a load balancer (webhook mode).

An update whose chat has nothing pending is handled at once: its handling transaction takes
the chat's turn (`taking_turn`, checked by `check_turn` where the update is marked handled),
so one commit both keeps and handles it before the channel gets its 200. Otherwise (another
worker drains the chat, an earlier update failed) the update is stored as pending and
committed, and handling goes one chat at a time, in update order: a worker claims the chat's
lowest pending update, and only when no update of that chat is claimed by anybody else, so
two workers never handle one chat's updates side by side, and a later update that is merely
pending never overtakes an earlier one. The handling transaction marks the update handled
(`storage.outbox.first_time_seen`), so each is handled once, whoever claimed it. A claim
runs out after a lease: the updates of a worker that died are picked up by the next update
of that chat or by a periodic sweep (`chats_waiting`).

The chat lock is `pg_advisory_xact_lock` on PostgreSQL; SQLite needs none, because every
transaction there begins with BEGIN IMMEDIATE and so runs alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import InboxEvent, table_of, utc
from storage.outbox import queue_key
from storage.sealing import lookup_binding, lookups, matches_lookup


@dataclass(frozen=True)
class Pending:
    """A claimed update: its id, its place in the channel's order and the raw update."""

    event_id: str
    seq: int
    payload: str


async def store_pending(
    session: AsyncSession,
    *,
    event_id: str,
    channel: str,
    address: str,
    seq: int,
    payload: str,
    now: datetime,
    claimed_until: datetime | None = None,
) -> bool:
    """Keep an update until it is handled; False when it was stored (or handled) before,
    which makes a redelivery harmless. `claimed_until`: nobody takes the chat's updates
    before then (a pause after a failed handling)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    address_key = await queue_key(session, table_of(InboxEvent), channel, address)
    statement = (
        insert(InboxEvent)
        .values(
            event_id=event_id,
            received_at=now,
            pending=True,
            channel=channel,
            address=address,
            address_key=address_key,
            seq=seq,
            payload=payload,
            claimed_until=claimed_until,
        )
        .on_conflict_do_nothing()
    )
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0) == 1


class ChatBusy(Exception):
    """The chat whose turn an update took has updates pending: it must wait behind them, so
    its handling transaction is rolled back and the update stored as pending instead."""


@dataclass(frozen=True)
class Turn:
    """An update handled at once, before it is stored: its chat must have nothing pending."""

    event_id: str
    channel: str
    address: str


# Set around the handling of an update that takes its chat's turn. The handling runs through
# the channel's library and the services before it reaches the transaction that marks the
# update handled, so the turn travels with the call, not through every signature on the way.
_turn: ContextVar[Turn | None] = ContextVar("inbox_turn", default=None)


@contextmanager
def taking_turn(turn: Turn) -> Iterator[None]:
    """While this holds, the transaction that marks `turn.event_id` handled first checks that
    its chat has nothing pending (`check_turn`), and raises ChatBusy if it has."""
    token = _turn.set(turn)
    try:
        yield
    finally:
        _turn.reset(token)


def turn_of(event_id: str | None) -> Turn | None:
    """The chat's turn the update with this id takes, if it takes one (`taking_turn`)."""
    turn = _turn.get()
    return turn if turn is not None and turn.event_id == event_id else None


# How many updates of a chat are pending; `channel` and `keys` bound as in the lookups.
WAITING = {
    several: select(func.count())
    .select_from(table_of(InboxEvent))
    .where(
        col(InboxEvent.pending),
        col(InboxEvent.channel) == bindparam("channel"),
        matches_lookup(table_of(InboxEvent).c.address_key, several=several),
    )
    for several in (False, True)
}


async def check_turn(session: AsyncSession, *, event_id: str | None) -> None:
    """Called first by the transaction that marks an update handled. When that update takes
    its chat's turn (`taking_turn`), lock the chat until the commit and raise ChatBusy if an
    update of the chat is pending: then it is stored and handled in its turn instead.

    The lock comes first, in a statement of its own: a worker that stores an update of this
    chat holds it too, so the count below sees that update once it is committed (PostgreSQL
    reads a statement's rows as of the statement's start). The lock is taken before the
    update is marked: a worker storing the same update again holds the lock and waits for
    no row of ours."""
    turn = turn_of(event_id)
    if turn is None:
        return
    await lock_chat(session, channel=turn.channel, address=turn.address)
    several, keys = lookup_binding(turn.address)
    waiting = await session.scalar(WAITING[several], {"channel": turn.channel, "keys": keys})
    if waiting:
        raise ChatBusy(turn.event_id)


# Built once: every update of every chat takes this lock, twice on the webhook route.
_LOCK_CHAT = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


async def lock_chat(session: AsyncSession, *, channel: str, address: str) -> None:
    """Hold the chat's lock until the transaction ends (PostgreSQL; SQLite runs alone)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    await session.execute(_LOCK_CHAT, {"key": f"inbox:{channel}:{address}"})


async def claim_next(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    now: datetime,
    lease: timedelta,
    done: str | None = None,
) -> Pending | None:
    """Claim the chat's lowest pending update, unless an update of the chat is claimed by
    somebody else (that worker goes on with the rest). `done` is the update this worker
    handled last: it stops being pending here, also when the handling stored nothing (an
    update nobody answers, one set aside)."""
    await lock_chat(session, channel=channel, address=address)
    query = (
        select(InboxEvent)
        .where(
            col(InboxEvent.pending),
            col(InboxEvent.channel) == channel,
            col(InboxEvent.address_key).in_(lookups(address)),
        )
        .order_by(col(InboxEvent.seq))
    )
    rows = list((await session.execute(query)).scalars())
    if done is not None and any(r.event_id == done for r in rows):
        # Usually the handling transaction marked it already (first_time_seen): then this
        # round trip is saved. Read under the chat's lock, so nobody marks it meanwhile.
        await mark_handled(session, event_id=done)
        rows = [r for r in rows if r.event_id != done]
    if not rows or any(r.claimed_until is not None and utc(r.claimed_until) > now for r in rows):
        return None
    first = rows[0]
    first.claimed_until = now + lease
    assert first.seq is not None and first.payload is not None
    return Pending(first.event_id, first.seq, first.payload)


# What a handled update keeps: its id only; its chat and its text go.
HANDLED: dict[str, object] = {
    "pending": False,
    "channel": None,
    "address": None,
    "address_key": None,
    "payload": None,
    "claimed_until": None,
}


async def mark_handled(session: AsyncSession, *, event_id: str) -> None:
    """An update is done: forget its chat and its text, keep its id against redelivery."""
    await session.execute(
        update(InboxEvent)
        .where(col(InboxEvent.event_id) == event_id, col(InboxEvent.pending))
        .values(HANDLED)
    )


async def release(
    session: AsyncSession, *, event_id: str, channel: str, address: str, until: datetime
) -> None:
    """Handling failed: leave the update pending, the chat claimed until `until` (a pause
    before the next try), so no later update of the chat goes first."""
    await lock_chat(session, channel=channel, address=address)
    await session.execute(
        update(InboxEvent)
        .where(col(InboxEvent.event_id) == event_id, col(InboxEvent.pending))
        .values(claimed_until=until)
    )


async def chats_waiting(
    session: AsyncSession, *, channel: str, now: datetime, older_than: timedelta, limit: int = 100
) -> list[str]:
    """Chats with an update pending longer than `older_than` whose claim (if any) ran out:
    left by a worker that died, or waiting after a failure."""
    query = (
        # One of the chat's sealed addresses: every row of a chat opens to the same chat id.
        select(func.min(col(InboxEvent.address)))
        .where(
            col(InboxEvent.pending),
            col(InboxEvent.channel) == channel,
            col(InboxEvent.received_at) < now - older_than,
            (col(InboxEvent.claimed_until).is_(None)) | (col(InboxEvent.claimed_until) < now),
        )
        .group_by(col(InboxEvent.address_key))
        .order_by(func.min(col(InboxEvent.seq)))
        .limit(limit)
    )
    return [str(a) for a in (await session.execute(query)).scalars()]
