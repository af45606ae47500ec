"""The outbox (replies saved with the state that produced them) and the inbox (updates
already handled). Together they make a crash lose no reply and handle no update twice."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Row,
    Table,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from flows.messages import Outbound, outbound_from_json, outbound_to_json
from storage.deferred import insert_rows
from storage.models import InboxEvent, OutboxMessage, SentMessage, table_of, utc
from storage.sealing import Sealed, lookup, lookups, ring

# Built once, and inline: no id is read back (a single row would otherwise ask for it).
_OUTBOX = table_of(OutboxMessage)
_ENQUEUE = insert(_OUTBOX).inline()


async def enqueue_messages(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    youngster_id: str | None,
    language: str,
    messages: Sequence[Outbound],
    now: datetime,
) -> None:
    """Save replies in the caller's transaction; a sender delivers them after the commit.
    One Core insert for them all: no ORM objects and no ids read back."""
    await enqueue_letters(
        session, [Letter(channel, address, youngster_id, language, tuple(messages))], now=now
    )


@dataclass(frozen=True)
class Letter:
    """Messages for one chat, in the order they are to arrive."""

    channel: str
    address: str
    youngster_id: str | None
    language: str
    messages: tuple[Outbound, ...]


async def enqueue_letters(
    session: AsyncSession, letters: Sequence[Letter], *, now: datetime
) -> None:
    """Save the messages for several chats (an offer to three coaches) in one statement;
    each chat's messages keep their order, as if each were enqueued by itself."""
    rows = [
        {
            "youngster_id": letter.youngster_id,
            "channel": letter.channel,
            "address": letter.address,
            "address_key": await queue_key(
                session, table_of(OutboxMessage), letter.channel, letter.address
            ),
            "language": letter.language,
            "payload": json.dumps(outbound_to_json(message), ensure_ascii=False),
            "priority": message.priority,
            "turn": turn,
            "created_at": now,
            "not_before": now,
            "attempts": 0,
            "parts_sent": 0,
        }
        for letter in letters
        for turn, message in enumerate(letter.messages)
    ]
    # Sent with the transaction's other kept writes (storage/deferred.py), rows in this order.
    await insert_rows(session, _OUTBOX, rows, _ENQUEUE)
    if rows:
        session.info.setdefault(_ENQUEUED, set()).update(letter.channel for letter in letters)


_ENQUEUED = "outbox_channels"  # where a session notes the channels it gave messages to


def enqueued_channels(session: AsyncSession) -> frozenset[str]:
    """The channels a session gave messages to: only their senders have anything new after
    its commit (a row becomes claimable when enqueued; deletes take all of an address's)."""
    return frozenset(session.info.get(_ENQUEUED, ()))


async def queue_key(session: AsyncSession, table: Table, channel: str, address: str) -> str:
    """The lookup hash a new queue row of this chat gets: the current key's, except while a
    rotation is under way and the chat still has rows hashed with an older key: then theirs,
    so the chat's rows stay one queue, in order, until the rotation moves them together."""
    ring_ = ring()
    if not ring_.rotating:
        return ring_.lookup(address)
    keys = ring_.lookups(address)
    query = (
        select(table.c.address_key)
        .where(table.c.channel == channel, table.c.address_key.in_(keys))
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none() or keys[0]


async def claim_due(
    session: AsyncSession,
    *,
    channel: str,
    now: datetime,
    lease: timedelta,
    limit: int = 50,
    busy: Sequence[str] = (),
) -> list[Row[Any]]:
    """Claim, for a while, the next message of every address whose turn it is, most urgent
    first, and among those everyone's first reply before anyone's second; other workers skip
    the claimed ones. `busy` addresses (that got a message a moment ago) are left for later.

    Only an address's oldest unsent message can be claimed, and only when it is due and not
    claimed already: a youngster never gets replies out of order, one message per address
    is on its way at a time, and one address's backlog (a rate limit, a long queue) never
    holds up another's. The rows are read in the order of `ix_outbox_turn`, so the query
    stops after `limit` claimable rows instead of sorting the whole outbox. Plain rows, not
    ORM objects: building those cost more CPU than the query.
    """
    older = aliased(OutboxMessage)
    waiting_behind = (
        exists()
        .where(
            col(older.channel) == col(OutboxMessage.channel),
            col(older.address_key) == col(OutboxMessage.address_key),
            col(older.id) < col(OutboxMessage.id),
        )
        .correlate(OutboxMessage)
    )
    query = (
        # Each row as the claim leaves it: claimed_until is this claim's lease, so the sender
        # can renew or give back only what it still holds.
        select(
            *(c for c in table_of(OutboxMessage).c if c.name != "claimed_until"),
            literal(now + lease, DateTime(timezone=True)).label("claimed_until"),
        )
        .where(
            col(OutboxMessage.channel) == channel,
            col(OutboxMessage.not_before) <= now,
            or_(
                col(OutboxMessage.claimed_until).is_(None),
                col(OutboxMessage.claimed_until) < now,
            ),
            ~waiting_behind,
        )
        .order_by(col(OutboxMessage.priority), col(OutboxMessage.turn), col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if busy:
        keys = [key for address in busy for key in lookups(address)]
        query = query.where(col(OutboxMessage.address_key).not_in(keys))
    # One row type for any number of columns: the query selects every column of the table.
    claimed = cast("list[Row[Any]]", list((await session.execute(query)).all()))
    if claimed:
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_([row.id for row in claimed]))
            .values(claimed_until=now + lease)
        )
    return claimed


async def outbox_depth(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many messages wait to be sent, and when the oldest of them was saved (None: the
    outbox is empty). For the metrics: the outbox deletes what it sent, so it stays small;
    the oldest is the lowest id (ids only grow), found on the primary key."""
    count = (await session.execute(select(func.count()).select_from(OutboxMessage))).scalar_one()
    oldest = (
        await session.execute(
            select(col(OutboxMessage.created_at)).order_by(col(OutboxMessage.id)).limit(1)
        )
    ).scalar_one_or_none()
    return int(count), utc(oldest) if oldest is not None else None


async def release(session: AsyncSession, *, message_ids: Sequence[int]) -> None:
    """Give claimed messages back unsent (the sender stops), so they need not wait out the
    lease after a restart."""
    if message_ids:
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(message_ids))
            .values(claimed_until=None)
        )


def message_of(row: OutboxMessage | Row[Any]) -> Outbound:
    """The outbound message an outbox row holds."""
    return outbound_from_json(json.loads(row.payload))


async def mark_sent(session: AsyncSession, *, message_id: int) -> None:
    """Delete a delivered message: the outbox keeps nothing that was sent."""
    await session.execute(delete(OutboxMessage).where(col(OutboxMessage.id) == message_id))


@dataclass(frozen=True)
class Delivered:
    """An outbox message the channel confirmed: where it landed and the tag to keep it by."""

    message_id: int
    address: str
    delivered_as: str
    tag: str


async def mark_delivered(
    session: AsyncSession, *, channel: str, delivered: Delivered, now: datetime
) -> None:
    """Delete a delivered message and, when it has a tag, remember where it landed. On
    PostgreSQL that is one statement, so in autocommit (`Database.at_once`) it is durable
    after a single round trip: the moment in which a crash sends it twice stays short."""
    if not delivered.tag or session.get_bind().dialect.name != "postgresql":
        await mark_delivered_many(session, channel=channel, delivered=[delivered], now=now)
        return
    gone = (
        delete(OutboxMessage)
        .where(col(OutboxMessage.id) == delivered.message_id)
        .returning(col(OutboxMessage.id))
        .cte("gone")
    )
    landed = select(
        literal(channel),
        literal(delivered.address, Sealed()),
        literal(lookup(delivered.address)),
        literal(delivered.delivered_as),
        literal(delivered.tag),
        literal(now),
    ).select_from(gone)
    await session.execute(
        insert(SentMessage).from_select(
            ["channel", "address", "address_key", "message_id", "tag", "created_at"], landed
        )
    )


async def mark_delivered_many(
    session: AsyncSession, *, channel: str, delivered: Sequence[Delivered], now: datetime
) -> None:
    """Delete delivered messages and remember where the tagged ones landed: two statements
    for any number of them."""
    ids = [d.message_id for d in delivered]
    deleted = delete(OutboxMessage).where(col(OutboxMessage.id).in_(ids))
    # Only for rows still there: one deleted meanwhile (its youngster erased everything while
    # it was on its way) leaves no message id of their chat behind.
    gone = set((await session.execute(deleted.returning(col(OutboxMessage.id)))).scalars())
    tagged = [
        {
            "channel": channel,
            "address": d.address,
            "message_id": d.delivered_as,
            "tag": d.tag,
            "created_at": now,
        }
        for d in delivered
        if d.tag and d.message_id in gone
    ]
    if tagged:
        await session.execute(insert(SentMessage), tagged)


def _held(message_id: int, held: datetime | None) -> ColumnElement[bool]:
    """The row, while it is still claimed by whoever claimed it until `held`: a sender whose
    lease ran out (stalled, then another sender claimed the row) changes nothing any more."""
    row = col(OutboxMessage.id) == message_id
    return row if held is None else and_(row, col(OutboxMessage.claimed_until) == held)


async def mark_part_sent(
    session: AsyncSession,
    *,
    message_id: int,
    parts_sent: int,
    claimed_until: datetime,
    held: datetime | None = None,
) -> bool:
    """Note that the first `parts_sent` parts of a long message arrived, so a retry or a
    restart goes on from the next part; the claim is renewed for the next one. False when the
    row is no longer this sender's: deleted (its youngster erased everything) or claimed by
    another sender after the lease ran out."""
    result = await session.execute(
        update(OutboxMessage)
        .where(_held(message_id, held))
        .values(parts_sent=parts_sent, claimed_until=claimed_until)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def retry_later(
    session: AsyncSession, *, message_id: int, not_before: datetime, held: datetime | None = None
) -> None:
    """Give a refused message back, to be tried again from `not_before`."""
    await session.execute(
        update(OutboxMessage)
        .where(_held(message_id, held))
        .values(
            not_before=not_before,
            claimed_until=None,
            attempts=col(OutboxMessage.attempts) + 1,
        )
    )


# Built once: building a statement costs more CPU than running a cached one, on every update.
# An update stored as pending (webhook mode) becomes handled, its chat and text forgotten.
_HANDLED = {
    "pending": False,
    "channel": None,
    "address": None,
    "address_key": None,
    "payload": None,
    "claimed_until": None,
}
_FIRST_SEEN_POSTGRES = pg_insert(table_of(InboxEvent)).on_conflict_do_update(
    index_elements=["event_id"], set_=_HANDLED, where=table_of(InboxEvent).c.pending.is_(True)
)
_FIRST_SEEN_SQLITE = sqlite_insert(table_of(InboxEvent)).on_conflict_do_update(
    index_elements=["event_id"], set_=_HANDLED, where=table_of(InboxEvent).c.pending.is_(True)
)


async def first_time_seen(session: AsyncSession, *, event_id: str, now: datetime) -> bool:
    """Record a channel update as handled; False when it was handled before.

    One INSERT ... ON CONFLICT (both SQLite and PostgreSQL have it): a lookup first would
    cost a round trip on every update. An update stored as pending (webhook mode,
    storage/inbox.py) becomes handled, its chat and text forgotten, in the same statement;
    of two transactions handling one update, the second waits for the first's row and then
    finds it handled.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = _FIRST_SEEN_POSTGRES if postgres else _FIRST_SEEN_SQLITE
    result = await session.execute(statement, {"event_id": event_id, "received_at": now})
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def remember_sent(
    session: AsyncSession, *, channel: str, address: str, message_id: str, tag: str, now: datetime
) -> None:
    """Keep where a tagged message landed, to edit it or route replies to it later."""
    session.add(
        SentMessage(
            channel=channel, address=address, message_id=message_id, tag=tag, created_at=now
        )
    )


async def find_sent(session: AsyncSession, *, channel: str, address: str, tag: str) -> str | None:
    """The newest message id delivered to an address under a tag."""
    query = (
        select(col(SentMessage.message_id))
        .where(
            col(SentMessage.channel) == channel,
            col(SentMessage.address_key).in_(lookups(address)),
            col(SentMessage.tag) == tag,
        )
        .order_by(col(SentMessage.id).desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def tag_of(
    session: AsyncSession, *, channel: str, address: str, message_id: str
) -> str | None:
    """The tag a delivered message was sent under, e.g. to see which case a reply belongs to."""
    query = select(col(SentMessage.tag)).where(
        col(SentMessage.channel) == channel,
        col(SentMessage.address_key).in_(lookups(address)),
        col(SentMessage.message_id) == message_id,
    )
    return (await session.execute(query.limit(1))).scalar_one_or_none()
