"""The 24-hour guard's rules: when each step is due and whom it reaches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flows.matching import WaitingCase
from flows.queue import may_claim
from flows.sla import ladder, time_left, who_to_remind
from tests.flows.coaches import coach

QUEUED = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
CASE = WaitingCase(
    case_id=1,
    urgent=False,
    queued_at=QUEUED,
    deadline=QUEUED + timedelta(hours=24),
    language="nl",
    checkins={"money": 1},
)


TEAM = [coach(1), coach(2), coach(3, available=False), coach(4, active=4)]


def test_the_ladder_is_due_at_a_quarter_half_three_quarters_and_the_deadline() -> None:
    assert ladder(QUEUED, QUEUED + timedelta(hours=24)) == [
        ("remind_suggested", QUEUED + timedelta(hours=6)),
        ("remind_available", QUEUED + timedelta(hours=12)),
        ("alert_teamleads", QUEUED + timedelta(hours=18)),
        ("tell_youngster", QUEUED + timedelta(hours=24)),
    ]


def test_time_left_is_never_negative() -> None:
    assert time_left(QUEUED, QUEUED + timedelta(hours=1)) == timedelta(0)


@pytest.mark.parametrize(
    ("rung", "offered", "reached"),
    [
        ("remind_suggested", {2, 3, 4}, [2]),  # told before, and still available with room
        ("remind_suggested", set(), []),
        ("remind_available", set(), [1, 2]),  # never the away coach (3) or the full one (4)
        ("alert_teamleads", {1, 2}, [90, 91]),
        ("tell_youngster", {1, 2}, []),
    ],
)
def test_each_step_reaches_the_right_people(
    rung: str, offered: set[int], reached: list[int]
) -> None:
    notices = who_to_remind(rung, CASE, TEAM, [90, 91], frozenset(offered))
    assert sorted(n.staff_id for n in notices) == reached


@pytest.mark.parametrize(
    ("role", "capacity", "active", "allowed"),
    [("coach", 4, 3, True), ("coach", 4, 4, False), ("teamlead", 0, 5, True)],
)
def test_a_coach_claims_only_below_capacity_and_a_team_lead_always(
    role: str, capacity: int, active: int, allowed: bool
) -> None:
    assert may_claim(role, capacity, active) is allowed
