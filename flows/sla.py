"""The 24-hour promise and its guard: a ladder of steps between queueing and the deadline.

The promise counts only service hours: the deadline is the moment PROMISE_HOURS of open time
have passed since queueing, so a coach always had that much time to answer and no deadline
falls in a night or weekend nobody works. Hours that cover every day and night make it
simply queueing + 24 h. `promise()` is the one place that reckons it; the told deadline,
/status and the guard's stored steps all come from it. Storage keeps one row per step and a
job claims the due ones, so each step happens exactly once, also across restarts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flows.matching import CoachProfile, WaitingCase, suggest
from flows.messages import Ref
from flows.queue import Notice
from flows.state import Rules

REMIND_SUGGESTED = "remind_suggested"  # the coaches who were told are reminded
REMIND_AVAILABLE = "remind_available"  # every available coach is asked
ALERT_TEAMLEADS = "alert_teamleads"  # the team leads hear nobody picked it up
TELL_YOUNGSTER = "tell_youngster"  # the youngster gets an honest message and alternatives


@dataclass(frozen=True)
class Rung:
    """A step of the ladder, at a share of the service time between queueing and the
    deadline."""

    name: str
    share: float


LADDER = (
    Rung(REMIND_SUGGESTED, 0.25),
    Rung(REMIND_AVAILABLE, 0.50),
    Rung(ALERT_TEAMLEADS, 0.75),
    Rung(TELL_YOUNGSTER, 1.00),
)


@dataclass(frozen=True)
class Promise:
    """What a youngster queued at `queued_at` is promised, and the guard's steps towards it."""

    deadline: datetime  # a coach answers before this moment
    steps: tuple[tuple[str, datetime], ...]  # each ladder step and when it is due


def promise(queued_at: datetime, rules: Rules) -> Promise:
    """The deadline and the guard's ladder for a case queued at `queued_at` (aware).

    Each step is due once its share of the promised service time has passed. A reminder
    that would fall on closing time waits for the next opening, since a reminder at 21:00
    reaches nobody; the youngster's own step stays at the deadline."""
    hours, zone = rules.service_hours, rules.timezone
    local = queued_at.astimezone(zone)
    promised = timedelta(hours=rules.promise_hours)
    deadline = hours.after_open_time(local, promised)
    steps: list[tuple[str, datetime]] = []
    for rung in LADDER:
        due = hours.after_open_time(local, promised * rung.share) if rung.share < 1 else deadline
        if rung.name != TELL_YOUNGSTER and not hours.is_open(due):
            due = hours.next_opening(due) or due
        steps.append((rung.name, due.astimezone(queued_at.tzinfo)))
    return Promise(deadline.astimezone(queued_at.tzinfo), tuple(steps))


def promised_within(rules: Rules) -> Ref:
    """The promise in words for the welcome and /help: "24 uur", and when the service is
    not always open, that only the hours it is open count."""
    key = "promise.hours" if rules.service_hours.always_open else "promise.open_hours"
    return Ref(key, {"hours": rules.promise_hours})


def time_left(deadline: datetime, now: datetime) -> timedelta:
    """How long until the promise runs out (never negative)."""
    return max(deadline - now, timedelta(0))


def service_time_left(deadline: datetime, now: datetime, rules: Rules) -> timedelta:
    """How much service time is left until the promise runs out, counted as the promise is
    (open hours only); negative once it ran out: the open time since the deadline. A case
    that waits through the night is then no nearer its deadline in the morning."""
    local = now.astimezone(rules.timezone)
    if deadline >= now:
        return rules.service_hours.open_time_between(local, deadline)
    return -rules.service_hours.open_time_between(deadline.astimezone(rules.timezone), now)


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
