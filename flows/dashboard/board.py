"""The team lead's live board: the queue and the team in counts, never a ranking of people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flows.coaching.facts import Person, profile
from flows.sla import LADDER, service_time_left
from flows.state import Rules


@dataclass(frozen=True)
class Board:
    waiting: int
    urgent: int
    oldest_wait: timedelta | None  # how long the longest waiting youngster waits
    first_deadline_left: timedelta | None  # service time left to the promise that ends first
    late: bool  # a promise has run out
    on_step: tuple[tuple[str, int], ...]  # each guard step, and the waiting cases it reached
    coaches_available: int  # in their hours, not away, with a free place
    coaches_active: int


def board(
    *,
    waiting: int,
    urgent: int,
    oldest_queued_at: datetime | None,
    first_deadline: datetime | None,
    fired: Iterable[tuple[int, str]],
    coaches: Sequence[Person],
    rules: Rules,
    now: datetime,
) -> Board:
    """The board at `now`. `fired`: (case id, step) of every guard step fired for a waiting
    case; a case counts on the furthest step it reached."""
    order = {rung.name: i for i, rung in enumerate(LADDER)}
    furthest: dict[int, int] = {}
    for case_id, step in fired:
        if step in order:
            furthest[case_id] = max(furthest.get(case_id, -1), order[step])
    on_step = tuple(
        (rung.name, sum(1 for i in furthest.values() if i == n)) for n, rung in enumerate(LADDER)
    )
    left = service_time_left(first_deadline, now, rules) if first_deadline else None
    profiles = [profile(p, rules, now) for p in coaches if p.role == "coach"]
    return Board(
        waiting=waiting,
        urgent=urgent,
        oldest_wait=now - oldest_queued_at if oldest_queued_at else None,
        first_deadline_left=left,
        late=first_deadline is not None and first_deadline <= now,
        on_step=on_step,
        coaches_available=sum(1 for c in profiles if c.available and c.active_cases < c.capacity),
        coaches_active=len(profiles),
    )
