"""The team lead's live board: counts of the queue and the team, at one moment."""

from __future__ import annotations

from datetime import timedelta

from flows.dashboard.board import board
from flows.sla import ALERT_TEAMLEADS, REMIND_AVAILABLE, REMIND_SUGGESTED
from flows.state import Rules
from tests.flows.coaching.people import NOW, ahmed, bram, lotte


def test_an_empty_queue_has_no_wait_and_no_deadline(rules: Rules) -> None:
    shown = board(
        waiting=0,
        urgent=0,
        oldest_queued_at=None,
        first_deadline=None,
        fired=[],
        coaches=[],
        rules=rules,
        now=NOW,
    )
    assert (shown.oldest_wait, shown.first_deadline_left, shown.late) == (None, None, False)


def test_a_case_counts_on_the_furthest_guard_step_it_reached(rules: Rules) -> None:
    shown = board(
        waiting=2,
        urgent=0,
        oldest_queued_at=NOW - timedelta(hours=3),
        first_deadline=NOW + timedelta(hours=5),
        fired=[(1, REMIND_SUGGESTED), (1, REMIND_AVAILABLE), (2, REMIND_SUGGESTED)],
        coaches=[],
        rules=rules,
        now=NOW,
    )
    steps = dict(shown.on_step)
    assert (steps[REMIND_SUGGESTED], steps[REMIND_AVAILABLE], steps[ALERT_TEAMLEADS]) == (1, 1, 0)
    assert shown.oldest_wait == timedelta(hours=3)


def test_a_deadline_that_passed_is_late(rules: Rules) -> None:
    shown = board(
        waiting=1,
        urgent=1,
        oldest_queued_at=NOW - timedelta(days=2),
        first_deadline=NOW - timedelta(hours=1),
        fired=[],
        coaches=[],
        rules=rules,
        now=NOW,
    )
    assert shown.late and shown.first_deadline_left is not None
    assert shown.first_deadline_left < timedelta(0)


def test_coaches_available_are_counted_without_team_leads_or_full_coaches(rules: Rules) -> None:
    shown = board(
        waiting=0,
        urgent=0,
        oldest_queued_at=None,
        first_deadline=None,
        fired=[],
        coaches=[lotte(), bram(active_cases=4), ahmed()],
        rules=rules,
        now=NOW,
    )
    assert (shown.coaches_available, shown.coaches_active) == (1, 2)
