"""The 24-hour guard: a ladder of steps between queueing and the promised deadline.

Due times are pure functions of the case's times; storage keeps one row per step and a job
claims the due ones, so each step happens exactly once, also across restarts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flows.matching import CoachProfile, WaitingCase, suggest
from flows.queue import Notice

REMIND_SUGGESTED = "remind_suggested"  # the coaches who were told are reminded
REMIND_AVAILABLE = "remind_available"  # every available coach is asked
ALERT_TEAMLEADS = "alert_teamleads"  # the team leads hear nobody picked it up
TELL_YOUNGSTER = "tell_youngster"  # the youngster gets an honest message and alternatives


@dataclass(frozen=True)
class Rung:
    """A step of the ladder, at a share of the time between queueing and the deadline."""

    name: str
    share: float


LADDER = (
    Rung(REMIND_SUGGESTED, 0.25),
    Rung(REMIND_AVAILABLE, 0.50),
    Rung(ALERT_TEAMLEADS, 0.75),
    Rung(TELL_YOUNGSTER, 1.00),
)


def ladder(queued_at: datetime, deadline: datetime) -> list[tuple[str, datetime]]:
    """Each step with the moment it is due."""
    span = deadline - queued_at
    return [(rung.name, queued_at + span * rung.share) for rung in LADDER]


def time_left(deadline: datetime, now: datetime) -> timedelta:
    """How long until the promise runs out (never negative)."""
    return max(deadline - now, timedelta(0))


def who_to_remind(
    rung: str,
    case: WaitingCase,
    coaches: Sequence[CoachProfile],
    team_leads: Sequence[int],
    offered: frozenset[int],
) -> list[Notice]:
    """Who a ladder step reaches: first the coaches who were told, then every available coach
    with room, then the team leads. The youngster's own step reaches no staff."""
    if rung == ALERT_TEAMLEADS:
        return [Notice(lead) for lead in team_leads]
    if rung == REMIND_SUGGESTED:
        coaches = [c for c in coaches if c.coach_id in offered]
    elif rung != REMIND_AVAILABLE:
        return []
    return [Notice(s.coach_id, s.reasons) for s in suggest(case, coaches, limit=len(coaches))]
