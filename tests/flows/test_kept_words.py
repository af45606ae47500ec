"""Words kept without moving on (flows/kept_words.py): the later parts of one long text, as
the web chat sends a paste, on the pure flow."""

from __future__ import annotations

import pytest

from bot.services.render import Renderer
from flows.intake import IntakeFlow
from flows.messages import Inbound
from tests.conftest import Clock
from tests.flows.chat import Chat

FIRST = "ik kan goed tekenen en ik help graag anderen. " * 80  # as much as one message holds
LATER = "en ik speel ook graag gitaar met mijn vrienden na school. " * 40


@pytest.fixture
def chat(flow: IntakeFlow, renderer: Renderer, clock: Clock) -> Chat:
    return Chat(flow, renderer, clock.now)


def later_part(chat: Chat, text: str = LATER) -> list[str]:
    """Send a later part of the same long text; the keys of what the flow answers."""
    return chat.keys(chat.send(Inbound("text", text=text, continued=True)))


def test_a_later_part_gets_no_reply_of_its_own_and_does_not_answer_the_next_question(
    chat: Chat,
) -> None:
    chat.consented()
    chat.tap("age:18_20")
    assert chat.keys(chat.type(FIRST)) == ["intake.kept"]  # Vraag 2 is asked with it

    assert later_part(chat) == []
    assert chat.intake is not None and chat.intake.state == "q.health"
    assert chat.intake.answers["strengths"].text == FIRST
    assert chat.intake.answers["health"].text == LATER  # kept, the question still open
    assert chat.intake.answers["health"].choice is None


def test_before_consent_a_later_part_is_neither_kept_nor_answered_again(chat: Chat) -> None:
    chat.start()
    assert chat.keys(chat.type(FIRST)) == ["consent.need_answer", "consent.ask"]

    assert later_part(chat) == []
    assert chat.intake is None


def test_in_the_queue_a_later_part_is_kept_for_the_coach_without_a_second_reply(
    chat: Chat,
) -> None:
    chat.consented()
    chat.tap("talk")
    assert chat.keys(chat.type(FIRST)) == ["queued.note_kept"]

    assert later_part(chat) == []
    assert chat.last.notes_for_coach == [LATER]


def test_a_later_part_with_crisis_words_is_answered_as_a_crisis(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:18_20")
    chat.type(FIRST)

    keys = later_part(chat, "ik heb de pillen al klaarliggen, vanavond neem ik ze allemaal")

    assert keys[:2] == ["crisis.alert", "crisis.safe_ask"]
