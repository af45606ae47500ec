"""The matchteam's rules for a crisis: whom an alert reaches and what a coach reads of a case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flows.matching import WaitingCase
from flows.messages import Ref
from flows.queue import CaseCard, card_lines, claimed, offer, who_to_alert
from flows.state import Signal
from tests.flows.coaches import coach

QUEUED = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
CASE = WaitingCase(
    case_id=1,
    urgent=True,
    queued_at=QUEUED,
    deadline=QUEUED + timedelta(hours=24),
    language="nl",
    checkins={"money": 1},
)
SIGNAL = Signal("suicide", "acute", "means_intent")
ANSWERS = (Ref("summary.line", {"label": Ref("q.money.label"), "value": Ref("scale.1")}),)


def card(*, shared: bool = True, safety: str | None = None) -> CaseCard:
    return CaseCard(
        case_id=1,
        pseudonym="Sam-4821",
        urgent=True,
        queued_at=QUEUED,
        deadline=QUEUED + timedelta(hours=24),
        lines=ANSWERS if shared else (),
        safety=safety,
        full_lines=ANSWERS if shared else (),
        signal=SIGNAL,
        shared=shared,
    )


def test_an_alert_reaches_every_available_coach_with_room_and_the_team_leads() -> None:
    team = [coach(1), coach(2), coach(3, available=False), coach(4, active=4)]
    notices = who_to_alert(CASE, team, [9], offered=frozenset())
    assert sorted(n.staff_id for n in notices) == [1, 2, 9]


def test_an_alert_reaches_whoever_holds_the_offer_even_when_they_are_full() -> None:
    team = [coach(1), coach(4, active=4)]
    notices = who_to_alert(CASE, team, [9], offered=frozenset({4}))
    assert sorted(n.staff_id for n in notices) == [1, 4, 9]


def test_an_alert_never_reaches_somebody_who_is_no_longer_on_the_team() -> None:
    notices = who_to_alert(CASE, [coach(1)], [], offered=frozenset({77}))
    assert [n.staff_id for n in notices] == [1]


def test_a_coach_reads_the_signal_first_then_the_safety_answer_then_the_answers() -> None:
    assert card_lines(card(safety="no")) == [
        SIGNAL.words(),
        Ref("offer.safety_no"),
        *ANSWERS,
    ]


def test_before_the_youngster_checked_the_summary_a_coach_reads_none_of_the_answers() -> None:
    assert card_lines(card(shared=False)) == [
        SIGNAL.words(),
        Ref("offer.answers_pending", {"pseudonym": "Sam-4821"}),
    ]


def test_the_most_urgent_offer_says_so() -> None:
    assert offer(card(), most_urgent=True).key == "offer.most_urgent"
    assert offer(card()).key == "offer.urgent"


def test_whoever_claims_before_the_check_hears_the_answers_follow() -> None:
    keys = [m.key for m in claimed(card(shared=False), [])]
    assert "claim.pending" in keys and "claim.summary" not in keys


def test_whoever_claims_an_urgent_case_reads_every_shared_word() -> None:
    keys = [m.key for m in claimed(card(), [])]
    assert "claim.summary" in keys
