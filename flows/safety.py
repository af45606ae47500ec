"""The crisis part of the intake: what a crisis signal in a youngster's words sets going.

Two levels (PRODUCT.md principle 6). *Acute*: the help lines at once, the case urgent, the
team alerted, and "Ben je nu veilig?". *Worry*: a warm, direct question with the help lines;
"Ja" or "Weet ik niet" makes it acute, "Nee" carries on where the youngster was. Both
questions can be answered by typing too ("ja", "nee hoor", "idk", "ik ben niet veilig"), in the
first message after them (Intake.asked; the words in content/crisis.yaml). About a friend: what
to do for a friend; acute still alerts the team. The coach sees which signal
fired (`Signal.words`); the youngster never does. Pure, like the rest of flows/.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flows.case import CLOSED
from flows.crisis import CATEGORIES, CrisisHit
from flows.messages import Button, HelpLines, Inbound, Outbound, Ref
from flows.state import (
    ACUTE,
    QUEUED,
    WORRY,
    Alert,
    Intake,
    Signal,
    Stat,
    Step,
    Tap,
    keep_text,
)
from flows.summary import EXTRA, remove_shown, review_message, shown_answers

if TYPE_CHECKING:
    from flows.intake import IntakeFlow

ANSWERS = ("yes", "no", "unsure")  # Ja, Nee, Weet ik niet: to the worry and the safety question
WORRY_TAP, SAFE_TAP, REVIEW_TAP = "worry", "safe", "review"
# A crisis question waits this long for a typed answer; later, "ja" answers something else.
ASKED_WAIT = timedelta(minutes=30)
# A typed answer (flows/crisis/answers.py) as the button it stands for. "Ik ben veilig" is "no"
# to "Denk je eraan om jezelf iets aan te doen?" and "yes" to "Ben je nu veilig?".
_WORRY = {"yes": "yes", "unsafe": "yes", "unsure": "unsure", "no": "no", "safe": "no"}
_SAFETY = {"yes": "yes", "safe": "yes", "unsure": "unsure", "no": "no", "unsafe": "no"}
# Replies that promise a person will read soon; swapped for the honest one when nobody can.
_SOMEONE_READS = ("crisis.urgent", "crisis.told_coach")
_WITH_LINES = ("crisis.alert", "crisis.worry", "crisis.friend")


def _asks(step: Step, question: str) -> None:
    """Note the crisis question this step asks, so a typed answer to it is read as one."""
    step.asked = question
    if step.intake is not None:
        step.intake.asked = question


def signal_of(hit: CrisisHit) -> Signal:
    """The coach's view of a hit. Any level but "worry" counts as acute: safety first."""
    level = WORRY if hit.level == WORRY else ACUTE
    about = "self" if hit.about == "self" else "friend"
    return Signal(hit.category, level, hit.rule, about)


def answer_row(head: str, suffix: str = "") -> tuple[tuple[Button, ...], ...]:
    """Ja / Nee / Weet ik niet, sending `<head>:<answer><suffix>`."""
    row = (Button(Ref(f"crisis.safe_{a}"), f"{head}:{a}{suffix}") for a in ANSWERS)
    return (tuple(row),)


def worry_question(category: str) -> Outbound:
    """A warm, direct question for the category, with the help lines and Ja / Nee / Weet ik niet."""
    return Outbound(
        "crisis.worry",
        {"question": Ref(f"crisis.worry_ask.{category}"), "help_lines": HelpLines("crisis")},
        answer_row(WORRY_TAP, f":{category}"),
    )


def nobody_reads(outbound: list[Outbound]) -> list[Outbound]:
    """The same replies, honest that nobody of the team can read now (none linked, all away,
    the night): the help lines are the answer. Said instead of "a coach reacts soon"."""
    lines_above = any(message.key in _WITH_LINES for message in outbound)
    honest = (
        Outbound("crisis.nobody")
        if lines_above
        else Outbound("crisis.nobody_lines", {"help_lines": HelpLines("crisis")})
    )
    if any(message.key in _SOMEONE_READS for message in outbound):
        return [honest if message.key in _SOMEONE_READS else message for message in outbound]
    # Right after the last crisis reply ("Bel nu 112 ..."), before a summary or a question.
    after = max((i + 1 for i, m in enumerate(outbound) if m.key.startswith("crisis.")), default=0)
    return [*outbound[:after], honest, *outbound[after:]]


class SafetyNet:
    """What a crisis signal does at every step of the intake, and the answers to its questions."""

    def __init__(self, flow: IntakeFlow) -> None:
        self.flow = flow

    # -- a signal in what the youngster wrote -------------------------------------------------

    def hit(self, step: Step, hit: CrisisHit, text: str, *, aside: bool, now: datetime) -> None:
        """Act on a signal in `text`. `aside`: the text is not an answer to the question asked
        (an edited message, a caption), so it is kept apart for the coach."""
        signal = signal_of(hit)
        step.raised = signal
        step.stats.append(Stat("crisis", value=signal.category))
        if step.intake is None and hit.language in self.flow.questionnaire.languages:
            step.language = hit.language  # nothing chosen yet: answer in the words they used
        if step.intake is not None:
            step.intake.paused = False
        if signal.about != "self":
            self._friend(step, signal, text, aside=aside, now=now)
        elif signal.acute:
            step.outbound.append(Outbound("crisis.alert", {"help_lines": HelpLines("crisis")}))
            self._acute(step, signal, text, aside=aside, now=now)
        else:
            self._keep(step, text, aside=aside)
            self._remember(step, signal)
            step.outbound.append(worry_question(signal.category))
            _asks(step, f"{WORRY_TAP}:{signal.category}")

    def _friend(self, step: Step, signal: Signal, text: str, *, aside: bool, now: datetime) -> None:
        """Worried about somebody else: what to do for a friend; acute still alerts the team."""
        step.outbound.append(Outbound("crisis.friend", {"help_lines": HelpLines("crisis")}))
        if signal.acute:
            self._urgent(step, signal, text, aside=aside, now=now)
            self._review(step)  # no safety question to wait for: it is about somebody else
            return
        intake = step.intake
        if intake is None:
            return
        self._keep(step, text, aside=aside)
        self._remember(step, signal)
        if intake.state != QUEUED:
            self.flow.ask(step, kept=True)

    def _acute(self, step: Step, signal: Signal, text: str, *, aside: bool, now: datetime) -> None:
        step.outbound.append(Outbound("crisis.safe_ask", buttons=answer_row(SAFE_TAP)))
        self._urgent(step, signal, text, aside=aside, now=now)
        _asks(step, SAFE_TAP)

    def _urgent(self, step: Step, signal: Signal, text: str, *, aside: bool, now: datetime) -> None:
        """Flag the case urgent (queue the youngster now if they had no case) and alert the
        team. Before consent nothing may be kept: the help lines are all there is."""
        intake = step.intake
        if intake is None:
            return
        self._keep(step, text, aside=aside)
        step.alert = Alert(signal)
        if intake.state == QUEUED:
            case = intake.case
            if case is None:
                return
            intake.case = replace(case, urgent=True, signal=signal)
            step.signal = signal
            if case.state == CLOSED:
                step.case_change = "reopen"
            elif not case.urgent:
                step.case_change = "urgent"
            step.outbound.append(
                Outbound("crisis.told_coach", {"coach": case.coach})
                if case.coach and case.coach_reachable  # else back in the queue, first
                else Outbound("crisis.urgent")
            )
            return
        intake.signal = signal
        step.stats.append(Stat("talk_now", intake.state, "crisis"))
        self.flow.move(intake, "talk_now")
        step.outbound.append(Outbound("crisis.urgent"))
        # Queued at once; the answers wait until the youngster has checked the summary.
        self.flow.queue(step, now, urgent=True, review=True)

    def _keep(self, step: Step, text: str, *, aside: bool) -> None:
        """Keep what was written: with the case once there is one, else with the intake. Only a
        check-in keeps it as its answer; at the open strengths question ("wat gaat er goed?"),
        the summary, a preference or aside, it is a separate note for the coach."""
        intake = step.intake
        if intake is None or not text.strip():
            return
        if intake.state == QUEUED:
            step.notes_for_coach.append(text)
            if intake.case is not None and intake.case.state == CLOSED:
                step.case_change = "reopen"  # coming back after a close: the same coach
            return
        question = self.flow.question_at(intake.state)
        answer_to = question.id if question is not None and question.kind == "checkin" else EXTRA
        keep_text(intake, EXTRA if aside else answer_to, text)

    def _remember(self, step: Step, signal: Signal) -> None:
        """Note a signal for the coach without making anything urgent."""
        intake = step.intake
        if intake is None:
            return
        if intake.state == QUEUED and intake.case is not None:
            intake.case = replace(intake.case, signal=signal)
            step.signal = signal
        else:
            intake.signal = signal

    # -- the answers ---------------------------------------------------------------------------

    def worry_answer(self, step: Step, parts: list[str], now: datetime) -> None:
        """Ja / Nee / Weet ik niet on the worry question (`worry:<answer>:<category>`)."""
        if len(parts) != 3 or parts[1] not in ANSWERS or parts[2] not in CATEGORIES:
            step.tap = Tap("unknown")
            return
        answer, category = parts[1], parts[2]
        step.tap = Tap("answered", Ref(f"crisis.safe_{answer}"))
        self._worry_answered(step, answer, category, "", now)

    def waiting(
        self, intake: Intake | None, event: Inbound, before_consent: str | None, now: datetime
    ) -> str | None:
        """The crisis question that waits for this event's answer: Intake.asked, or for
        somebody not known yet what the service remembered (`before_consent`). Any event but an
        edit ends the wait, and so does ASKED_WAIT: only the first message after the question,
        and soon after it, answers it."""
        if intake is None:
            return before_consent
        asked = intake.asked
        if event.kind != "edited":
            intake.asked = None
        if intake.last_seen is not None and now - intake.last_seen >= ASKED_WAIT:
            return None
        return asked

    def typed(self, step: Step, asked: str, text: str, now: datetime) -> bool:
        """The first message after a crisis question (`asked`: Intake.asked), read as a typed
        answer to it; False when it is none ("ik kan goed tekenen" goes where it would have
        gone). What they typed is kept for the coach, as any message is."""
        answer = self.flow.content.answers.of(text)
        if answer is None:
            return False
        if asked == SAFE_TAP:
            self._keep(step, text, aside=True)
            self._safety_answered(step, _SAFETY[answer])
            return True
        tap, _, category = asked.partition(":")
        if tap != WORRY_TAP or category not in CATEGORIES:
            return False
        self._worry_answered(step, _WORRY[answer], category, text, now)
        return True

    def _worry_answered(
        self, step: Step, answer: str, category: str, text: str, now: datetime
    ) -> None:
        step.stats.append(Stat("worry_answer", value=answer))
        intake = step.intake
        if answer == "no":
            if intake is None:
                step.outbound.append(Outbound("crisis.worry_no_kept_nothing"))
                step.outbound.append(self.flow.doorway.consent_question(step.language, ""))
                return
            self._keep(step, text, aside=True)
            step.outbound.append(Outbound("crisis.worry_no"))
            if intake.state != QUEUED:
                self.flow.ask(step)
            return
        # "Ja", and "Weet ik niet" too: safety first. The help lines were just shown with it.
        step.raised = Signal(category, ACUTE, "confirmed")
        self._acute(step, step.raised, text, aside=True, now=now)

    def safety_answer(self, step: Step, value: str) -> None:
        """Ja / Nee / Weet ik niet on "Ben je nu veilig?". Not safe, or not sure: the team is
        alerted again, as the most urgent there is. Then the youngster checks the summary."""
        if value not in ANSWERS:
            step.tap = Tap("unknown")
            return
        step.tap = Tap("answered", Ref(f"crisis.safe_{value}"))
        self._safety_answered(step, value)

    def _safety_answered(self, step: Step, value: str) -> None:
        intake = step.intake
        if intake is not None:
            intake.safety = value
        step.stats.append(Stat("safety", value=value))
        if intake is None:
            # Nothing is kept before consent: say so, and open the door to a coach again.
            key = "crisis.reply_yes_kept_nothing" if value == "yes" else f"crisis.reply_{value}"
            step.outbound.append(Outbound(key))
            step.outbound.append(self.flow.doorway.consent_question(step.language, ""))
            return
        step.outbound.append(Outbound(f"crisis.reply_{value}"))
        if intake.state != QUEUED or intake.case is None:
            return
        if value != "yes":
            step.alert = Alert(intake.case.signal, safety=value)
            if not intake.case.urgent:
                intake.case = replace(intake.case, urgent=True)
                step.case_change = "urgent"
        self._review(step)

    # -- checking what the coach sees, after a crisis queued the youngster ---------------------

    def _review(self, step: Step) -> None:
        intake = step.intake
        if intake is not None and intake.case is not None and not intake.case.shared:
            step.outbound.append(review_message(self.flow.questionnaire, intake))

    def review_choice(self, step: Step, value: str) -> None:
        """A 🗑 or ✅ on the summary shown after the safety question (`review:rm.<id>`,
        `review:send`): what the coach who has the case gets to read."""
        intake = step.intake
        if intake is None or intake.case is None or intake.case.shared:
            step.tap = Tap("stale")
            return
        shown = {answer_id for answer_id, _ in shown_answers(self.flow.questionnaire, intake)}
        if value == "send":
            step.tap = Tap("answered", Ref("review.send"))
            intake.case = replace(intake.case, shared=True)
            step.case_change = "share"
            step.outbound.append(Outbound("review.shared"))
        elif value.startswith("rm.") and value[3:] in shown:
            removed = value[3:]
            step.tap = Tap("answered", Ref("summary.removed"))
            step.stats.append(remove_shown(intake, removed))
            step.outbound.append(review_message(self.flow.questionnaire, intake))
        else:
            step.tap = Tap("unknown")
