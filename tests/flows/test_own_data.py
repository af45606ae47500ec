"""/mijngegevens and /vergeet in the pure flow: what a youngster is told Klik keeps, in their
language, and erasing only after a plain yes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.services.render import Renderer
from flows.intake import IntakeFlow
from flows.own_data import Kept, overview
from flows.retention import Retention
from flows.state import CaseView, Intake
from tests.flows.chat import Chat

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def chat(flow: IntakeFlow, renderer: Renderer) -> Chat:
    return Chat(flow, renderer, NOW)


def answered(chat: Chat) -> Intake:
    chat.consented()
    chat.tap("age:16_17")
    chat.type("Ik speel graag Zebrapaardje42 met mijn broer")
    chat.tap("q.health:2")
    assert chat.intake is not None
    return chat.intake


def said(flow: IntakeFlow, renderer: Renderer, intake: Intake, kept: Kept, lang: str = "nl") -> str:
    message, _ = overview(flow.questionnaire, flow.rules, intake, kept)
    return renderer.render(message, lang).text


def test_mydata_before_consent_says_plainly_that_nothing_is_kept(chat: Chat) -> None:
    chat.start()
    step = chat.command("mijngegevens")
    assert chat.keys(step) == ["mydata.nothing"] and not step.own_data


def test_mydata_after_consent_asks_the_service_for_what_is_kept(chat: Chat) -> None:
    chat.consented()
    step = chat.command("mydata")
    assert step.own_data and step.intake is not None and not step.forget


def test_the_overview_holds_every_answer_in_full_with_the_pseudonym(
    flow: IntakeFlow, renderer: Renderer, chat: Chat
) -> None:
    intake = replace(answered(chat), pseudonym="Sam-4821")  # storage gives it
    text = said(flow, renderer, intake, Kept(NOW, 0, None))
    assert "Zebrapaardje42 met mijn broer" in text
    assert "Je schuilnaam: Sam-4821" in text
    assert "Wie leest dit? Nog niemand" in text


def test_the_overview_holds_the_reach_answers_the_coach_does_not_see(
    flow: IntakeFlow, renderer: Renderer, chat: Chat
) -> None:
    chat.consented()
    chat.tap("age:skip")
    for question in ("strengths", "health", "home", "goals", "money", "network"):
        chat.tap(f"q.{question}:skip")
    chat.tap("summary:send")
    chat.tap("reach:school_work:work")
    assert chat.intake is not None
    text = said(flow, renderer, chat.intake, Kept(NOW, 0, None))
    assert "School of werk: Ik werk" in text


def test_an_unfinished_intake_is_told_the_day_it_is_erased_after_thirty_days(
    flow: IntakeFlow, renderer: Renderer, chat: Chat
) -> None:
    intake = replace(answered(chat), last_seen=datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    text = said(flow, renderer, intake, Kept(NOW, 0, None))
    assert "dan wis ik alles op 30 december 2026" in text


def test_a_closed_case_tells_the_coach_the_message_count_and_a_year_after_closing(
    flow: IntakeFlow, renderer: Renderer, chat: Chat
) -> None:
    closed = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    case = CaseView(NOW, NOW, coach="Lotte", state="closed")
    intake = replace(answered(chat), case=case)
    text = said(flow, renderer, intake, Kept(NOW, 7, closed))
    assert "je gesprek met Lotte is afgesloten op 1 december 2026" in text
    assert "Berichten in je gesprek: 7. Ik bewaar ze tot 1 december 2027" in text


def test_an_active_case_names_the_coach_in_english_for_an_english_youngster(
    flow: IntakeFlow, renderer: Renderer, chat: Chat
) -> None:
    case = CaseView(NOW, NOW, coach="Lotte", state="active")
    intake = replace(answered(chat), case=case, language="en")
    text = said(flow, renderer, intake, Kept(NOW, 3, None), "en")
    assert "you're talking with Lotte" in text
    assert "Messages in your conversation: 3" in text and "365 days after it ends" in text


def test_a_closed_case_is_told_kept_as_long_as_the_retention_setting_says(
    flow: IntakeFlow, renderer: Renderer, chat: Chat
) -> None:
    rules = replace(flow.rules, retention=Retention(closed_case_days=90))
    closed = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    intake = replace(answered(chat), case=CaseView(NOW, NOW, coach="Lotte", state="closed"))
    message, _ = overview(flow.questionnaire, rules, intake, Kept(NOW, 7, closed))
    assert "Ik bewaar ze tot 1 maart 2027" in renderer.render(message, "nl").text


def test_after_a_case_the_overview_says_feedback_is_kept_anonymously_and_unlinked(
    flow: IntakeFlow, renderer: Renderer, chat: Chat
) -> None:
    intake = replace(answered(chat), case=CaseView(NOW, NOW, coach="Lotte", state="closed"))
    text = said(flow, renderer, intake, Kept(NOW, 7, NOW))
    assert "Zeg je na een gesprek hoe het was, dan bewaar ik dat anoniem" in text
    assert "niet meer aan jou koppelen" in text


def test_the_overview_is_also_a_file_with_the_same_words(
    flow: IntakeFlow, renderer: Renderer, chat: Chat
) -> None:
    intake = answered(chat)
    message, document = overview(flow.questionnaire, flow.rules, intake, Kept(NOW, 0, None))
    assert (message.document, document.document) == ("", "mydata.file")
    assert renderer.render(document, "nl").text == renderer.render(message, "nl").text


def test_forget_asks_first_and_erases_nothing_yet(chat: Chat) -> None:
    chat.consented()
    step = chat.command("vergeet")
    assert chat.keys(step) == ["forget.ask"] and not step.forget
    assert chat.button_data(step.outbound[0]) == ["forget:yes", "forget:no"]


def test_forget_then_no_keeps_everything(chat: Chat) -> None:
    answered(chat)
    chat.command("forget")
    step = chat.tap("forget:no")
    assert chat.keys(step) == ["forget.kept"] and not step.forget
    assert step.intake is not None and step.intake.answers


def test_forget_then_yes_erases_the_intake(chat: Chat) -> None:
    answered(chat)
    chat.command("vergeet")
    step = chat.tap("forget:yes")
    assert step.forget and step.intake is None
    assert chat.keys(step) == ["forget.done"]


def test_forget_with_a_coach_says_the_copies_in_the_coach_s_chat_are_theirs_to_delete(
    chat: Chat, renderer: Renderer
) -> None:
    answered(chat)
    assert chat.intake is not None
    chat.intake.case = CaseView(NOW, NOW, coach="Lotte", state="active")
    chat.command("vergeet")
    step = chat.tap("forget:yes")
    assert chat.keys(step) == ["forget.done_coach"]
    assert "Ik heb Lotte gevraagd om het te wissen" in renderer.render(step.outbound[0], "nl").text


def test_forget_before_consent_says_nothing_is_kept(chat: Chat) -> None:
    chat.start()
    step = chat.command("vergeet")
    assert chat.keys(step) == ["stop.nothing"] and not step.forget


def test_a_forged_forget_answer_changes_nothing(chat: Chat) -> None:
    answered(chat)
    step = chat.tap("forget:maybe")
    assert step.tap is not None and step.tap.kind == "unknown" and not step.forget


def test_after_leaving_the_queue_the_messages_kept_are_told_beside_the_paused_intake(
    flow: IntakeFlow, renderer: Renderer, chat: Chat
) -> None:
    intake = answered(chat)  # a withdrawn case is not the intake's case any more
    left = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    text = said(flow, renderer, intake, Kept(NOW, 2, left))
    assert "dan wis ik alles op 30 december 2026" in text
    assert "Berichten in je gesprek: 2. Ik bewaar ze tot 2 december 2027" in text
