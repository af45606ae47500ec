"""A youngster who types instead of tapping: "ja", "nee", "weet ik niet" or "ik ben niet
veilig" after Klik's worry question or "Ben je nu veilig?" answers it as the button would
(flows/safety.py, Intake.asked), in the first message after the question only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services.render import Renderer
from flows.content import Content
from flows.intake import QUEUED, IntakeFlow, Rules
from flows.state import Signal
from flows.summary import EXTRA
from tests.conftest import Clock
from tests.flows.chat import Chat
from tests.support.detector import content_finding


def _chat(content: Content, rules: Rules, renderer: Renderer, clock: Clock, level: str) -> Chat:
    """A chat whose detector finds a signal at `level` in every text holding SIGNAAL."""
    found = content_finding(content, level=level, rule="wish" if level == "worry" else "plan")
    return Chat(IntakeFlow(found, rules), renderer, clock.now)


@pytest.fixture
def worry(content: Content, rules: Rules, renderer: Renderer, clock: Clock) -> Chat:
    chat = _chat(content, rules, renderer, clock, "worry")
    chat.consented()
    chat.tap("age:16_17")
    return chat


@pytest.fixture
def acute(content: Content, rules: Rules, renderer: Renderer, clock: Clock) -> Chat:
    chat = _chat(content, rules, renderer, clock, "acute")
    chat.consented()
    chat.tap("talk")  # waiting in the queue
    return chat


@pytest.mark.parametrize("typed", ["ja", "Ja!", "jaaa soms", "weet ik niet", "idk", "niet veilig"])
def test_a_typed_yes_or_not_sure_to_the_worry_question_makes_it_acute(
    worry: Chat, typed: str
) -> None:
    worry.type("SIGNAAL")
    step = worry.type(typed)
    assert worry.keys(step)[0] == "crisis.safe_ask"
    assert step.raised == Signal("suicide", "acute", "confirmed")
    assert step.alert is not None
    assert worry.intake is not None and worry.intake.state == QUEUED
    assert worry.intake.case is not None and worry.intake.case.urgent


@pytest.mark.parametrize("typed", ["nee", "nee hoor", "nope", "ik ben veilig"])
def test_a_typed_no_to_the_worry_question_carries_on_with_the_intake(
    worry: Chat, typed: str
) -> None:
    worry.type("SIGNAAL")
    step = worry.type(typed)
    assert worry.keys(step)[0] == "crisis.worry_no"
    assert step.alert is None
    assert worry.intake is not None and worry.intake.state == "q.strengths"
    assert worry.intake.answers[EXTRA].text is not None
    assert typed in worry.intake.answers[EXTRA].text  # kept for the coach, not as the answer
    assert "strengths" not in worry.intake.answers


@pytest.mark.parametrize("typed", ["nee", "weet niet", "ik ben niet veilig"])
def test_a_typed_not_safe_or_not_sure_alerts_the_team_again_as_the_most_urgent(
    acute: Chat, typed: str
) -> None:
    acute.type("SIGNAAL")
    step = acute.type(typed)
    assert acute.keys(step)[0] in ("crisis.reply_no", "crisis.reply_unsure")
    assert step.alert is not None and step.alert.most_urgent
    assert acute.intake is not None and acute.intake.safety in ("no", "unsure")
    assert step.notes_for_coach == [typed]  # the coach reads what they typed, too


@pytest.mark.parametrize("typed", ["ja", "ik ben veilig", "yes im safe"])
def test_a_typed_safe_is_answered_and_alerts_nobody_again(acute: Chat, typed: str) -> None:
    acute.type("SIGNAAL")
    step = acute.type(typed)
    assert acute.keys(step)[0] == "crisis.reply_yes"
    assert step.alert is None
    assert acute.intake is not None and acute.intake.safety == "yes"


def test_the_summary_to_check_follows_a_typed_safety_answer(
    content: Content, rules: Rules, renderer: Renderer, clock: Clock
) -> None:
    chat = _chat(content, rules, renderer, clock, "acute")
    chat.consented()
    chat.tap("age:16_17")
    chat.type("SIGNAAL")  # during the intake: queued at once, the answers not yet shared
    step = chat.type("nee")
    assert chat.keys(step)[-1] == "review.intro"


def test_only_the_first_message_after_the_question_is_read_as_its_answer(acute: Chat) -> None:
    acute.type("SIGNAAL")
    acute.type("ik zit op mijn kamer")
    step = acute.type("nee")
    assert acute.keys(step) == ["queued.note_kept"]
    assert step.alert is None


def test_a_typed_answer_long_after_the_question_is_no_answer_to_it(acute: Chat) -> None:
    acute.type("SIGNAAL")
    acute.now += timedelta(hours=1)
    step = acute.type("nee")
    assert acute.keys(step) == ["queued.note_kept"]
    assert step.alert is None


def test_a_tap_on_the_buttons_ends_the_wait_for_a_typed_answer(acute: Chat) -> None:
    acute.type("SIGNAAL")
    acute.tap("safe:yes")
    step = acute.type("nee")
    assert acute.keys(step) == ["queued.note_kept"]
    assert acute.intake is not None and acute.intake.safety == "yes"


def test_words_that_are_no_answer_go_where_they_would_have_gone(worry: Chat) -> None:
    worry.type("SIGNAAL")
    step = worry.type("ik kan goed tekenen")
    assert worry.keys(step)[0] == "intake.kept"
    assert worry.intake is not None and worry.intake.answers["strengths"].text == (
        "ik kan goed tekenen"
    )
    assert worry.intake.asked is None


def test_a_plain_ja_without_a_question_waiting_is_just_an_answer(worry: Chat) -> None:
    step = worry.type("ja")
    assert worry.keys(step)[0] == "intake.kept"
    assert step.alert is None
