""" "Klikte het?" in the pure flow: after a close the youngster answers with one tap and may
add a line or skip it; what is kept names the week and language only; a forged or second tap
changes nothing, and a youngster who writes instead of tapping is not stuck."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.services.render import Renderer
from flows.feedback import week_of
from flows.intake import QUEUED, IntakeFlow
from flows.messages import Ref
from flows.state import CaseView, Feedback, Tap
from tests.conftest import BRUSSELS
from tests.flows.chat import Chat

# Monday 30 November 2026, 09:00 UTC.
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
MONDAY = date(2026, 11, 30)


@pytest.fixture
def chat(flow: IntakeFlow, renderer: Renderer) -> Chat:
    """A youngster whose case Lotte just closed: the question waits."""
    chat = Chat(flow, renderer, NOW)
    chat.consented()
    chat.tap("age:16_17")
    assert chat.intake is not None
    closed = CaseView(NOW, NOW, coach="Lotte", state="closed")
    chat.intake = replace(chat.intake, state=QUEUED, case=closed, feedback="asked")
    return chat


def test_a_tap_on_an_answer_keeps_it_with_only_the_week_and_the_language(chat: Chat) -> None:
    step = chat.tap("feedback:good")
    assert step.feedback == Feedback(MONDAY, "nl", answer="good")
    assert step.tap == Tap("answered", Ref("feedback.answer.good"))
    assert chat.keys() == ["feedback.line_ask"]


def test_the_answer_is_no_statistic_of_the_youngster_s_journey(chat: Chat) -> None:
    assert chat.tap("feedback:bad").stats == []


def test_after_the_answer_their_own_line_is_kept_apart_and_the_case_stays_closed(
    chat: Chat,
) -> None:
    chat.tap("feedback:okay")
    step = chat.type("  Lotte luisterde echt naar me  ")
    assert step.feedback == Feedback(MONDAY, "nl", line="Lotte luisterde echt naar me")
    assert step.case_change is None and step.notes_for_coach == []
    assert chat.keys() == ["feedback.line_kept"]


def test_a_message_long_after_the_answer_goes_back_to_the_coach_not_into_the_feedback(
    chat: Chat,
) -> None:
    chat.tap("feedback:good")
    chat.now += timedelta(hours=2)
    step = chat.type("hoi, het gaat weer minder goed")
    assert step.feedback is None and step.case_change == "reopen"
    assert step.notes_for_coach == ["hoi, het gaat weer minder goed"]


def test_the_line_may_be_skipped_and_then_nothing_more_is_kept(chat: Chat) -> None:
    chat.tap("feedback:good")
    step = chat.tap("feedback:skip")
    assert step.feedback is None and chat.keys() == ["feedback.thanks"]
    assert chat.intake is not None and chat.intake.feedback is None


def test_a_second_tap_on_an_answer_counts_nothing(chat: Chat) -> None:
    chat.tap("feedback:good")
    step = chat.tap("feedback:bad")
    assert (step.feedback, step.tap, step.outbound) == (None, Tap("stale"), [])


@pytest.mark.parametrize("data", ["feedback:great", "feedback", "feedback:good:7", "feedback:"])
def test_a_forged_feedback_tap_counts_nothing(chat: Chat, data: str) -> None:
    step = chat.tap(data)
    assert (step.feedback, step.tap) == (None, Tap("unknown"))
    assert chat.intake is not None and chat.intake.feedback == "asked"


def test_a_feedback_tap_nobody_asked_for_counts_nothing(chat: Chat) -> None:
    assert chat.intake is not None
    chat.intake = replace(chat.intake, feedback=None)
    step = chat.tap("feedback:good")
    assert (step.feedback, step.tap) == (None, Tap("stale"))


def test_writing_instead_of_tapping_goes_back_to_the_coach_and_drops_the_question(
    chat: Chat,
) -> None:
    step = chat.type("ik wil toch nog iets vragen")
    assert step.case_change == "reopen" and step.feedback is None
    assert chat.intake is not None and chat.intake.feedback is None


def test_crisis_words_after_the_answer_go_the_safety_path_not_into_the_feedback(
    chat: Chat,
) -> None:
    chat.tap("feedback:bad")
    step = chat.type("ik wil dood")
    assert step.feedback is None and step.raised is not None
    assert chat.intake is not None and chat.intake.feedback is None


def test_a_command_leaves_the_question_waiting(chat: Chat) -> None:
    chat.command("status")
    assert chat.intake is not None and chat.intake.feedback == "asked"


def test_the_week_is_the_monday_in_the_service_s_zone() -> None:
    # Sunday 29 November 23:30 UTC is already Monday 30 November in Brussels.
    assert week_of(datetime(2026, 11, 29, 23, 30, tzinfo=UTC), BRUSSELS) == MONDAY
    assert week_of(datetime(2026, 12, 6, 12, 0, tzinfo=UTC), BRUSSELS) == MONDAY
