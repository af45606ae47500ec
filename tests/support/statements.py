"""Count the SQL statements a piece of work sends, with a SQLAlchemy event listener: how many
round trips an update costs is behaviour a test can pin down (its time is not)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class Statements:
    """The statements sent through an engine while counting, in order (SQL text only)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __len__(self) -> int:
        return len(self.sent)

    def reset(self) -> None:
        self.sent.clear()


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[Statements]:
    """Count every statement the engine sends (executemany counts once: one round trip)."""
    seen = Statements()

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.sent.append(statement)

    def commit(_conn: Any) -> None:
        seen.sent.append("COMMIT")

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    event.listen(engine.sync_engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)
        event.remove(engine.sync_engine, "commit", commit)
