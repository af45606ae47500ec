"""A case's life on the coach's side as pure rules: pause, close with a reason, hand-over."""

from __future__ import annotations

from flows.case import ACTIVE, CLOSED, PAUSED
from flows.coaching import life
from flows.coaching.effects import (
    AskFeedback,
    AskHandover,
    CloseCase,
    CountStat,
    DeclineHandover,
    MoveCase,
    Outcome,
    SetCurrent,
    TakeOver,
    ToStaff,
    ToYoungster,
)
from flows.state import Stat, Tap
from tests.flows.coaching.people import AHMED, BRAM, LOTTE, NOW, ahmed, bram, card, case, lotte


def keys(outcome: Outcome) -> list[tuple[str, str]]:
    """(to whom, text key) of every message: "staff:1", "youngster:y-1"."""
    found = []
    for send in outcome.sends:
        to = f"staff:{send.staff_id}" if isinstance(send, ToStaff) else "youngster:y-1"
        assert isinstance(send, ToStaff | ToYoungster)
        found += [(to, message.key) for message in send.messages]
    return found


def test_a_coach_who_does_not_hold_the_case_cannot_close_it() -> None:
    outcome = life.close(bram(), case(), "goal_reached", NOW)
    assert (outcome.changes, outcome.sends, outcome.tap) == ((), (), Tap("unknown"))


def test_closing_moves_the_case_through_the_machine_and_tells_both_sides() -> None:
    outcome = life.close(lotte(), case(PAUSED), "referred", NOW)
    assert outcome.changes == (
        CloseCase(7, PAUSED, CLOSED, "referred", NOW),
        SetCurrent(LOTTE, None),
        CountStat("j-1", Stat("case_closed", value="referred"), NOW),
        AskFeedback("y-1"),
    )
    assert keys(outcome) == [
        ("youngster:y-1", "case.closed"),
        ("youngster:y-1", "feedback.ask"),
        ("staff:1", "case.closed_ok"),
    ]


def test_the_feedback_question_after_a_close_names_no_coach_and_carries_no_case() -> None:
    outcome = life.close(lotte(), case(), "goal_reached", NOW)
    ask = next(m for s in outcome.sends for m in s.messages if m.key == "feedback.ask")
    assert ask.params == {}
    assert [b.data for row in ask.buttons for b in row] == [
        "feedback:good",
        "feedback:okay",
        "feedback:bad",
    ]


def test_a_close_reason_klik_never_offers_changes_nothing() -> None:
    outcome = life.close(lotte(), case(), "bored", NOW)
    assert (outcome.changes, outcome.tap) == ((), Tap("unknown"))


def test_a_close_tap_on_a_case_closed_meanwhile_is_stale() -> None:
    outcome = life.close(lotte(), case(CLOSED), "goal_reached", NOW)
    assert (outcome.changes, outcome.tap) == ((), Tap("stale"))


def test_a_pause_of_a_paused_case_is_refused_kindly() -> None:
    outcome = life.command(lotte(), "pause", case(PAUSED), [])
    assert outcome.changes == ()
    assert keys(outcome) == [("staff:1", "case.already_paused")]


def test_a_pause_tells_the_youngster_with_the_coach_s_first_name() -> None:
    outcome = life.command(lotte(), "pause", case(ACTIVE), [])
    assert outcome.changes == (MoveCase(7, ACTIVE, PAUSED),)
    told = outcome.sends[0]
    assert isinstance(told, ToYoungster) and told.messages[0].params == {"coach": "Lotte"}


def test_a_command_without_a_current_conversation_says_to_pick_one() -> None:
    current = life.current(lotte(), case(coach=BRAM))
    assert keys(life.command(lotte(), "close", current, [])) == [("staff:1", "open.none_current")]


def test_a_close_command_asks_for_a_reason_with_a_button_for_each() -> None:
    (ask,) = life.command(lotte(), "close", case(), []).sends[0].messages
    assert ask.key == "case.close_ask"
    assert [row[0].data for row in ask.buttons][:2] == ["close:7:goal_reached", "close:7:referred"]


def test_a_hand_over_offers_only_the_other_coaches() -> None:
    people = [lotte(), bram(), ahmed()]
    (ask,) = life.command(lotte(), "handover", case(), people).sends[0].messages
    assert [row[0].data for row in ask.buttons] == [f"handover:7:{BRAM}"]


def test_a_hand_over_without_colleagues_says_so() -> None:
    assert keys(life.command(lotte(), "handover", case(), [lotte()])) == [
        ("staff:1", "handover.none")
    ]


def test_a_coach_cannot_hand_a_case_over_to_themselves() -> None:
    outcome = life.hand_over(lotte(), case(), lotte(), card())
    assert (outcome.changes, outcome.tap) == ((), Tap("unknown"))


def test_a_hand_over_asks_the_colleague_and_remembers_whom() -> None:
    outcome = life.hand_over(lotte(), case(), bram(), card())
    assert outcome.changes == (AskHandover(7, BRAM),)
    assert keys(outcome) == [("staff:2", "handover.offer"), ("staff:1", "handover.asked")]


def test_only_the_colleague_asked_can_accept_a_hand_over() -> None:
    outcome = life.accept(lotte(), case(handover_to=BRAM), "Lotte", card(), [], NOW)
    assert (outcome.changes, outcome.tap) == ((), Tap("unknown"))


def test_accepting_a_paused_case_takes_it_over_through_the_machine() -> None:
    outcome = life.accept(bram(), case(PAUSED, handover_to=BRAM), "Lotte", card(), [], NOW)
    assert outcome.changes[:2] == (TakeOver(7, PAUSED, ACTIVE, BRAM, LOTTE), SetCurrent(BRAM, 7))


def test_an_accepted_hand_over_is_counted_as_a_change_of_coach() -> None:
    outcome = life.accept(bram(), case(handover_to=BRAM), "Lotte", card(), [], NOW)
    assert CountStat("j-1", Stat("coach_change", value="handover"), NOW) in outcome.changes
    assert ("youngster:y-1", "case.handover") in keys(outcome)


def test_the_coach_and_the_previous_one_hear_when_a_youngster_stops() -> None:
    outcome = life.ending(case(previous_coach_id=AHMED), erased=False)
    assert keys(outcome) == [("staff:1", "case.youngster_left"), ("staff:3", "case.youngster_left")]


def test_declining_a_hand_over_tells_the_coach_who_keeps_the_case() -> None:
    outcome = life.decline(bram(), case(handover_to=BRAM))
    assert outcome.changes == (DeclineHandover(7, BRAM),)
    assert keys(outcome) == [("staff:1", "handover.declined")]


def test_only_the_colleague_asked_can_decline_a_hand_over() -> None:
    outcome = life.decline(ahmed(), case(handover_to=BRAM))
    assert (outcome.changes, outcome.tap) == ((), Tap("unknown"))
