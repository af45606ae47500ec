"""Re-encrypting the database under the current data key (`klik rotate-key`), in small
transactions while the service runs.

Each batch re-seals rows still sealed (or hashed) with an older key and recomputes their
lookup hashes. A chat's rows in a queue (outbox, inbox) move to the new hash together, in
one statement, so a chat's messages keep their order. Interrupted, a rerun goes on where
it stopped: a row is picked up by what it holds, never by a note of progress.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, Text, func, or_, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (every table in the metadata)
from storage.db import Database
from storage.sealing import KEY_ID_CHARS, KeyRing, Sealed

BATCH = 200  # rows per transaction: short enough that the service hardly waits


# Every sealed column is found by its type, so a new one is rotated without being listed
# here (its migration still seals the rows that exist when it is added).
def sealed_columns(table: Table) -> tuple[str, ...]:
    """The names of a table's sealed columns."""
    return tuple(column.name for column in table.columns if isinstance(column.type, Sealed))


@dataclass(frozen=True)
class Batch:
    """What one transaction re-encrypted, and whether its table may hold more."""

    table: str
    rows: int


def tables() -> list[Table]:
    """The tables with sealed columns."""
    return [table for table in SQLModel.metadata.sorted_tables if sealed_columns(table)]


def _raw(column: Column[Any]) -> ColumnElement[str]:
    # The stored text as it is, without opening it: what the key id is read from.
    return type_coerce(column, Text)


def _behind(table: Table, ring: KeyRing) -> ColumnElement[bool]:
    """Rows holding a value sealed or hashed with another key than the current one."""
    prefix = ring.current.id
    stale = [
        func.substr(_raw(table.c[name]), 1, KEY_ID_CHARS + 1) != prefix + ":"
        for name in sealed_columns(table)
    ]
    if "address_key" in table.c:
        stale.append(func.substr(table.c.address_key, 1, KEY_ID_CHARS) != prefix)
    return or_(*stale)


async def rotate_batch(session: AsyncSession, table: Table, ring: KeyRing) -> int:
    """Re-encrypt up to BATCH rows of a table under the current key; how many it did."""
    key = next(iter(table.primary_key.columns))
    names = sealed_columns(table)
    query = (
        select(key, *(_raw(table.c[name]).label(name) for name in names))
        .where(_behind(table, ring))
        .order_by(key)
        .limit(BATCH)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = (await session.execute(query)).all()
    for row in rows:
        plain = {name: None if v is None else ring.open(v) for name, v in _values(row, names)}
        values: dict[str, object] = {
            name: type_coerce(ring.seal(value), Text) if value is not None else None
            for name, value in plain.items()
        }
        address = plain.get("address")
        if address is not None:
            new = ring.lookup(address)
            values["address_key"] = new
            # The chat's other rows move with it, so a queue's order per chat holds.
            await session.execute(
                update(table)
                .where(table.c.address_key.in_(ring.lookups(address)), table.c.address_key != new)
                .values(address_key=new)
            )
        await session.execute(update(table).where(key == row[0]).values(values))
    return len(rows)


def _values(row: object, names: Iterable[str]) -> list[tuple[str, str | None]]:
    return [(name, getattr(row, name)) for name in names]


async def count_behind(session: AsyncSession, table: Table, ring: KeyRing) -> int:
    """How many rows of a table still hold a value of an older key."""
    query = select(func.count()).select_from(table).where(_behind(table, ring))
    return int((await session.execute(query)).scalar_one())


async def rotate_all(db: Database, ring: KeyRing) -> dict[str, int]:
    """Re-encrypt every sealed row under the ring's current key, one short transaction per
    batch; how many rows of each table it re-encrypted. Run it again until it finds none:
    a service still running with an older current key may have written more meanwhile."""
    done: dict[str, int] = {}
    for table in tables():
        done[table.name] = 0
        while True:
            async with db.transaction() as session:
                rows = await rotate_batch(session, table, ring)
            done[table.name] += rows
            if rows == 0:
                break
    return done


async def left_behind(db: Database, ring: KeyRing) -> int:
    """How many rows still hold a value of an older key (rows the service held locked while
    the rotation passed them, or wrote with an older current key meanwhile)."""
    async with db.transaction() as session:
        return sum([await count_behind(session, table, ring) for table in tables()])
