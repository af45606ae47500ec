"""The doorway's ends never strand anyone: after an erase, a decline or the age referral,
whatever the youngster writes gets a way forward (a button, or /start in the words)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.services.render import Renderer
from flows.intake import AGE, IntakeFlow
from flows.messages import Inbound
from tests.conftest import Clock
from tests.flows.chat import Chat


@pytest.fixture
def chat(flow: IntakeFlow, renderer: Renderer, clock: Clock) -> Chat:
    return Chat(flow, renderer, clock.now)


def erased(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.command("stop")
    chat.tap("stop:delete")


def declined(chat: Chat) -> None:
    chat.start()
    chat.tap_button("consent.no")


def too_young(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:under_12")


ENDS: dict[str, Callable[[Chat], None]] = {
    "erased": erased,
    "declined": declined,
    "too-young": too_young,
}
WRITTEN: dict[str, Inbound] = {
    "typed": Inbound("text", text="hallo?"),
    "edited": Inbound("edited", text="hallo? ben je er nog"),
    "help": Inbound("command", command="help"),
    "status": Inbound("command", command="status"),
    "stop": Inbound("command", command="stop"),
    "other-coach": Inbound("command", command="andere_coach"),
    "unknown-command": Inbound("command", command="wat"),
}


@pytest.mark.parametrize("written", WRITTEN)
@pytest.mark.parametrize("end", ENDS)
def test_whatever_is_written_after_an_end_gets_a_way_forward(
    chat: Chat, renderer: Renderer, end: str, written: str
) -> None:
    ENDS[end](chat)
    assert chat.intake is None
    step = chat.send(WRITTEN[written])
    assert step.outbound
    texts = [renderer.render(m, step.language).text for m in step.outbound]
    assert any(m.buttons for m in step.outbound) or any("/start" in t for t in texts), texts


@pytest.mark.parametrize("end", ENDS)
def test_typing_after_an_end_offers_the_consent_buttons_again(chat: Chat, end: str) -> None:
    ENDS[end](chat)
    step = chat.type("hallo?")
    assert chat.keys(step) == ["consent.need_answer", "consent.ask"]
    assert chat.button_data(step.outbound[1])[:2] == ["consent:yes:nl:", "consent:no:nl:"]
    assert step.intake is None


def test_the_consent_buttons_after_an_erase_start_again_at_the_age_question(chat: Chat) -> None:
    erased(chat)
    chat.type("sorry, toch wel")
    chat.tap_button("consent.yes")
    assert chat.intake is not None and chat.intake.state == AGE
    assert chat.intake.answers == {} and chat.intake.age_band is None


def test_no_reply_points_at_buttons_above_that_are_not_there(
    chat: Chat, renderer: Renderer
) -> None:
    declined(chat)  # the consent keyboard now shows the answer, without buttons
    step = chat.type("wat moet ik doen?")
    for message in step.outbound:
        text = renderer.render(message, "nl").text
        assert "hierboven" not in text or message.buttons, text
