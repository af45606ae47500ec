"""Writes kept for the end of a transaction: on PostgreSQL, sent together as one statement.

An update ends in several writes nobody reads back in its transaction: the youngster's row,
their answers, the statistics events, the audit entries and the replies in the outbox. Each
statement sent on its own costs a round trip and about 150 µs of CPU through SQLAlchemy, so
the storage verbs hand these writes to the transaction's `Deferred` instead, and it sends them
when the transaction commits, as one statement (PostgreSQL's data-modifying WITH queries:
`WITH w0 AS (UPDATE ...), w1 AS (INSERT ...) INSERT ...`). On SQLite, which has no such
queries and no round trips to save, a transaction keeps nothing: each write goes at once.

Nothing changes for whoever reads: any other statement of the session, and any ORM flush,
first sends what is kept (`install`), so every statement sees the writes made before it, in
the order they were made. A session not opened by `Database.transaction` keeps nothing.
Within one statement PostgreSQL runs the parts in no set order, so a part never touches a
table another part of the same statement changes by UPDATE (such writes start a next
statement), and the rows for one table go in one INSERT, in the order they were written (the
outbox's ids keep each chat's replies in order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam, event, insert, literal_column, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session
from sqlmodel import SQLModel

KEY = "deferred"
# PostgreSQL takes at most 32,767 parameters in one statement; a batch with more goes in parts.
MOST_PARAMETERS = 30_000


@dataclass(frozen=True)
class _Insert:
    table: str
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class _Update:
    table: str
    keys: dict[str, Any]  # WHERE column = value, for each
    values: dict[str, Any]  # SET column = value


@dataclass
class Deferred:
    """The writes a transaction keeps for its end, in the order they were made."""

    kept: list[_Insert | _Update] = field(default_factory=list)

    def insert(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.kept.append(_Insert(table.name, [dict(row) for row in rows]))

    def update(self, table: Table, keys: dict[str, Any], values: dict[str, Any]) -> None:
        if values:
            self.kept.append(_Update(table.name, dict(keys), dict(values)))

    def send(self, session: Session) -> None:
        """Send what is kept on the session's connection (in SQLAlchemy's sync context: an
        event handler, or `run_sync`), then keep nothing."""
        if not self.kept:
            return
        kept, self.kept = self.kept, []
        connection = session.connection()
        for batch in _statements(kept):
            shape, params = _shape(batch)
            connection.execute(_together(shape), params)


def kept_by(session: Any) -> Deferred | None:
    """The transaction's Deferred (AsyncSession or Session), or None: write at once."""
    info: dict[str, Any] = session.info
    found: Deferred | None = info.get(KEY)
    return found


async def insert_rows(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], statement: Any
) -> None:
    """Insert rows (all with the same columns): kept for the commit in a transaction that
    keeps its writes, else at once with `statement` (the table's prepared insert)."""
    kept = kept_by(session)
    if not rows:
        return
    if kept is None:
        await session.execute(statement, list(rows))
    else:
        kept.insert(table, rows)


async def update_row(
    session: AsyncSession, table: Table, keys: dict[str, Any], values: dict[str, Any]
) -> None:
    """UPDATE table SET values WHERE keys: kept for the commit, or at once."""
    kept = kept_by(session)
    if kept is None:
        statement = _update_alone(table.name, tuple(keys), tuple(values))
        params = {f"k_{k}": v for k, v in keys.items()} | {f"v_{k}": v for k, v in values.items()}
        await session.execute(statement, params)
    else:
        kept.update(table, keys, values)


def install(session_class: type[Session]) -> None:
    """Send the kept writes before any other statement or ORM flush of such a session."""

    def before_statement(state: ORMExecuteState) -> None:
        deferred = kept_by(state.session)
        if deferred is not None:
            deferred.send(state.session)

    def before_flush(session: Session, _context: Any, _instances: Any) -> None:
        deferred = kept_by(session)
        if deferred is not None:
            deferred.send(session)

    event.listen(session_class, "do_orm_execute", before_statement)
    event.listen(session_class, "before_flush", before_flush)


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


@lru_cache(maxsize=64)
def _update_alone(name: str, keys: tuple[str, ...], values: tuple[str, ...]) -> Any:
    table = _table(name)
    return (
        update(table)
        .where(*(table.c[column] == bindparam(f"k_{column}") for column in keys))
        .values({column: bindparam(f"v_{column}") for column in values})
    )


def _statements(kept: list[_Insert | _Update]) -> list[list[_Insert | _Update]]:
    """The kept writes cut into statements: a write goes into the current one unless that
    one already changes its table by UPDATE, or it is an UPDATE of a table the current one
    writes (the parts of one statement must not meet), or the parameters would be too many."""
    batches: list[list[_Insert | _Update]] = [[]]
    written: set[str] = set()
    updated: set[str] = set()
    parameters = 0
    for write in kept:
        size = (
            sum(len(row) for row in write.rows)
            if isinstance(write, _Insert)
            else len(write.keys) + len(write.values)
        )
        meets = write.table in updated or (isinstance(write, _Update) and write.table in written)
        if batches[-1] and (meets or parameters + size > MOST_PARAMETERS):
            batches.append([])
            written, updated, parameters = set(), set(), 0
        batches[-1].append(write)
        written.add(write.table)
        if isinstance(write, _Update):
            updated.add(write.table)
        parameters += size
    return batches


# A statement's shape: its parts, each ("insert", table, columns, rows) or ("update", table,
# key columns, set columns); the parameters are named after the part, the row and the column.
Part = tuple[str, str, tuple[str, ...], Any]


def _shape(batch: list[_Insert | _Update]) -> tuple[tuple[Part, ...], dict[str, Any]]:
    """The batch's shape and parameters; one table's inserts (with the same columns) become
    one INSERT, its rows in the order written."""
    parts: list[Part] = []
    rows_of: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
    params: dict[str, Any] = {}
    order: list[tuple[str, tuple[str, ...]] | _Update] = []
    for write in batch:
        if isinstance(write, _Update):
            order.append(write)
            continue
        for row in write.rows:
            key = (write.table, tuple(sorted(row)))  # one INSERT per table, whatever the order
            if key not in rows_of:
                rows_of[key] = []
                order.append(key)
            rows_of[key].append(row)
    for n, item in enumerate(order):
        if isinstance(item, _Update):
            parts.append(("update", item.table, tuple(item.keys), tuple(item.values)))
            params.update({f"w{n}k_{k}": v for k, v in item.keys.items()})
            params.update({f"w{n}v_{k}": v for k, v in item.values.items()})
            continue
        table, columns = item
        rows = rows_of[item]
        parts.append(("insert", table, columns, len(rows)))
        for r, row in enumerate(rows):
            params.update({f"w{n}r{r}_{k}": v for k, v in row.items()})
    return tuple(parts), params


def _insert_rows(table: Table, n: int, columns: tuple[str, ...], rows: int) -> Any:
    """One INSERT of so many rows. Not `values([...])`: SQLAlchemy cannot cache a statement
    with several VALUES rows and would compile it again on every update. Several rows come as
    a SELECT of each row, ordered by its place, so the ids keep the order they were written."""

    def bound(r: int, k: str) -> Any:
        return bindparam(f"w{n}r{r}_{k}", type_=table.c[k].type)

    if rows == 1:
        return insert(table).values({k: bound(0, k) for k in columns}).inline()
    each = union_all(
        *(
            select(literal_column(str(r)).label("place"), *(bound(r, k).label(k) for k in columns))
            for r in range(rows)
        )
    ).subquery()
    ordered = select(*(each.c[k] for k in columns)).order_by(each.c.place)
    return insert(table).from_select(list(columns), ordered).inline()


@lru_cache(maxsize=256)
def _together(shape: tuple[Part, ...]) -> Any:
    """One statement for a shape, built once: every part but the last as a WITH query."""
    statements: list[Any] = []
    for n, (kind, name, first, second) in enumerate(shape):
        table = _table(name)
        if kind == "update":
            where = [table.c[k] == bindparam(f"w{n}k_{k}", type_=table.c[k].type) for k in first]
            values = {k: bindparam(f"w{n}v_{k}", type_=table.c[k].type) for k in second}
            statements.append(update(table).where(*where).values(values))
            continue
        statements.append(_insert_rows(table, n, first, second))
    last = statements[-1]
    if len(statements) > 1:
        last = last.add_cte(*(s.cte(f"w{n}") for n, s in enumerate(statements[:-1])))
    return last
