"""What of a staff-side outcome goes into the audit log: read from the real rules' outcomes."""

from __future__ import annotations

import pytest

from flows.audit import Actor, Entry, NotAuditable
from flows.case import ACTIVE, PAUSED
from flows.coaching import life, talk
from flows.coaching.audit import entries
from flows.coaching.effects import AddOffers, Outcome
from tests.flows.coaching.people import AHMED, BRAM, LOTTE, NOW, bram, card, case, lotte


def test_a_close_is_an_entry_with_its_reason() -> None:
    outcome = life.close(lotte(), case(), "goal_reached", NOW)
    assert entries(outcome) == (Entry("close", case_id=7, detail="goal_reached"),)


def test_a_pause_is_an_entry() -> None:
    assert entries(life.pause(lotte(), case())) == (Entry("pause", case_id=7),)


def test_writing_in_a_paused_case_is_a_resume_and_no_view() -> None:
    outcome = talk.write(lotte(), case(PAUSED), text="hoi", media=None, wrote_before=True, now=NOW)
    assert entries(outcome) == (Entry("resume", case_id=7),)


def test_asking_a_colleague_to_take_over_names_the_colleague() -> None:
    outcome = life.hand_over(lotte(), case(), bram(), card())
    assert entries(outcome) == (Entry("handover_ask", case_id=7, staff_id=BRAM),)


def test_accepting_a_hand_over_names_the_coach_before() -> None:
    outcome = life.accept(bram(), case(handover_to=BRAM), "Lotte", card(), [], NOW)
    assert entries(outcome) == (Entry("handover_accept", case_id=7, staff_id=LOTTE),)


def test_opening_a_conversation_is_a_view() -> None:
    outcome = talk.open_conversation(lotte(), "sam-4821", [case()])
    assert entries(outcome) == (Entry("view", case_id=7),)


def test_an_ordinary_message_is_no_entry() -> None:
    outcome = talk.write(lotte(), case(ACTIVE), text="hoi", media=None, wrote_before=True, now=NOW)
    assert entries(outcome) == ()


def test_an_offer_shows_the_case_to_each_staff_member_offered() -> None:
    outcome = Outcome(changes=(AddOffers(7, (LOTTE, AHMED), NOW),))
    assert entries(outcome) == (
        Entry("shown", case_id=7, staff_id=LOTTE),
        Entry("shown", case_id=7, staff_id=AHMED),
    )


def test_an_entry_refuses_words_as_its_detail() -> None:
    with pytest.raises(NotAuditable):
        Entry("close", case_id=7, detail="Sam-4821 zei iets")


def test_an_entry_refuses_an_action_not_in_the_list() -> None:
    with pytest.raises(NotAuditable):
        Entry("read_everything")


def test_a_staff_actor_needs_an_id_and_the_system_has_none() -> None:
    with pytest.raises(NotAuditable):
        Actor("coach")
    with pytest.raises(NotAuditable):
        Actor("system", 3)
