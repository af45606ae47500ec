"""An update arriving: marked handled in the inbox, and whose chat it came from (an active
staff member's or not), asked together.

Every update asks both first, so on PostgreSQL they go in one statement (the inbox insert as a
data-modifying WITH query beside the staff lookup): one round trip fewer on every update.
On PostgreSQL the same statement locks the youngster's row (see `_arrival`). SQLite has no
data-modifying WITH, and no round trips to save, so it sends the two statements of
storage/outbox.py and storage/staff.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.inbox import HANDLED, WAITING, ChatBusy, check_turn, lock_chat, turn_of
from storage.models import Contact, InboxEvent, Staff, Youngster, table_of
from storage.outbox import first_time_seen
from storage.sealing import lookup_binding, matches_lookup
from storage.staff import STAFF_AT, find_staff


@dataclass(frozen=True)
class Arrival:
    """What the handling of an update starts from."""

    fresh: bool  # False: the update was handled before (a redelivery)
    staff: Staff | None  # the active staff member whose chat it came from


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
_youngsters, _contacts = table_of(Youngster), table_of(Contact)


def _arrival(*, marked: bool, several: bool, turn: bool) -> Any:
    """The arrival statement: with the inbox mark or without (an update without an id), for
    a chat with one lookup hash or several (storage/sealing.py matches_lookup), and with the
    count of the chat's pending updates when the update takes its chat's turn (`turn`: the
    chat's lock was taken by the statement before, so the count sees every update stored
    before it; storage/inbox.py check_turn).

    The youngster's row is locked here, in the first statement, so that what the handling
    reads next (their row, answers and case, in one statement: storage/intakes.py) is read
    after any other transaction on their row committed. Read in the statement that waited for
    the lock, the answers would come from before that commit (PostgreSQL reads a statement's
    rows as of its start; only the locked row itself is read again)."""
    locked = (
        select(_youngsters.c.id)
        .join(_contacts, _contacts.c.youngster_id == _youngsters.c.id)
        .where(
            _contacts.c.channel == bindparam("channel"),
            matches_lookup(_contacts.c.address_key, several=several),
        )
        .with_for_update(of=_youngsters)
        .cte("locked")
    )
    fresh = (
        select(func.count()).select_from(_MARKED).scalar_subquery()
        if marked
        else literal_column("1")
    )
    waiting = WAITING[several].scalar_subquery() if turn else literal_column("0")
    return select(
        fresh.label("fresh"),
        STAFF_AT[several].scalar_subquery().label("staff_id"),
        select(func.count()).select_from(locked).scalar_subquery().label("locked"),
        waiting.label("waiting"),
    )


# Built once: building a statement costs more CPU than running a cached one, on every update.
_ARRIVALS = {
    (marked, several, turn): _arrival(marked=marked, several=several, turn=turn)
    for marked in (False, True)
    for several in (False, True)
    for turn in (False, True)
    if marked or not turn  # an update without an id takes no turn
}


async def arrive(
    session: AsyncSession, *, event_id: str | None, channel: str, address: str, now: datetime
) -> Arrival:
    """Mark the update handled (an `event_id` of None is not kept: always fresh), find the
    staff member behind the chat and, on PostgreSQL, lock the youngster's row behind it until
    the transaction ends (SQLite runs one transaction at a time). A redelivered update's
    staff member is not loaded. An update that takes its chat's turn (webhook mode) raises
    ChatBusy when its chat has updates pending (storage/inbox.py)."""
    if session.get_bind().dialect.name != "postgresql":
        await check_turn(session, event_id=event_id)
        if event_id is not None and not await first_time_seen(session, event_id=event_id, now=now):
            return Arrival(fresh=False, staff=None)
        return Arrival(True, await find_staff(session, channel=channel, address=address))
    turn = turn_of(event_id)  # taken for this update's chat: the channel's own address
    if turn is not None:
        # The chat's lock first, in a statement of its own: the count in the arrival
        # statement then sees every update of the chat stored before it.
        await lock_chat(session, channel=channel, address=address)
    several, keys = lookup_binding(address)
    params = {"event_id": event_id, "received_at": now, "channel": channel, "keys": keys}
    statement = _ARRIVALS[event_id is not None, several, turn is not None]
    fresh, staff_id, _locked, waiting = (await session.execute(statement, params)).one()
    if waiting:
        raise ChatBusy(event_id)
    if not fresh:
        return Arrival(fresh=False, staff=None)
    return Arrival(True, await session.get(Staff, staff_id) if staff_id is not None else None)
