"""What a crisis signal sets going in the intake (flows/safety.py), on the pure flow.

Most tests build the flow with a detector that finds one fixed signal in any text holding
SIGNAAL (tests/support/detector.py), so they test the flow and not the detector; a few use real
phrases that will stay detected.
"""

from __future__ import annotations

import pytest

from bot.services.render import Renderer
from flows.content import Content
from flows.intake import QUEUED, SUMMARY, IntakeFlow, Rules
from flows.messages import HelpLines, Inbound, Outbound, Ref
from flows.safety import nobody_reads
from flows.state import Signal
from flows.summary import EXTRA
from tests.conftest import Clock
from tests.flows.chat import Chat
from tests.support.detector import content_finding

QUESTIONS = ["strengths", "health", "home", "goals", "money", "network"]
ACUTE_PHRASE = "ik sta op de brug en ik ga springen"
WORRY_PHRASE = "soms wil ik niet meer leven"


@pytest.fixture
def chat(flow: IntakeFlow, renderer: Renderer, clock: Clock) -> Chat:
    return Chat(flow, renderer, clock.now)


def finding(
    content: Content, rules: Rules, renderer: Renderer, clock: Clock, **signal: str
) -> Chat:
    """A chat whose detector finds this signal in every text with SIGNAAL."""
    return Chat(IntakeFlow(content_finding(content, **signal), rules), renderer, clock.now)


@pytest.fixture
def acute(content: Content, rules: Rules, renderer: Renderer, clock: Clock) -> Chat:
    return finding(content, rules, renderer, clock, level="acute", rule="means_intent")


@pytest.fixture
def worry(content: Content, rules: Rules, renderer: Renderer, clock: Clock) -> Chat:
    return finding(content, rules, renderer, clock, level="worry", rule="wish")


def at_home_with_answers(chat: Chat) -> None:
    """Consent, an age, the strengths in words and health tapped: the youngster is at home."""
    chat.consented()
    chat.tap("age:16_17")
    chat.type("ik kan goed tekenen")
    chat.tap("q.health:2")


def waiting(chat: Chat) -> None:
    chat.consented()
    chat.tap("talk")


# -- acute -------------------------------------------------------------------------------------


def test_acute_words_send_the_help_lines_at_once_and_ask_whether_they_are_safe(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    step = chat.type(ACUTE_PHRASE)
    assert chat.keys(step)[:2] == ["crisis.alert", "crisis.safe_ask"]
    assert step.outbound[0].params["help_lines"] == HelpLines("crisis")
    assert [s.kind for s in step.stats][:1] == ["crisis"]


def test_acute_words_during_the_intake_queue_the_youngster_as_urgent_at_once(acute: Chat) -> None:
    at_home_with_answers(acute)
    step = acute.type("SIGNAAL")
    assert acute.intake is not None and acute.intake.state == QUEUED
    assert acute.intake.case is not None and acute.intake.case.urgent
    assert step.case_change == "open"
    assert step.alert is not None and not step.alert.most_urgent


def test_the_case_of_an_acute_signal_carries_the_signal_for_the_coach(acute: Chat) -> None:
    acute.consented()
    acute.type("SIGNAAL")
    assert acute.intake is not None and acute.intake.case is not None
    assert acute.intake.case.signal == Signal("suicide", "acute", "means_intent")


def test_acute_words_while_waiting_make_the_case_urgent_and_alert_the_team(acute: Chat) -> None:
    waiting(acute)
    step = acute.type("SIGNAAL mijn vader slaat me")
    assert step.case_change == "urgent"
    assert step.alert is not None
    assert step.notes_for_coach == ["SIGNAAL mijn vader slaat me"]
    assert acute.intake is not None and acute.intake.case is not None
    assert acute.intake.case.urgent


def test_acute_words_to_a_waiting_case_already_urgent_still_alert_the_team(acute: Chat) -> None:
    waiting(acute)
    acute.type("SIGNAAL")
    step = acute.type("SIGNAAL nog steeds")
    assert step.alert is not None


def test_acute_words_before_consent_get_the_help_lines_and_nothing_is_kept(chat: Chat) -> None:
    chat.start()
    step = chat.type(ACUTE_PHRASE)
    assert chat.keys(step) == ["crisis.alert", "crisis.safe_ask"]
    assert step.intake is None and step.alert is None


def test_english_acute_words_are_caught_in_a_dutch_intake(chat: Chat) -> None:
    chat.consented()
    step = chat.type("i just took a whole pack of pills")
    assert chat.keys(step)[0] == "crisis.alert"


def test_before_consent_the_answer_comes_in_the_language_of_the_words(chat: Chat) -> None:
    chat.start(hint="nl")
    step = chat.type("i just took a whole pack of pills")
    assert step.language == "en"


def test_everyday_phrases_do_not_raise_the_alarm(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    step = chat.type("ik ga dood van het lachen, ben wel doodmoe")
    assert not any(key.startswith("crisis.") for key in chat.keys(step))


# -- worry ---------------------------------------------------------------------------------------


def test_worry_words_get_a_warm_direct_question_with_the_help_lines(chat: Chat) -> None:
    chat.consented()
    chat.tap("age:16_17")
    step = chat.type(WORRY_PHRASE)
    assert chat.keys(step) == ["crisis.worry"]
    assert step.outbound[0].params["help_lines"] == HelpLines("crisis")
    assert chat.button_data(step.outbound[0]) == [
        "worry:yes:suicide",
        "worry:no:suicide",
        "worry:unsure:suicide",
    ]


@pytest.mark.parametrize(
    ("category", "question"),
    [
        ("suicide", "Denk je eraan om jezelf iets aan te doen?"),
        ("self_harm", "Denk je eraan om jezelf iets aan te doen?"),
        ("abuse", "Ben je nu in gevaar, of bang om naar huis te gaan?"),
        ("violence", "Ben je nu in gevaar, of bang om naar huis te gaan?"),
        ("homeless_tonight", "Zit je vannacht zonder veilige plek om te slapen?"),
    ],
)
def test_the_worry_question_fits_the_signal(
    content: Content,
    rules: Rules,
    renderer: Renderer,
    clock: Clock,
    category: str,
    question: str,
) -> None:
    chat = finding(content, rules, renderer, clock, category=category, level="worry")
    chat.consented()
    step = chat.type("SIGNAAL")
    assert renderer.render(step.outbound[0], "nl").text.endswith(question)


def test_the_worry_question_is_asked_in_the_youngster_s_language(
    content: Content, rules: Rules, renderer: Renderer, clock: Clock
) -> None:
    chat = finding(content, rules, renderer, clock, level="worry")
    chat.start(hint="en")
    chat.tap_button("consent.yes")
    step = chat.type("SIGNAAL")
    assert renderer.render(step.outbound[0], step.language).text.endswith(
        "Are you thinking about hurting yourself?"
    )


def test_worry_words_during_the_intake_do_not_queue_the_youngster(worry: Chat) -> None:
    at_home_with_answers(worry)
    step = worry.type("SIGNAAL")
    assert step.case_change is None and step.alert is None
    assert worry.intake is not None and worry.intake.state == "q.home"


def test_worry_words_while_waiting_are_noted_for_the_coach_but_not_urgent(worry: Chat) -> None:
    waiting(worry)
    step = worry.type("SIGNAAL")
    assert step.case_change is None and step.alert is None
    assert step.signal == Signal("suicide", "worry", "wish")
    assert step.notes_for_coach == ["SIGNAAL"]
    assert worry.intake is not None and worry.intake.case is not None
    assert not worry.intake.case.urgent


def test_a_worry_signal_in_the_intake_goes_with_the_case_once_it_is_sent(worry: Chat) -> None:
    at_home_with_answers(worry)
    worry.type("SIGNAAL")
    worry.tap("worry:no:suicide")
    for question in QUESTIONS[2:]:
        worry.tap(f"q.{question}:skip")
    worry.tap("summary:send")
    assert worry.intake is not None and worry.intake.case is not None
    assert worry.intake.case.signal == Signal("suicide", "worry", "wish")
    assert worry.intake.signal is None


@pytest.mark.parametrize("answer", ["yes", "unsure"])
def test_yes_or_not_sure_on_the_worry_question_makes_it_acute(worry: Chat, answer: str) -> None:
    at_home_with_answers(worry)
    worry.type("SIGNAAL")
    step = worry.tap(f"worry:{answer}:suicide")
    assert "crisis.safe_ask" in worry.keys(step)
    assert step.alert is not None and step.case_change == "open"
    assert worry.intake is not None and worry.intake.case is not None
    assert worry.intake.case.urgent
    assert worry.intake.case.signal == Signal("suicide", "acute", "confirmed")


def test_no_on_the_worry_question_thanks_them_and_asks_the_question_again(worry: Chat) -> None:
    at_home_with_answers(worry)
    worry.type("SIGNAAL")
    step = worry.tap("worry:no:suicide")
    assert worry.keys(step) == ["crisis.worry_no", "intake.checkin"]
    assert step.alert is None and step.case_change is None
    assert worry.intake is not None and worry.intake.state == "q.home"


def test_no_on_the_worry_question_while_waiting_says_nothing_more(worry: Chat) -> None:
    waiting(worry)
    worry.type("SIGNAAL")
    step = worry.tap("worry:no:suicide")
    assert worry.keys(step) == ["crisis.worry_no"]


def test_no_on_the_worry_question_before_consent_keeps_nothing_and_asks_again(
    worry: Chat,
) -> None:
    worry.start()
    worry.type("SIGNAAL")
    step = worry.tap("worry:no:suicide")
    assert worry.keys(step) == ["crisis.worry_no_kept_nothing", "consent.ask"]
    assert step.intake is None


@pytest.mark.parametrize("data", ["worry:maybe:suicide", "worry:yes:fire", "worry:yes", "worry:"])
def test_forged_worry_taps_are_refused(worry: Chat, data: str) -> None:
    waiting(worry)
    step = worry.tap(data)
    assert step.tap is not None and step.tap.kind == "unknown"
    assert step.alert is None and step.outbound == []


# -- about a friend ------------------------------------------------------------------------------


def test_worry_about_a_friend_tells_what_to_do_for_a_friend(
    content: Content, rules: Rules, renderer: Renderer, clock: Clock
) -> None:
    chat = finding(content, rules, renderer, clock, level="worry", about="friend")
    waiting(chat)
    step = chat.type("SIGNAAL")
    assert chat.keys(step) == ["crisis.friend"]
    assert step.outbound[0].params["help_lines"] == HelpLines("crisis")
    assert step.alert is None


def test_acute_words_about_a_friend_still_alert_the_team_as_urgent(
    content: Content, rules: Rules, renderer: Renderer, clock: Clock
) -> None:
    chat = finding(content, rules, renderer, clock, level="acute", about="friend")
    waiting(chat)
    step = chat.type("SIGNAAL")
    assert chat.keys(step)[0] == "crisis.friend"
    assert "crisis.safe_ask" not in chat.keys(step)
    assert step.alert is not None and step.case_change == "urgent"


# -- what the youngster sees ---------------------------------------------------------------------


def _refs(message: Outbound) -> list[str]:
    found = [message.key]
    pending = list(message.params.values())
    while pending:
        value = pending.pop()
        if isinstance(value, Ref):
            found.append(value.key)
            pending += value.params.values()
        elif isinstance(value, list):
            pending += value
    return found


@pytest.mark.parametrize("level", ["acute", "worry"])
def test_the_youngster_never_sees_which_signal_fired(
    content: Content, rules: Rules, renderer: Renderer, clock: Clock, level: str
) -> None:
    chat = finding(content, rules, renderer, clock, level=level)
    chat.consented()
    chat.type("SIGNAAL")
    chat.tap("worry:yes:suicide" if level == "worry" else "safe:no")
    keys = [key for step in chat.steps for m in step.outbound for key in _refs(m)]
    assert not [key for key in keys if key.startswith(("crisis.signal", "crisis.rule"))]
    texts = [renderer.render(m, "nl").text for step in chat.steps for m in step.outbound]
    assert not [text for text in texts if "signaal:" in text.lower()]


# -- checked on every text, everywhere ------------------------------------------------------------


@pytest.mark.parametrize(
    "taps",
    [
        (),
        ("age:16_17",),
        ("age:16_17", "q.strengths:skip", "q.health:3"),
        ("age:16_17", *(f"q.{q}:skip" for q in QUESTIONS)),
        ("age:16_17", *(f"q.{q}:skip" for q in QUESTIONS), "summary:prefs"),
        ("age:16_17", *(f"q.{q}:skip" for q in QUESTIONS), "summary:prefs", "p.coach_gender:skip"),
        ("age:16_17", *(f"q.{q}:skip" for q in QUESTIONS), "summary:send"),
    ],
    ids=["age", "strengths", "home", "summary", "preference", "another_preference", "waiting"],
)
def test_crisis_words_are_caught_at_every_step(acute: Chat, taps: tuple[str, ...]) -> None:
    acute.consented()
    for data in taps:
        acute.tap(data)
    step = acute.type("SIGNAAL")
    assert acute.keys(step)[:2] == ["crisis.alert", "crisis.safe_ask"]
    assert step.alert is not None


def test_crisis_words_at_the_region_question_are_not_taken_for_a_postcode(acute: Chat) -> None:
    acute.consented()
    for data in ("age:16_17", *(f"q.{q}:skip" for q in QUESTIONS), "summary:prefs"):
        acute.tap(data)
    while acute.intake is not None and acute.intake.state != "p.region":
        acute.tap(f"{acute.intake.state}:skip")
    step = acute.type("SIGNAAL 1000")
    assert "pref.region.invalid" not in acute.keys(step)
    assert acute.intake.answers[EXTRA].text == "SIGNAAL 1000"


def test_an_edited_message_with_crisis_words_is_caught_and_kept_apart(acute: Chat) -> None:
    at_home_with_answers(acute)
    step = acute.send(Inbound("edited", text="SIGNAAL"))
    assert acute.keys(step)[0] == "crisis.alert"
    assert acute.intake is not None and acute.intake.answers[EXTRA].text == "SIGNAAL"


def test_a_caption_with_crisis_words_gets_the_help_lines_and_no_saved_reply(
    acute: Chat,
) -> None:
    acute.consented()
    step = acute.send(Inbound("media", caption="SIGNAAL", message_id="5", media="photo"))
    assert acute.keys(step)[:2] == ["crisis.alert", "crisis.safe_ask"]
    assert "media.kept" not in acute.keys(step)
    assert step.alert is not None


def test_a_photo_without_a_caption_is_kept_without_a_crisis_reply(acute: Chat) -> None:
    acute.consented()
    step = acute.send(Inbound("media", message_id="5", media="photo"))
    assert acute.keys(step) == ["media.kept"]
    assert step.alert is None


# -- the mends of the crisis path ---------------------------------------------------------------


def test_crisis_words_at_the_strengths_question_are_not_kept_as_what_goes_well(
    acute: Chat,
) -> None:
    acute.consented()
    acute.tap("age:16_17")
    acute.type("SIGNAAL")
    assert acute.intake is not None
    assert "strengths" not in acute.intake.answers
    assert acute.intake.answers[EXTRA].text == "SIGNAAL"


def test_worry_words_at_the_strengths_question_are_not_kept_as_what_goes_well(
    worry: Chat,
) -> None:
    worry.consented()
    worry.tap("age:16_17")
    worry.type("SIGNAAL")
    assert worry.intake is not None
    assert "strengths" not in worry.intake.answers
    assert worry.intake.answers[EXTRA].text == "SIGNAAL"


def test_crisis_words_at_a_check_in_are_kept_as_its_answer(acute: Chat) -> None:
    at_home_with_answers(acute)
    acute.type("SIGNAAL")
    assert acute.intake is not None and acute.intake.answers["home"].text == "SIGNAAL"


def test_after_a_crisis_in_the_intake_the_coach_waits_for_the_youngster_s_check(
    acute: Chat,
) -> None:
    at_home_with_answers(acute)
    acute.type("SIGNAAL")
    assert acute.intake is not None and acute.intake.case is not None
    assert not acute.intake.case.shared


def test_after_the_safety_answer_the_youngster_checks_the_summary_with_remove_buttons(
    acute: Chat,
) -> None:
    at_home_with_answers(acute)
    acute.type("SIGNAAL")
    step = acute.tap("safe:yes")
    assert acute.keys(step) == ["crisis.reply_yes", "review.intro"]
    assert "review:rm.health" in acute.button_data(step.outbound[1])
    assert "review:send" in acute.button_data(step.outbound[1])


def test_a_youngster_who_already_sent_the_summary_is_not_asked_to_check_it_again(
    acute: Chat,
) -> None:
    waiting(acute)
    acute.type("SIGNAAL")
    step = acute.tap("safe:yes")
    assert acute.keys(step) == ["crisis.reply_yes"]


def test_an_answer_taken_away_after_a_crisis_is_gone_before_the_coach_reads_it(
    acute: Chat,
) -> None:
    at_home_with_answers(acute)
    acute.type("SIGNAAL")
    acute.tap("safe:yes")
    step = acute.tap("review:rm.health")
    assert acute.intake is not None and "health" not in acute.intake.answers
    assert acute.keys(step) == ["review.intro"]
    assert acute.intake.case is not None and not acute.intake.case.shared


def test_the_check_after_a_crisis_lets_the_coach_read_the_summary(acute: Chat) -> None:
    at_home_with_answers(acute)
    acute.type("SIGNAAL")
    acute.tap("safe:yes")
    step = acute.tap("review:send")
    assert step.case_change == "share"
    assert acute.intake is not None and acute.intake.case is not None
    assert acute.intake.case.shared
    assert acute.keys(step) == ["review.shared"]


def test_a_summary_tap_of_the_normal_intake_does_not_work_after_a_crisis(acute: Chat) -> None:
    at_home_with_answers(acute)
    acute.type("SIGNAAL")
    step = acute.tap("summary:rm.health")
    assert step.tap is not None and step.tap.kind == "stale"
    assert acute.intake is not None and "health" in acute.intake.answers


def test_a_review_tap_once_the_summary_is_shared_is_stale(acute: Chat) -> None:
    at_home_with_answers(acute)
    acute.type("SIGNAAL")
    acute.tap("safe:yes")
    acute.tap("review:send")
    step = acute.tap("review:rm.health")
    assert step.tap is not None and step.tap.kind == "stale"
    assert acute.intake is not None and "health" in acute.intake.answers


@pytest.mark.parametrize("answer", ["no", "unsure"])
def test_not_safe_or_not_sure_alerts_the_team_again_as_the_most_urgent(
    acute: Chat, answer: str
) -> None:
    waiting(acute)
    acute.type("SIGNAAL")
    step = acute.tap(f"safe:{answer}")
    assert step.alert is not None and step.alert.most_urgent
    assert step.alert.signal == Signal("suicide", "acute", "means_intent")


def test_safe_on_the_safety_question_alerts_nobody_again(acute: Chat) -> None:
    waiting(acute)
    acute.type("SIGNAAL")
    step = acute.tap("safe:yes")
    assert step.alert is None


@pytest.mark.parametrize("answer", ["yes", "no", "unsure"])
def test_the_safety_answer_is_kept_and_answered(acute: Chat, answer: str) -> None:
    acute.consented()
    acute.type("SIGNAAL")
    step = acute.tap(f"safe:{answer}")
    assert acute.keys(step)[0] == f"crisis.reply_{answer}"
    assert acute.intake is not None and acute.intake.safety == answer


# -- nobody can read -------------------------------------------------------------------------------


def test_when_nobody_can_read_the_promise_of_a_coach_becomes_the_honest_answer() -> None:
    alert = Outbound("crisis.alert", {"help_lines": HelpLines("crisis")})
    replies = [alert, Outbound("crisis.safe_ask"), Outbound("crisis.urgent")]
    assert [m.key for m in nobody_reads(replies)] == [
        "crisis.alert",
        "crisis.safe_ask",
        "crisis.nobody",
    ]


def test_when_nobody_can_read_and_no_help_lines_were_shown_they_come_along() -> None:
    review = Outbound("review.intro", {"lines": [], "pseudonym": "Sam-4821"})
    honest = nobody_reads([Outbound("crisis.reply_no"), review])
    assert [m.key for m in honest] == ["crisis.reply_no", "crisis.nobody_lines", "review.intro"]
    assert honest[1].params["help_lines"] == HelpLines("crisis")


def test_an_unknown_rule_is_shown_to_the_coach_as_signal_words(renderer: Renderer) -> None:
    words = Signal("abuse", "acute", "a_rule_added_later").words()
    assert renderer.ref(words, "nl") == "signaal: misbruik, acuut: signaalwoorden"


def test_the_coach_reads_category_level_and_rule(renderer: Renderer) -> None:
    words = Signal("suicide", "acute", "means_intent").words()
    assert renderer.ref(words, "nl") == "signaal: zelfdoding, acuut: middel + voornemen"


def test_the_summary_state_is_left_when_crisis_words_come_there(acute: Chat) -> None:
    acute.consented()
    for data in ("age:16_17", *(f"q.{q}:skip" for q in QUESTIONS)):
        acute.tap(data)
    assert acute.intake is not None and acute.intake.state == SUMMARY
    acute.type("SIGNAAL")
    assert acute.intake.state == QUEUED


@pytest.mark.parametrize(
    ("answer", "reply"),
    [("yes", "crisis.reply_yes_kept_nothing"), ("no", "crisis.reply_no")],
)
def test_a_safety_answer_before_consent_keeps_nothing_and_offers_consent_again(
    chat: Chat, answer: str, reply: str
) -> None:
    chat.start()
    chat.type(ACUTE_PHRASE)
    step = chat.tap(f"safe:{answer}")
    assert chat.keys(step) == [reply, "consent.ask"]
    assert step.intake is None and step.alert is None


def test_the_signal_a_text_raises_is_on_its_step_at_every_stage_for_the_counts(
    worry: Chat,
) -> None:
    before_consent = worry.send(Inbound("text", text="SIGNAAL"))
    at_home_with_answers(worry)
    in_the_intake = worry.type("SIGNAAL")
    raised = Signal("suicide", "worry", "wish")
    assert before_consent.raised == raised and in_the_intake.raised == raised
    assert worry.tap("q.home:2").raised is None


def test_a_worry_the_youngster_confirms_raises_an_acute_signal(worry: Chat) -> None:
    worry.consented()
    worry.type("SIGNAAL")
    step = worry.tap("worry:yes:suicide")
    assert step.raised == Signal("suicide", "acute", "confirmed")
