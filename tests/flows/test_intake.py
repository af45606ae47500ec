"""Every path of the intake machine, on the pure flow."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.services.render import Renderer
from flows.intake import AGE, QUEUED, SUMMARY, IntakeFlow, Rules
from flows.messages import HelpLines, Inbound, Param, Ref, When
from tests.conftest import Clock
from tests.flows.chat import Chat

QUESTIONS = ["strengths", "health", "home", "goals", "money", "network"]
PREFERENCES = ["coach_gender", "coach_language", "contact_time", "contact_mode", "region"]
EVERY_PREFERENCE = [*PREFERENCES, "found_us"]  # found_us: asked only without a link source


@pytest.fixture
def chat(flow: IntakeFlow, renderer: Renderer, clock: Clock) -> Chat:
    return Chat(flow, renderer, clock.now)


def skip_all_questions(chat: Chat) -> None:
    chat.tap("age:skip")
    for question in QUESTIONS:
        chat.tap(f"q.{question}:skip")


# -- start, consent, age ------------------------------------------------------------------


def test_start_shows_the_welcome_and_asks_consent_without_keeping_anything(chat: Chat) -> None:
    step = chat.start("insta")
    assert chat.keys() == ["welcome"]
    assert step.intake is None
    assert "consent:yes:nl:insta" in chat.button_data(step.outbound[0])


def test_the_welcome_and_the_consent_question_are_one_message(
    chat: Chat, renderer: Renderer
) -> None:
    step = chat.start()
    text = renderer.render(step.outbound[0], "nl").text
    assert text.startswith("Hoi!")
    assert text.endswith(renderer.ref(Ref("consent.ask"), "nl"))


def test_the_welcome_states_the_promise_in_hours(chat: Chat, renderer: Renderer) -> None:
    step = chat.start()
    text = renderer.render(step.outbound[0], "nl").text
    assert "binnen 24 uur" in text
    assert "niet de politie" in text


@pytest.mark.parametrize(
    ("language", "who"),
    [
        ("nl", "Soms leest ook een teamleider van Klik mee: als het dringend is, of als nog geen"),
        ("en", "Sometimes a Klik team lead reads them too: when it's urgent, or when no coach"),
    ],
)
def test_the_welcome_says_a_team_lead_reads_along_when_urgent_or_late(
    chat: Chat, renderer: Renderer, language: str, who: str
) -> None:
    step = chat.start(hint=language)
    text = renderer.render(step.outbound[0], language).text
    assert who in text
    assert "alleen de coaches" not in text and "Only Klik's coaches" not in text


def test_the_summary_says_a_team_lead_may_read_it_too(chat: Chat, renderer: Renderer) -> None:
    chat.consented()
    skip_all_questions(chat)
    text = renderer.render(chat.last.outbound[0], "nl").text
    assert text.startswith("Dit krijgen de coaches van Klik te zien (soms ook een teamleider).")


def test_an_unknown_link_source_is_counted_as_other(chat: Chat) -> None:
    chat.start("free-text-from-a-link")
    step = chat.tap_button("consent.yes")
    assert step.intake is not None and step.intake.source == "other"


def test_declining_consent_keeps_nothing_but_an_anonymous_count(chat: Chat) -> None:
    chat.start("tiktok")
    step = chat.tap_button("consent.no")
    assert step.intake is None
    assert chat.keys() == ["consent.declined"]
    assert [(s.kind, s.value) for s in step.stats] == [("consent_declined", "tiktok")]


def test_the_language_button_shows_the_welcome_in_english(chat: Chat, renderer: Renderer) -> None:
    chat.start()
    step = chat.tap("lang:en:")
    assert step.language == "en"
    assert renderer.render(step.outbound[0], step.language).text.startswith("Hi!")
    chat.tap_button("consent.yes")
    assert chat.intake is not None and chat.intake.language == "en"


def test_an_english_telegram_client_gets_english_by_default(chat: Chat) -> None:
    step = chat.start(hint="en-GB")
    assert step.language == "en"


def test_the_language_switch_button_is_labelled_in_the_other_language(
    chat: Chat, renderer: Renderer
) -> None:
    step = chat.start()
    labels = [label for row in renderer.render(step.outbound[0], "nl").buttons for label, _ in row]
    assert "🇬🇧 English" in labels


def test_under_the_minimum_age_gets_a_kind_referral_and_nothing_is_kept(chat: Chat) -> None:
    chat.consented()
    step = chat.tap("age:under_12")
    assert step.intake is None and step.forget
    assert chat.keys() == ["age.too_young"]
    assert step.outbound[0].params["help_lines"] == HelpLines("under_age")
    assert [s.kind for s in step.stats] == ["too_young"]


def test_the_minimum_age_comes_from_the_settings(
    content: object, rules: Rules, renderer: Renderer, clock: Clock
) -> None:
    from flows.content import Content

    assert isinstance(content, Content)
    strict = Chat(IntakeFlow(content, replace(rules, min_age=16)), renderer, clock.now)
    strict.consented()
    assert strict.tap("age:12_15").intake is None
    lenient = Chat(IntakeFlow(content, rules), renderer, clock.now)
    lenient.consented()
    assert lenient.tap("age:12_15").intake is not None


# -- the questions ----------------------------------------------------------------------


def test_skipping_every_question_reaches_the_queue_within_ten_taps(chat: Chat) -> None:
    chat.consented()
    skip_all_questions(chat)
    assert chat.intake is not None and chat.intake.state == SUMMARY
    chat.tap("summary:send")
    assert chat.intake.state == QUEUED
    assert chat.taps <= 10
    assert chat.intake.answers == {}


def test_progress_is_shown_as_n_of_total(chat: Chat) -> None:
    chat.consented()
    step = chat.tap("age:16_17")
    progress = step.outbound[0].params["progress"]
    assert progress.params == {"n": 1, "total": 6}  # type: ignore[union-attr]
    step = chat.tap("q.strengths:skip")
    assert step.outbound[0].params["progress"].params == {"n": 2, "total": 6}  # type: ignore[union-attr]


def test_progress_reads_as_words(chat: Chat, renderer: Renderer) -> None:
    chat.consented()
    chat.tap("age:16_17")
    step = chat.tap("q.strengths:skip")
    assert renderer.render(step.outbound[0], "nl").text.startswith("Vraag 2 van 6")


def test_the_opener_asks_what_goes_well_first(chat: Chat) -> None:
    chat.consented()
    step = chat.tap("age:18_20")
    assert step.outbound[0].params["question"].key == "q.strengths.ask"  # type: ignore[union-attr]


def test_a_typed_answer_to_the_opener_is_kept_and_moves_on(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:18_20")
    step = chat.type("ik kan goed voetballen")
    assert chat.intake is not None
    assert chat.intake.answers["strengths"].text == "ik kan goed voetballen"
    assert chat.intake.state == "q.health"
    assert chat.keys(step) == ["intake.kept"]


def test_free_text_on_a_check_in_is_kept_with_that_domain_and_the_question_stays(
    chat: Chat,
) -> None:
    chat.consented()
    chat.tap("age:18_20")
    chat.tap("q.strengths:skip")
    chat.type("ik slaap heel slecht")
    chat.type("al weken")
    assert chat.intake is not None and chat.intake.state == "q.health"
    chat.tap("q.health:2")
    assert chat.intake.answers["health"].text == "ik slaap heel slecht\nal weken"
    assert chat.intake.answers["health"].choice == "2"


def test_a_check_in_tap_shows_the_chosen_answer(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:18_20")
    chat.tap("q.strengths:skip")
    step = chat.tap("q.health:4")
    assert step.tap is not None and step.tap.kind == "answered"
    assert step.tap.label is not None and step.tap.label.key == "scale.4"


def test_free_text_at_the_age_question_is_kept_as_extra(chat: Chat) -> None:
    chat.consented()
    chat.type("ik weet niet of dit iets voor mij is")
    assert chat.intake is not None and chat.intake.state == AGE
    assert chat.intake.answers["extra"].text == "ik weet niet of dit iets voor mij is"


def test_emoji_spam_of_four_thousand_characters_is_kept_whole(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:18_20")
    chat.tap("q.strengths:skip")
    spam = "😀" * 4000
    chat.type(spam)
    assert chat.intake is not None and chat.intake.answers["health"].text == spam


def test_a_sticker_is_not_words_and_gets_a_kind_reply_that_changes_nothing(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:18_20")
    before = chat.intake
    step = chat.send(Inbound("media", message_id="12"))  # no kind: a sticker, a GIF
    assert chat.keys(step) == ["media.not_kept"]
    assert step.intake == before


def test_an_edited_message_is_kept_as_well(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:18_20")
    step = chat.send(Inbound("edited", text="eigenlijk gaat het wel"))
    assert chat.keys(step) == ["edited.kept"]
    assert chat.intake is not None and chat.intake.answers["extra"].text == "eigenlijk gaat het wel"


# -- talk to someone ----------------------------------------------------------------------


STEPS_BEFORE_TALK = [
    ["age:16_17"],
    ["age:16_17", "q.strengths:skip"],
    ["age:16_17", "q.strengths:skip", "q.health:3"],
    ["age:16_17", "q.strengths:skip", "q.health:3", "q.home:1"],
    ["age:16_17", "q.strengths:skip", "q.health:3", "q.home:1", "q.goals:4"],
    ["age:16_17", "q.strengths:skip", "q.health:3", "q.home:1", "q.goals:4", "q.money:2"],
    [],
]


@pytest.mark.parametrize("taps", STEPS_BEFORE_TALK, ids=lambda t: f"after-{len(t)}-taps")
def test_talk_to_someone_at_any_question_goes_straight_to_the_queue(
    chat: Chat, taps: list[str]
) -> None:
    chat.consented()
    for data in taps:
        chat.tap(data)
    step = chat.tap("talk")
    assert chat.intake is not None and chat.intake.state == QUEUED
    assert step.case_change == "open"
    assert chat.keys(step)[:2] == ["queued.talk_now", "queued.confirm"]
    kept = {k: a.choice for k, a in chat.intake.answers.items()}
    expected = {d.split(":")[0][2:]: d.split(":")[1] for d in taps if d.startswith("q.")}
    assert kept == {k: v for k, v in expected.items() if v != "skip"}


def walk_every_screen(chat: Chat) -> None:
    """The whole intake, every screen once: typed words, taps, a removal, every preference."""
    chat.consented()
    chat.tap("age:16_17")
    chat.type("ik kan goed tekenen")
    for question in QUESTIONS[1:]:
        chat.type("soms lastig")
        chat.tap(f"q.{question}:3")
    chat.tap("summary:rm.age")
    chat.tap("summary:prefs")
    chat.tap("p.coach_gender:woman")
    chat.tap("p.coach_language:any")
    chat.tap("p.contact_time:evening")
    chat.tap("p.contact_mode:chat")
    chat.type("9000")
    chat.tap("p.found_us:school")


def texts_in(key: str, params: dict[str, Param]) -> set[str]:
    """A text key and every key it shows inside it ("Bewaard 👍" + the next question)."""
    inner = [value for value in params.values() if isinstance(value, Ref)]
    return {key}.union(*(texts_in(ref.key, ref.params) for ref in inner))


def test_every_screen_of_the_intake_offers_the_talk_button(chat: Chat) -> None:
    walk_every_screen(chat)
    assert chat.intake is not None and chat.intake.state == SUMMARY
    screens = [m for step in chat.steps[1:] for m in step.outbound if m.buttons]
    assert [m.key for m in screens if "talk" not in chat.button_data(m)] == []
    asked = {key for m in screens for key in texts_in(m.key, m.params)}
    assert asked == {
        "age.ask",
        "intake.open",
        "intake.kept",
        "intake.checkin",
        "progress",
        *(f"q.{q}.ask" for q in QUESTIONS),
        "summary.intro",
        *(f"pref.{p}.ask" for p in EVERY_PREFERENCE),
    }


@pytest.mark.parametrize("preference", EVERY_PREFERENCE[1:])
def test_the_talk_button_on_a_preference_queues_with_what_was_chosen(
    chat: Chat, preference: str
) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.tap("q.strengths:skip")
    chat.tap("q.health:2")
    for question in QUESTIONS[2:]:
        chat.tap(f"q.{question}:skip")
    chat.tap("summary:prefs")
    chat.tap("p.coach_gender:woman")
    for earlier in EVERY_PREFERENCE[1 : EVERY_PREFERENCE.index(preference)]:
        chat.tap(f"p.{earlier}:skip")
    assert chat.intake is not None and chat.intake.state == f"p.{preference}"
    step = chat.tap_button("button.talk")
    assert chat.intake.state == QUEUED and step.case_change == "open"
    assert chat.keys(step)[:2] == ["queued.talk_now", "queued.confirm"]
    assert {k: a.choice for k, a in chat.intake.answers.items()} == {
        "health": "2",
        "coach_gender": "woman",
    }


def test_the_talk_button_on_the_summary_queues_with_the_answers_kept(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.type("voetbal")
    chat.tap("q.health:4")
    for question in QUESTIONS[2:]:
        chat.tap(f"q.{question}:skip")
    assert chat.keys() == ["summary.intro"]
    step = chat.tap_button("button.talk")
    assert chat.intake is not None and chat.intake.state == QUEUED
    assert step.case_change == "open"
    assert chat.keys(step)[:2] == ["queued.talk_now", "queued.confirm"]
    assert chat.intake.age_band == "16_17"
    assert {k: (a.choice, a.text) for k, a in chat.intake.answers.items()} == {
        "strengths": (None, "voetbal"),
        "health": ("4", ""),
    }


# -- summary and preferences ----------------------------------------------------------------


def test_the_summary_shows_what_the_coach_will_see(chat: Chat, renderer: Renderer) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.type("ik teken graag")
    chat.tap("q.health:2")
    for question in QUESTIONS[2:]:
        chat.tap(f"q.{question}:skip")
    text = renderer.render(chat.last.outbound[0], "nl").text
    assert "16 - 17" in text
    assert "ik teken graag" in text
    assert "🙁 niet zo goed" in text
    assert "Geld" not in text  # skipped: nothing to show


def test_removing_an_answer_in_the_summary_hides_it_from_the_coach(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.tap("q.strengths:skip")
    chat.type("thuis is het moeilijk")
    chat.tap("q.health:2")
    for question in QUESTIONS[2:]:
        chat.tap(f"q.{question}:skip")
    assert chat.intake is not None and "summary:rm.health" in chat.button_data(
        chat.last.outbound[0]
    )
    chat.tap("summary:rm.health")
    chat.tap("summary:rm.age")
    assert "health" not in chat.intake.answers
    assert chat.intake.age_band is None
    assert chat.intake.state == SUMMARY
    assert "summary:rm.health" not in chat.button_data(chat.last.outbound[0])


def test_preferences_are_optional_and_lead_back_to_the_summary(chat: Chat) -> None:
    chat.consented("insta")
    skip_all_questions(chat)
    chat.tap("summary:prefs")
    chat.tap("p.coach_gender:woman")
    chat.tap("p.coach_language:en")
    chat.tap("p.contact_time:evening")
    chat.tap("p.contact_mode:video")
    chat.type("9000")
    assert chat.intake is not None and chat.intake.state == SUMMARY
    chosen = {k: a.choice for k, a in chat.intake.answers.items()}
    assert chosen == {
        "coach_gender": "woman",
        "coach_language": "en",
        "contact_time": "evening",
        "contact_mode": "video",
        "region": "90",
    }


def test_done_on_a_preference_returns_to_the_summary_at_once(chat: Chat) -> None:
    chat.consented()
    skip_all_questions(chat)
    chat.tap("summary:prefs")
    chat.tap("p.coach_gender:man")
    chat.tap("p.coach_language:done")
    assert chat.intake is not None and chat.intake.state == SUMMARY


def test_how_did_you_find_us_is_asked_only_without_a_link_source(
    chat: Chat, flow: IntakeFlow, renderer: Renderer
) -> None:
    chat.consented("insta")
    skip_all_questions(chat)
    chat.tap("summary:prefs")
    for preference in PREFERENCES:
        chat.tap(f"p.{preference}:skip")
    assert chat.intake is not None and chat.intake.state == SUMMARY

    without = Chat(flow, renderer, chat.now)
    without.consented()
    skip_all_questions(without)
    without.tap("summary:prefs")
    for preference in PREFERENCES:
        without.tap(f"p.{preference}:skip")
    assert without.intake is not None and without.intake.state == "p.found_us"
    without.tap("p.found_us:friend")
    assert without.intake.answers["found_us"].choice == "friend"


@pytest.mark.parametrize(
    ("typed", "area"),
    [("9000", "90"), ("90", "90"), ("1012 AB", "10"), ("1012ab", "10"), (" 35 ", "35")],
)
def test_only_the_postcode_area_is_kept(chat: Chat, typed: str, area: str) -> None:
    chat.consented()
    skip_all_questions(chat)
    chat.tap("summary:prefs")
    for preference in PREFERENCES[:-1]:
        chat.tap(f"p.{preference}:skip")
    chat.type(typed)
    assert chat.intake is not None and chat.intake.answers["region"].choice == area


@pytest.mark.parametrize("typed", ["Gent", "9", "123456", "ik woon in Gent 9000"])
def test_a_postcode_that_is_not_one_is_asked_again(chat: Chat, typed: str) -> None:
    chat.consented()
    skip_all_questions(chat)
    chat.tap("summary:prefs")
    for preference in PREFERENCES[:-1]:
        chat.tap(f"p.{preference}:skip")
    step = chat.type(typed)
    assert chat.keys(step) == ["pref.region.invalid"]
    assert chat.intake is not None and "region" not in chat.intake.answers


# -- the queue ----------------------------------------------------------------------------


def test_the_deadline_is_24_open_hours_after_queueing_and_told_in_words(
    chat: Chat, renderer: Renderer
) -> None:
    chat.consented()  # Monday 14:00: seven open hours today, twelve on Tuesday, five on Wednesday
    skip_all_questions(chat)
    step = chat.tap("summary:send")
    assert chat.intake is not None and chat.intake.case is not None
    assert chat.intake.case.deadline == datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    assert step.outbound[0].params["deadline"] == When(chat.intake.case.deadline)
    text = renderer.render(step.outbound[0], "nl").text
    assert "uiterlijk woensdag 25 november om 14:00" in text


def test_outside_service_hours_one_message_says_when_coaches_are_back_and_the_deadline(
    flow: IntakeFlow, renderer: Renderer
) -> None:
    evening = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)  # Monday 23:30 in Brussels
    chat = Chat(flow, renderer, evening)
    chat.consented()
    skip_all_questions(chat)
    step = chat.tap("summary:send")
    # One message about the queue; the optional reach questions follow it (flows/reach.py).
    assert chat.keys(step) == ["queued.confirm_closed", "reach.intro", "reach.school_work.ask"]
    text = renderer.render(step.outbound[0], "nl").text
    assert "Vanaf morgen om 09:00 zijn de coaches er weer." in text
    assert "uiterlijk woensdag 25 november om 21:00" in text


def test_on_friday_night_coaches_are_back_on_monday_and_the_deadline_is_after_it(
    flow: IntakeFlow, renderer: Renderer
) -> None:
    friday_night = datetime(2026, 11, 27, 21, 30, tzinfo=UTC)  # 22:30 in Brussels
    chat = Chat(flow, renderer, friday_night)
    chat.consented()
    step = chat.tap("talk")
    said = " ".join(renderer.render(message, "nl").text for message in step.outbound)
    assert "Vanaf maandag om 09:00 zijn de coaches er weer." in said
    assert "uiterlijk dinsdag 1 december om 21:00" in said
    assert "zaterdag" not in said


def test_messages_written_in_the_queue_are_kept_for_the_coach(chat: Chat) -> None:
    chat.consented()
    chat.tap("talk")
    step = chat.type("mag ik ook bellen?")
    assert step.notes_for_coach == ["mag ik ook bellen?"]
    assert chat.keys(step) == ["queued.note_kept"]


# -- pause, resume, restart, stop -----------------------------------------------------------


def test_coming_back_days_later_resumes_at_the_same_question(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.tap("q.strengths:skip")
    chat.tap("q.health:3")
    chat.now += timedelta(days=3)
    step = chat.type("hoi")
    assert chat.keys(step) == ["resume.welcome_back", "intake.checkin"]
    assert chat.intake is not None and chat.intake.state == "q.home"
    assert chat.intake.answers["health"].choice == "3"


def test_start_again_midway_resumes_rather_than_restarting(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.tap("q.strengths:skip")
    step = chat.start()
    assert chat.keys(step) == ["resume.welcome_back", "intake.checkin"]
    assert chat.intake is not None and chat.intake.age_band == "16_17"


def test_stop_asks_what_to_do_with_the_answers(chat: Chat) -> None:
    chat.consented()
    step = chat.command("stop")
    assert chat.keys(step) == ["stop.ask"]
    assert chat.button_data(step.outbound[0]) == ["stop:keep", "stop:delete", "stop:cancel"]


def test_stop_and_keep_pauses_and_a_new_message_resumes(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.tap("q.strengths:skip")
    chat.command("stop")
    chat.tap("stop:keep")
    assert chat.intake is not None and chat.intake.paused
    assert chat.keys() == ["stop.kept"]
    step = chat.type("ik ben er weer")
    assert chat.keys(step) == ["resume.welcome_back", "intake.checkin"]
    assert not chat.intake.paused and chat.intake.state == "q.health"


def test_stop_and_erase_forgets_the_unfinished_intake(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.command("stop")
    step = chat.tap("stop:delete")
    assert step.intake is None and step.forget
    assert chat.keys(step) == ["forget.done"]


def test_stop_then_carry_on_asks_the_same_question_again(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.command("stop")
    step = chat.tap("stop:cancel")
    assert chat.keys(step) == ["stop.cancelled", "intake.open"]


def test_stop_in_the_queue_leaves_it_but_keeps_the_answers(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.tap("q.strengths:skip")
    chat.tap("q.health:1")
    chat.tap("talk")
    chat.command("stop")
    step = chat.tap("stop:keep")
    assert step.case_change == "withdraw"
    assert chat.intake is not None and chat.intake.state == SUMMARY and chat.intake.case is None
    assert chat.intake.answers["health"].choice == "1"
    chat.type("toch wel")
    step = chat.tap("summary:send")
    assert step.case_change == "open"  # back in the queue without a new intake


def test_restart_erases_the_answers_and_starts_at_the_age_question(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.tap("q.strengths:skip")
    chat.tap("q.health:1")
    step = chat.command("opnieuw")
    assert chat.keys(step) == ["restart.done", "age.ask"]
    assert chat.intake is not None and chat.intake.answers == {} and chat.intake.age_band is None


def test_restart_in_the_queue_keeps_the_place(chat: Chat) -> None:
    chat.consented()
    chat.tap("talk")
    step = chat.command("restart")
    assert chat.keys(step) == ["restart.queued"]
    assert chat.intake is not None and chat.intake.state == QUEUED


STATUS_AT = [
    ([], "status.new"),
    (["start"], "status.new"),
    (["start", "consent"], "status.age"),
    (["start", "consent", "age:16_17"], "status.intake"),
    (["start", "consent", "talk"], "status.queued"),
]


@pytest.mark.parametrize(("actions", "key"), STATUS_AT)
@pytest.mark.parametrize("command", ["status", "help"])
def test_status_and_help_answer_at_every_step_without_moving(
    chat: Chat, actions: list[str], key: str, command: str
) -> None:
    for action in actions:
        if action == "start":
            chat.start()
        elif action == "consent":
            chat.tap_button("consent.yes")
        else:
            chat.tap(action)
    before = chat.intake.state if chat.intake else None
    step = chat.command(command)
    expected = key if command == "status" else "help.text"
    assert chat.keys(step) == [expected]
    assert (chat.intake.state if chat.intake else None) == before


# -- taps that do not fit -------------------------------------------------------------------


def test_a_tap_on_an_old_keyboard_changes_nothing(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.tap("q.strengths:skip")
    chat.tap("q.health:2")
    before = chat.intake
    step = chat.tap("q.health:5")
    assert step.tap is not None and step.tap.kind == "stale"
    assert step.intake == before and step.outbound == []


def test_a_double_tap_counts_once(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.tap("q.strengths:skip")
    chat.tap("q.health:2")
    chat.tap("q.health:2")
    assert chat.intake is not None and chat.intake.state == "q.home"


def test_a_consent_tap_after_consent_is_stale(chat: Chat) -> None:
    chat.consented()
    step = chat.tap("consent:yes:nl:")
    assert step.tap is not None and step.tap.kind == "stale"
    assert chat.intake is not None and chat.intake.state == AGE


FORGED = [
    "age:99",
    "q.health:9",
    "q.health:",
    "q.nonexistent:1",
    "summary:rm.nothing",
    "p.region:woman",
    "queued:1",
    "consent:maybe:nl:",
    "zzz",
    "",
    ":",
    "q.health:1:extra",
    "safe:perhaps",
    "stop:now",
    "x" * 64,
]


@pytest.mark.parametrize("data", FORGED)
def test_forged_button_data_is_refused_and_changes_nothing(chat: Chat, data: str) -> None:
    chat.consented()
    chat.tap("age:16_17")
    chat.tap("q.strengths:skip")
    before = chat.intake
    step = chat.tap(data)
    assert step.tap is not None and step.tap.kind in ("unknown", "stale")
    assert step.intake == before
    assert step.case_change is None and not step.forget


@pytest.mark.parametrize("data", ["consent:yes:xx:", "consent:yes:nl:not-a-source", "lang:fr:"])
def test_forged_consent_data_keeps_nothing(chat: Chat, data: str) -> None:
    chat.start()
    step = chat.tap(data)
    assert step.intake is None
    assert step.tap is not None and step.tap.kind == "unknown"


# -- the machine is data ----------------------------------------------------------------------


def test_every_message_of_a_full_intake_renders_in_every_language(
    flow: IntakeFlow, renderer: Renderer, clock: Clock
) -> None:
    for language in ("nl", "en"):
        chat = Chat(flow, renderer, clock.now)
        chat.start(hint=language)
        chat.tap_button("consent.yes")
        chat.tap("age:21_25")
        chat.type("muziek maken")
        for question in QUESTIONS[1:]:
            chat.type("iets meer")
            chat.tap(f"q.{question}:3")
        chat.tap("summary:prefs")
        for preference in PREFERENCES[:-1]:
            chat.tap(f"p.{preference}:skip")
        chat.type("2000")
        chat.tap("p.found_us:school")
        chat.tap("summary:send")
        chat.command("status")
        chat.command("help")
        for step in chat.steps:
            for message in step.outbound:
                assert renderer.render(message, language).text.strip()
        assert chat.intake is not None and chat.intake.language == language
