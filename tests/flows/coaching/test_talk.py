"""The relay's rules: which conversation a coach's message belongs to, /open, and telling a
writer about a message that can never arrive."""

from __future__ import annotations

from flows.case import ACTIVE, CLOSED, PAUSED
from flows.coaching import talk
from flows.coaching.effects import (
    CountStat,
    EndHandover,
    MoveCase,
    NoteMessage,
    Reply,
    SetCurrent,
    ToStaff,
)
from flows.media import COPY
from flows.messages import MediaRef, Outbound
from flows.state import Stat
from tests.flows.coaching.people import AHMED, BRAM, LOTTE, NOW, bram, case, lotte


def test_a_coach_who_does_not_hold_the_case_is_asked_for_whom_the_message_is() -> None:
    outcome = talk.write(bram(), case(), text="hoi", media=None, wrote_before=True, now=NOW)
    assert outcome.changes == ()
    assert outcome.sends == (Reply((Outbound("relay.which_case"),)),)


def test_writing_in_a_paused_case_resumes_it() -> None:
    outcome = talk.write(lotte(), case(PAUSED), text="hoi", media=None, wrote_before=True, now=NOW)
    assert outcome.changes[0] == MoveCase(7, PAUSED, ACTIVE)


def test_the_first_message_carries_the_coach_s_intro() -> None:
    outcome = talk.write(lotte(), case(), text="hoi", media=None, wrote_before=False, now=NOW)
    (message,) = outcome.sends[-1].messages
    assert (message.key, message.params["intro"]) == ("relay.coach_hello", "Ik werk bij het JAC.")


def test_a_coach_s_first_message_in_a_case_is_counted_for_the_funnel() -> None:
    outcome = talk.write(lotte(), case(), text="hoi", media=None, wrote_before=False, now=NOW)
    assert CountStat("j-1", Stat("coach_first_message"), NOW) in outcome.changes


def test_a_coach_s_later_messages_are_not_counted_again() -> None:
    outcome = talk.write(lotte(), case(), text="hoi", media=None, wrote_before=True, now=NOW)
    assert not [change for change in outcome.changes if isinstance(change, CountStat)]


def test_the_new_coach_s_first_message_ends_the_hand_over() -> None:
    taken_over = case(coach=BRAM, previous_coach_id=LOTTE)
    outcome = talk.write(bram(), taken_over, text="hoi", media=None, wrote_before=False, now=NOW)
    assert EndHandover(7) in outcome.changes
    assert (
        ToStaff(LOTTE, (Outbound("handover.done", {"colleague": "Bram", "pseudonym": "Sam-4821"}),))
        in outcome.sends
    )


def test_a_coach_s_photo_is_copied_and_kept_in_the_history_as_media() -> None:
    photo = MediaRef("telegram", "c-lotte", "81", "photo")
    outcome = talk.write(lotte(), case(), text="", media=photo, wrote_before=True, now=NOW)
    assert outcome.sends[-1].messages[-1].copy == photo
    assert outcome.changes == (
        NoteMessage(7, "coach", "[media]", NOW, staff_id=LOTTE),
        SetCurrent(LOTTE, 7),
    )


def test_open_with_a_pseudonym_makes_it_the_current_conversation() -> None:
    outcome = talk.open_conversation(lotte(), "sam-4821", [case()])
    assert outcome.changes == (SetCurrent(LOTTE, 7),)


def test_open_without_conversations_says_there_are_none() -> None:
    outcome = talk.open_conversation(lotte(), "", [])
    assert (outcome.changes, outcome.sends) == ((), (Reply((Outbound("open.none"),)),))


def test_a_youngster_s_words_reach_the_coach_and_the_previous_one_during_a_hand_over() -> None:
    outcome = talk.to_coach(case(previous_coach_id=AHMED), ["hallo"], None, None, NOW)
    assert [s.staff_id for s in outcome.sends if isinstance(s, ToStaff)] == [LOTTE, AHMED]


def test_a_youngster_without_a_coach_relays_nothing() -> None:
    assert talk.to_coach(case(coach=None), ["hallo"], None, None, NOW).sends == ()


def test_a_copy_that_cannot_be_made_is_reported_to_the_coach() -> None:
    lost = Outbound(COPY, copy=MediaRef("telegram", "y1", "88"), tag="case:7")
    assert talk.undelivered_case(lost) == 7
    outcome = talk.undelivered(lost, case())
    assert outcome.sends == (ToStaff(LOTTE, (Outbound("media.gone", {"pseudonym": "Sam-4821"}),)),)


def test_a_message_that_was_no_relay_is_nobody_s_to_hear_about() -> None:
    assert talk.undelivered_case(Outbound("staff.help", tag="offer:7")) is None


def test_a_closed_case_still_has_its_coach() -> None:
    assert case(CLOSED).holders == (LOTTE,)
