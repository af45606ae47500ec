"""The doorway's ends never strand anyone: after an erase, a decline or the age referral,
whatever the youngster writes gets a way forward (a button, or /start in the words)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.services.render import Renderer
from flows.intake import AGE, IntakeFlow
from flows.messages import Inbound
from flows.summary import EXTRA
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


# -- an age typed instead of tapped ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "band"),
    [("16", "16_17"), ("ik ben 16", "16_17"), ("bijna 15", "12_15"), ("19 years old", "18_20")],
)
def test_an_age_typed_at_the_age_question_is_taken_as_the_tap_on_its_band(
    chat: Chat, typed: str, band: str
) -> None:
    chat.consented()
    step = chat.type(typed)
    assert chat.intake is not None and chat.intake.age_band == band
    assert chat.intake.state != AGE
    assert chat.keys(step) == ["intake.open"]  # the first question, not "Bewaard" and again
    assert EXTRA not in chat.intake.answers  # the age is not kept as a note as well


def test_a_typed_age_under_the_minimum_gets_the_referral_and_nothing_is_kept(chat: Chat) -> None:
    chat.consented()
    step = chat.type("ik ben 11")
    assert chat.keys(step) == ["age.too_young"]
    assert step.intake is None and step.forget


@pytest.mark.parametrize(
    "typed",
    [
        "ik woon sinds mijn 16 bij mijn tante",
        "1999",
        "12 of 13",
        "16-17",
        "mijn geheim is ZEBRA-42",
    ],
)
def test_words_that_hold_no_single_age_are_kept_and_the_question_asked_again(
    chat: Chat, typed: str
) -> None:
    chat.consented()
    step = chat.type(typed)
    assert chat.intake is not None and chat.intake.state == AGE
    assert chat.intake.age_band is None
    assert chat.keys(step) == ["intake.kept"]
