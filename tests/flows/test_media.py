"""Voice notes, photos and files count as words (flows/media.py), on the pure flow."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.services.render import Renderer
from flows.content import Content
from flows.intake import QUEUED, SUMMARY, IntakeFlow, Rules
from flows.media import for_coach
from flows.messages import Inbound, MediaRef, Outbound, Ref
from flows.state import KeptMedia, MediaNote, Stat
from flows.summary import EXTRA
from tests.conftest import Clock
from tests.flows.chat import Chat
from tests.support.detector import content_finding

QUESTIONS = ["strengths", "health", "home", "goals", "money", "network"]


@pytest.fixture
def chat(flow: IntakeFlow, renderer: Renderer, clock: Clock) -> Chat:
    return Chat(flow, renderer, clock.now)


def send(chat: Chat, ref: str, kind: str = "voice", caption: str = "") -> list[str]:
    """The youngster sends a voice note (or another kind); the keys of the replies."""
    step = chat.send(Inbound("media", message_id=ref, media=kind, caption=caption))
    return chat.keys(step)


def at_health(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.tap("q.strengths:skip")


def to_summary(chat: Chat) -> None:
    assert chat.intake is not None
    while chat.intake.state != SUMMARY:
        chat.tap(f"{chat.intake.state}:skip")


def summary_text(chat: Chat, renderer: Renderer) -> str:
    return renderer.render(chat.last.outbound[-1], "nl").text


def summary_buttons(chat: Chat, renderer: Renderer) -> list[tuple[str, str]]:
    return [b for row in renderer.render(chat.last.outbound[-1], "nl").buttons for b in row]


# -- kept during the intake ---------------------------------------------------------------------


def test_a_voice_note_at_a_question_is_kept_with_it_and_the_reply_says_saved_for_your_coach(
    chat: Chat, renderer: Renderer
) -> None:
    at_health(chat)
    assert send(chat, "31") == ["media.kept"]
    assert chat.intake is not None
    assert chat.intake.media == [MediaNote("31", "voice", "health")]
    reply = renderer.render(chat.last.outbound[0], "nl")
    assert reply.text.startswith("Bewaard voor je coach 👍\n\nVraag 2 van 6")
    assert ("Liever niet zeggen", "q.health:skip") in [b for row in reply.buttons for b in row]


def test_the_reply_says_saved_for_your_coach_in_english(
    chat: Chat, renderer: Renderer, clock: Clock
) -> None:
    chat.start(hint="en")
    chat.tap_button("consent.yes")
    chat.tap("age:16_17")
    send(chat, "31")
    assert renderer.render(chat.last.outbound[0], "en").text.startswith("Saved for your coach")


def test_a_voice_note_at_a_check_in_keeps_the_question_open(chat: Chat) -> None:
    at_health(chat)
    send(chat, "31")
    assert chat.intake is not None and chat.intake.state == "q.health"


def test_a_voice_note_at_the_open_question_answers_it_like_typed_words(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    send(chat, "20")
    assert chat.intake is not None and chat.intake.state == "q.health"
    assert chat.intake.media == [MediaNote("20", "voice", "strengths")]
    assert Stat("answered", "strengths", "media") in chat.last.stats


def test_a_voice_note_at_the_age_question_is_kept_apart_and_the_age_is_asked_again(
    chat: Chat,
) -> None:
    chat.consented()
    assert send(chat, "9") == ["media.kept"]
    assert chat.intake is not None and chat.intake.state == "age"
    assert chat.intake.media == [MediaNote("9", "voice", EXTRA)]
    assert chat.last.outbound[0].params["question"] == Ref("age.ask")


def test_every_kind_of_file_is_kept(chat: Chat) -> None:
    at_health(chat)
    for ref, kind in enumerate(("voice", "photo", "video", "video_note", "audio", "document")):
        assert send(chat, str(ref), kind) == ["media.kept"]
    assert chat.intake is not None and len(chat.intake.media) == 6


def test_a_caption_is_kept_as_words_with_its_photo(chat: Chat) -> None:
    at_health(chat)
    send(chat, "40", "photo", caption="mijn kamer")
    assert chat.intake is not None
    assert chat.intake.media == [MediaNote("40", "photo", "health", "mijn kamer")]


def test_a_sticker_changes_nothing_and_gets_a_kind_reply(chat: Chat, renderer: Renderer) -> None:
    at_health(chat)
    assert send(chat, "41", kind="") == ["media.not_kept"]
    assert chat.intake is not None and chat.intake.media == []
    text = renderer.render(chat.last.outbound[0], "nl").text
    assert text.startswith("Dit kan ik niet bewaren voor je coach")


def test_a_voice_note_before_consent_keeps_nothing(chat: Chat) -> None:
    chat.start()
    assert send(chat, "2") == ["consent.need_answer", "consent.ask"]  # as typed text
    assert chat.intake is None


def test_a_voice_note_after_a_long_break_is_kept_apart_and_says_welcome_back(
    chat: Chat, clock: Clock
) -> None:
    at_health(chat)
    chat.now = clock.now.replace(hour=22)
    assert send(chat, "50") == ["media.saved", "resume.welcome_back", "intake.checkin"]
    assert chat.intake is not None and chat.intake.media == [MediaNote("50", "voice", EXTRA)]


def test_starting_again_forgets_the_kept_media(chat: Chat) -> None:
    at_health(chat)
    send(chat, "31")
    chat.command("opnieuw")
    assert chat.intake is not None and chat.intake.media == []


# -- on the summary -----------------------------------------------------------------------------


def test_a_kept_voice_note_is_listed_under_its_question_on_the_summary(
    chat: Chat, renderer: Renderer
) -> None:
    at_health(chat)
    chat.tap("q.health:2")
    send(chat, "31")  # at the home question, left unanswered
    to_summary(chat)
    text = summary_text(chat, renderer)
    assert "• Thuis: 🎤 spraakbericht" in text


def test_a_voice_note_with_the_answer_of_its_question_sits_right_under_it(
    chat: Chat, renderer: Renderer
) -> None:
    at_health(chat)
    send(chat, "31", "photo", caption="mijn kamer")
    chat.tap("q.health:2")
    to_summary(chat)
    assert "• Gezondheid: 🙁 niet zo goed\n   📷 foto “mijn kamer”\n" in summary_text(
        chat, renderer
    )


def test_the_summary_offers_to_take_a_kept_voice_note_off(chat: Chat, renderer: Renderer) -> None:
    at_health(chat)
    send(chat, "31")
    to_summary(chat)
    assert ("🗑 🎤 spraakbericht", "summary:rm.media.31") in summary_buttons(chat, renderer)


def test_two_voice_notes_are_told_apart_on_the_summary(chat: Chat, renderer: Renderer) -> None:
    at_health(chat)
    send(chat, "31")
    send(chat, "32")
    to_summary(chat)
    assert "• Gezondheid: 🎤 spraakbericht\n   🎤 spraakbericht 2" in summary_text(chat, renderer)
    buttons = summary_buttons(chat, renderer)
    assert ("🗑 🎤 spraakbericht 2", "summary:rm.media.32") in buttons


def test_a_voice_note_taken_off_the_summary_is_no_longer_kept(
    chat: Chat, renderer: Renderer
) -> None:
    at_health(chat)
    send(chat, "31")
    chat.tap("q.health:2")
    to_summary(chat)
    step = chat.tap("summary:rm.media.31")
    assert chat.intake is not None and chat.intake.media == []
    assert "spraakbericht" not in summary_text(chat, renderer)
    assert "• Gezondheid: 🙁 niet zo goed" in summary_text(chat, renderer)
    assert step.stats == [Stat("removed", "media", "voice")]


def test_a_voice_note_sent_on_the_summary_shows_at_once(chat: Chat, renderer: Renderer) -> None:
    at_health(chat)
    to_summary(chat)
    assert send(chat, "60") == ["media.kept"]
    rendered = renderer.render(chat.last.outbound[0], "nl")
    assert rendered.text.startswith(
        "Bewaard voor je coach 👍\n\n"
        "Dit krijgen de coaches van Klik te zien (soms ook een teamleider)."
    )
    assert "• Wat je nog schreef: 🎤 spraakbericht" in rendered.text


# -- while waiting ------------------------------------------------------------------------------


def test_a_photo_sent_while_waiting_is_kept_for_the_coach(chat: Chat) -> None:
    at_health(chat)
    chat.tap("talk")
    assert send(chat, "70", "photo") == ["queued.note_kept"]
    assert chat.intake is not None and chat.intake.state == QUEUED
    assert chat.intake.media == [MediaNote("70", "photo", "waiting")]


def test_media_sent_while_waiting_join_the_summary_after_leaving_the_queue(
    chat: Chat, renderer: Renderer
) -> None:
    at_health(chat)
    chat.tap("talk")
    send(chat, "70", "photo")
    chat.command("stop")
    chat.tap("stop:keep")
    assert chat.intake is not None
    assert chat.intake.media == [MediaNote("70", "photo", EXTRA)]


def test_once_a_coach_has_the_case_a_voice_note_goes_straight_to_them(chat: Chat) -> None:
    at_health(chat)
    chat.tap("talk")
    assert chat.intake is not None and chat.intake.case is not None
    chat.intake.case = replace(chat.intake.case, coach="Lotte", state="active")
    step = chat.send(Inbound("media", message_id="80", media="voice"))
    assert step.media_for_coach and chat.keys(step) == []
    assert chat.intake.media == []


# -- with a crisis signal in the caption ---------------------------------------------------------


def test_a_photo_with_crisis_words_is_kept_at_its_question_and_the_words_apart(
    content: Content, rules: Rules, renderer: Renderer, clock: Clock
) -> None:
    acute = Chat(
        IntakeFlow(content_finding(content, level="acute", rule="means_intent"), rules),
        renderer,
        clock.now,
    )
    at_health(acute)
    acute.send(Inbound("media", message_id="90", media="photo", caption="SIGNAAL"))
    assert acute.intake is not None and acute.intake.state == QUEUED
    assert acute.intake.media == [MediaNote("90", "photo", "health")]
    assert acute.intake.answers[EXTRA].text == "SIGNAAL"


def test_the_review_after_a_crisis_lists_the_photo_and_can_take_it_off(
    content: Content, rules: Rules, renderer: Renderer, clock: Clock
) -> None:
    acute = Chat(
        IntakeFlow(content_finding(content, level="acute", rule="means_intent"), rules),
        renderer,
        clock.now,
    )
    at_health(acute)
    send(acute, "31", "photo")
    acute.type("SIGNAAL")
    acute.tap("safe:yes")
    buttons = summary_buttons(acute, renderer)
    assert ("🗑 📷 foto", "review:rm.media.31") in buttons
    acute.tap("review:rm.media.31")
    assert acute.intake is not None and acute.intake.media == []


# -- for the coach who claims -------------------------------------------------------------------

KEPT_31 = MediaRef("telegram", "y1", "31", "voice")
KEPT_60 = MediaRef("telegram", "y1", "60", "photo")
KEPT_70 = MediaRef("telegram", "y1", "70", "photo")
KEPT = [
    KeptMedia(MediaNote("31", "voice", "health"), KEPT_31),
    KeptMedia(MediaNote("60", "photo", EXTRA), KEPT_60),
    KeptMedia(MediaNote("70", "photo", "waiting"), KEPT_70),
]


def test_the_coach_gets_each_kept_file_as_a_copy_after_a_line_saying_where_it_belongs(
    content: Content,
) -> None:
    messages = for_coach(content.questionnaire, 7, "Sam-4821", KEPT, answers=True, waiting=True)
    assert messages == [
        Outbound(
            "media.for_coach_at",
            {"pseudonym": "Sam-4821", "label": Ref("q.health.label")},
            tag="case:7",
        ),
        Outbound("media.copy", copy=KEPT_31, tag="case:7"),
        Outbound("media.for_coach_extra", {"pseudonym": "Sam-4821"}, tag="case:7"),
        Outbound("media.copy", copy=KEPT_60, tag="case:7"),
        Outbound("media.for_coach_waiting", {"pseudonym": "Sam-4821"}, tag="case:7"),
        Outbound("media.copy", copy=KEPT_70, tag="case:7"),
    ]


def test_before_the_youngster_shares_the_answers_only_what_was_sent_while_waiting_is_copied(
    content: Content,
) -> None:
    messages = for_coach(content.questionnaire, 7, "Sam-4821", KEPT, answers=False, waiting=True)
    assert [m.copy for m in messages if m.copy] == [KEPT_70]
