"""A claimed outbox row on its way, as the sender holds it, and how long a row waits after a
network error before it is tried again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flows.messages import Outbound

MAX_PAUSE = timedelta(seconds=5)  # between tries after a network error: back within seconds


@dataclass
class Due:
    """An outbox row this sender claimed, with the message it holds."""

    id: int
    address: str
    attempts: int
    parts_sent: int
    created_at: datetime
    language: str
    message: Outbound
    priority: int = 2
    turn: int = 0
    slot: datetime | None = None  # when `_dispatch` let it go
    # this sender's claim: once another holds the row, it is theirs
    claimed_until: datetime | None = None


def pause_after(attempts: int) -> timedelta:
    """How long to wait after a network error: 1, 2, 4 seconds, then every 5 seconds, so the
    queue drains within seconds of the channel coming back."""
    return min(timedelta(seconds=2 ** min(attempts, 10)), MAX_PAUSE)
