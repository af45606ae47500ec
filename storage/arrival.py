"""An update arriving: marked handled in the inbox, and whose chat it came from (an active
staff member's or not), asked together.

Every update asks both first, so on PostgreSQL they go in one statement (the inbox insert as a
data-modifying WITH query beside the staff lookup): one round trip fewer on every update.
SQLite has no data-modifying WITH, and no round trips to save, so it sends the two statements
of storage/outbox.py and storage/staff.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inbox import HANDLED
from storage.models import InboxEvent, Staff, table_of
from storage.outbox import first_time_seen
from storage.sealing import lookups
from storage.staff import STAFF_AT, find_staff


@dataclass(frozen=True)
class Arrival:
    """What the handling of an update starts from."""

    fresh: bool  # False: the update was handled before (a redelivery)
    staff: Staff | None  # the active staff member whose chat it came from


# Built once: building a statement costs more CPU than running a cached one, on every update.
_inbox = table_of(InboxEvent)
_MARKED = (
    pg_insert(_inbox)
    # Every column named: the lookup's parameters (`channel`) must not become column values,
    # and a Python-side default (the address key) is not filled in inside a WITH query.
    .values(
        event_id=bindparam("event_id"),
        received_at=bindparam("received_at"),
        **{name: value for name, value in HANDLED.items()},
    )
    .on_conflict_do_update(index_elements=["event_id"], set_=HANDLED, where=_inbox.c.pending)
    .returning(literal_column("1"))
    .cte("marked")
)
_ARRIVAL = select(
    select(func.count()).select_from(_MARKED).scalar_subquery().label("fresh"),
    STAFF_AT.scalar_subquery().label("staff_id"),
)


async def arrive(
    session: AsyncSession, *, event_id: str | None, channel: str, address: str, now: datetime
) -> Arrival:
    """Mark the update handled (an `event_id` of None is not kept: always fresh) and find the
    staff member behind the chat. A redelivered update's staff member is not loaded."""
    if event_id is None or session.get_bind().dialect.name != "postgresql":
        if event_id is not None and not await first_time_seen(session, event_id=event_id, now=now):
            return Arrival(fresh=False, staff=None)
        return Arrival(True, await find_staff(session, channel=channel, address=address))
    params = {
        "event_id": event_id,
        "received_at": now,
        "channel": channel,
        "keys": lookups(address),
    }
    fresh, staff_id = (await session.execute(_ARRIVAL, params)).one()
    if not fresh:
        return Arrival(fresh=False, staff=None)
    return Arrival(True, await session.get(Staff, staff_id) if staff_id is not None else None)
