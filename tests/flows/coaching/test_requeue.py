"""/andere_coach, writing after a close and a coach who leaves, as pure rules."""

from __future__ import annotations

from flows.case import ACTIVE, CLOSED, QUEUED
from flows.coaching import requeue
from flows.coaching.effects import ReopenCase, RequeueCase, SetCurrent, ToStaff
from flows.sla import promise
from flows.state import Rules
from tests.flows.coaching.people import LOTTE, NOW, case


def test_another_coach_puts_the_case_back_in_the_queue_without_the_old_coach(
    rules: Rules,
) -> None:
    happened, outcome, exclude = requeue.back_from_youngster(
        case(ACTIVE), switch=True, coach_reachable=True, rules=rules, now=NOW
    )
    assert (happened, exclude) == ("requeued", frozenset({LOTTE}))
    assert outcome.changes == (RequeueCase(7, ACTIVE, QUEUED, NOW, promise(NOW, rules).deadline),)
    assert [m.key for m in outcome.sends[0].messages] == ["case.switch_requested"]


def test_writing_after_a_close_reopens_with_the_same_coach(rules: Rules) -> None:
    happened, outcome, _ = requeue.back_from_youngster(
        case(CLOSED), switch=False, coach_reachable=True, rules=rules, now=NOW
    )
    assert happened == "reopened"
    assert outcome.changes == (ReopenCase(7, CLOSED, ACTIVE), SetCurrent(LOTTE, 7))
    assert isinstance(outcome.sends[0], ToStaff) and outcome.sends[0].staff_id == LOTTE


def test_writing_after_a_close_whose_coach_is_gone_queues_the_case_again(rules: Rules) -> None:
    happened, outcome, exclude = requeue.back_from_youngster(
        case(CLOSED), switch=False, coach_reachable=False, rules=rules, now=NOW
    )
    assert (happened, exclude, outcome.sends) == ("requeued", frozenset(), ())


def test_a_waiting_case_is_not_requeued(rules: Rules) -> None:
    happened, outcome, _ = requeue.back_from_youngster(
        case(QUEUED, coach=None), switch=True, coach_reachable=False, rules=rules, now=NOW
    )
    assert (happened, outcome.changes) == ("none", ())


def test_a_coach_who_leaves_sends_their_youngster_back_to_the_front(rules: Rules) -> None:
    outcome = requeue.coach_gone(case(ACTIVE), rules, NOW)
    assert [m.key for m in outcome.sends[0].messages] == ["case.coach_gone"]
    assert isinstance(outcome.changes[0], RequeueCase)
