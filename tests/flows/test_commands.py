"""/status while waiting: the deadline that was told, and outside service hours when coaches
are back, in one message that does not contradict itself."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.render import Renderer
from flows.intake import IntakeFlow
from tests.flows.chat import Chat


def queued_on_friday_night(flow: IntakeFlow, renderer: Renderer) -> Chat:
    chat = Chat(flow, renderer, datetime(2026, 11, 27, 21, 30, tzinfo=UTC))  # 22:30 in Brussels
    chat.consented()
    chat.tap("talk")
    return chat


def status(chat: Chat, renderer: Renderer, now: datetime) -> tuple[str, str]:
    chat.now = now
    step = chat.command("status")
    return chat.keys(step)[0], renderer.render(step.outbound[0], "nl").text


def test_on_saturday_status_tells_the_told_deadline_and_that_coaches_are_back_on_monday(
    flow: IntakeFlow, renderer: Renderer
) -> None:
    chat = queued_on_friday_night(flow, renderer)
    key, text = status(chat, renderer, datetime(2026, 11, 28, 10, 0, tzinfo=UTC))
    assert key == "status.queued_closed"
    assert "vanaf maandag om 09:00 zijn de coaches er weer" in text
    assert "uiterlijk dinsdag 1 december om 21:00" in text


def test_during_service_hours_status_tells_only_the_deadline(
    flow: IntakeFlow, renderer: Renderer
) -> None:
    chat = queued_on_friday_night(flow, renderer)
    key, text = status(chat, renderer, datetime(2026, 11, 30, 9, 0, tzinfo=UTC))  # Monday 10:00
    assert key == "status.queued"
    assert text.endswith("Een coach reageert uiterlijk dinsdag 1 december om 21:00.")


def test_after_the_deadline_at_night_status_says_sorry_and_when_coaches_are_back(
    flow: IntakeFlow, renderer: Renderer
) -> None:
    chat = queued_on_friday_night(flow, renderer)
    key, text = status(chat, renderer, datetime(2026, 12, 1, 21, 30, tzinfo=UTC))  # Tue 22:30
    assert key == "status.queued_late_closed"
    assert "langer dan we beloofden" in text
    assert text.endswith("Vanaf morgen om 09:00 zijn de coaches er weer.")
