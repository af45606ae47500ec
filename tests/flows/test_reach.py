"""The reach questions (school or work, housing): asked only once the youngster is in the
queue, one tap each, and one tap skips both."""

from __future__ import annotations

import pytest

from bot.services.render import Renderer
from flows.intake import QUEUED, IntakeFlow, Stat, Tap
from tests.conftest import Clock
from tests.flows.chat import Chat
from tests.flows.test_intake import skip_all_questions


@pytest.fixture
def chat(flow: IntakeFlow, renderer: Renderer, clock: Clock) -> Chat:
    return Chat(flow, renderer, clock.now)


def queued(chat: Chat) -> list[str]:
    chat.consented()
    skip_all_questions(chat)
    return chat.keys(chat.tap("summary:send"))


def test_the_first_reach_question_comes_after_the_queue_confirmation(chat: Chat) -> None:
    keys = queued(chat)
    assert keys == ["queued.confirm", "reach.intro", "reach.school_work.ask"]


def test_no_reach_question_is_asked_before_the_queue(chat: Chat) -> None:
    chat.consented()
    skip_all_questions(chat)
    asked = [key for step in chat.steps for key in chat.keys(step)]
    assert not [key for key in asked if key.startswith("reach.")]


def test_a_reach_tap_before_the_queue_keeps_nothing(chat: Chat) -> None:
    chat.consented()
    step = chat.tap("reach:school_work:school")
    assert step.tap == Tap("stale")
    assert chat.intake is not None and "school_work" not in chat.intake.answers


def test_an_answer_is_kept_as_a_choice_and_the_next_question_follows(chat: Chat) -> None:
    queued(chat)
    step = chat.tap("reach:school_work:work")
    assert chat.intake is not None and chat.intake.answers["school_work"].choice == "work"
    assert Stat("answered", "school_work", "work") in step.stats
    assert chat.keys(step) == ["reach.housing.ask"]


def test_after_the_last_reach_question_the_youngster_is_thanked(chat: Chat) -> None:
    queued(chat)
    chat.tap("reach:school_work:school")
    step = chat.tap("reach:housing:parents")
    assert chat.keys(step) == ["reach.thanks"]
    assert chat.intake is not None and chat.intake.state == QUEUED


def test_one_tap_skips_both_reach_questions(chat: Chat) -> None:
    queued(chat)
    step = chat.tap_button("reach.skip")
    assert chat.keys(step) == ["reach.skipped"]
    assert chat.intake is not None and chat.intake.answers == {}


def test_skipping_everything_still_reaches_the_queue_within_ten_taps(chat: Chat) -> None:
    queued(chat)
    assert chat.taps <= 10
    assert chat.intake is not None and chat.intake.state == QUEUED


def test_the_reach_questions_need_no_tap_writing_on_goes_to_the_coach(chat: Chat) -> None:
    queued(chat)
    step = chat.type("wanneer komt er iemand?")
    assert step.notes_for_coach == ["wanneer komt er iemand?"]
    assert chat.intake is not None and chat.intake.answers == {}


def test_a_youngster_queued_in_a_crisis_is_not_asked_the_reach_questions(chat: Chat) -> None:
    chat.consented()
    step = chat.type("ik wil niet meer leven, ik heb de pillen al klaargelegd")
    asked = [key for s in chat.steps for key in chat.keys(s)]
    assert step.case_change == "open" or any(s.case_change == "open" for s in chat.steps)
    assert not [key for key in asked if key.startswith("reach.")]


def test_an_option_that_is_not_on_the_question_is_refused(chat: Chat) -> None:
    queued(chat)
    step = chat.tap("reach:school_work:astronaut")
    assert step.tap == Tap("unknown")
    assert chat.intake is not None and chat.intake.answers == {}
