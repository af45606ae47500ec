"""The intake: from the first message to a confirmed place in the coach match queue.

The machine is data (`intake_machine_spec`): states and transitions built from the questionnaire,
so adding a domain needs no code. One shared `transitions.Machine` drives a light `Intake` per
event. `IntakeFlow.handle` is pure: state + event + now in, new state + messages + effects out.
"""

from __future__ import annotations

from datetime import datetime

from transitions import Machine

from flows import feedback, kept_words, reach
from flows.case import CLOSED
from flows.command_words import youngster_words
from flows.commands import Commands, queued_confirm, when_back
from flows.content import Content, Question
from flows.doorway import Doorway
from flows.machine import MachineModel, intake_machine_spec
from flows.media import MediaDesk
from flows.messages import Inbound, Outbound, Ref
from flows.questions import (
    age_question,
    postcode_area,
    preference_message,
    preference_state,
    progress,
    question_message,
    question_state,
)
from flows.safety import REVIEW_TAP, SAFE_TAP, WORRY_TAP, SafetyNet
from flows.sla import promise
from flows.state import (
    AGE,
    CONSENT,
    QUEUED,
    RESUME_AFTER,
    SUMMARY,
    Answer,
    CaseView,
    Intake,
    Rules,
    Stat,
    Step,
    Tap,
    keep_text,
)
from flows.summary import (
    EXTRA,
    SHORT,
    remove_shown,
    shown_answers,
    summary_lines,
    summary_message,
)

# The value types live in flows/state.py; they are named here too, where callers look first.
__all__ = [
    "AGE", "CONSENT", "QUEUED", "SUMMARY", "Answer", "CaseView", "Intake", "IntakeFlow", "Rules",
    "Stat", "Step", "Tap", "intake_machine_spec", "when_back"
]  # fmt: skip
MAX_TEXT = 4096  # a Telegram message is at most this long; longer input is cut, not refused


class IntakeFlow:
    """The intake rules; one instance serves every youngster."""

    def __init__(self, content: Content, rules: Rules) -> None:
        self.content = content
        self.rules = rules
        self.questionnaire = content.questionnaire
        spec = intake_machine_spec(content)
        self.machine = Machine(
            model=None, auto_transitions=False, ignore_invalid_triggers=False, **spec
        )
        self._questions = {question_state(q.id): q for q in self.questionnaire.questions}
        self._preferences = {preference_state(p.id): p for p in self.questionnaire.preferences}
        self.doorway = Doorway(self)
        self.safety = SafetyNet(self)
        self.commands = Commands(self)
        self.media = MediaDesk(self)
        self.words = youngster_words(content.texts)  # the commands, in every language

    # -- the machine ------------------------------------------------------------------------

    def move(self, intake: Intake, trigger: str) -> None:
        """Take a trigger of the machine (it must be allowed in the intake's state)."""
        model = MachineModel(intake.state, intake.source is not None)
        self.machine.events[trigger].trigger(model)
        intake.state = model.state

    def can(self, intake: Intake, trigger: str) -> bool:
        """Whether the machine allows this trigger in the intake's state."""
        return intake.state in self.machine.events[trigger].transitions

    def question_at(self, state: str) -> Question | None:
        """The question asked in a state, if it is a question's state."""
        return self._questions.get(state)

    def progress(self, question: Question) -> Ref:
        """ "Vraag 3 van 6"."""
        return progress(self.questionnaire, question)

    # -- entry point ------------------------------------------------------------------------

    def handle(
        self, intake: Intake | None, event: Inbound, now: datetime, asked: str | None = None
    ) -> Step:
        """Apply one inbound event to the intake (None: nobody known yet) at time `now`;
        `asked`: the crisis question asked of somebody not known yet, as Step.asked said."""
        current = intake.copy() if intake else None
        asked = self.safety.waiting(current, event, asked, now)
        language = current.language if current else self.language_for(event.language_hint)
        step = Step(intake=current, language=language)
        text = event.text[:MAX_TEXT]
        # Every text is checked for crisis signals: typed, edited, and a photo's or file's caption.
        said = event.caption[:MAX_TEXT] if event.kind == "media" else text
        hit = None
        if event.kind in ("text", "edited", "media") and said.strip():
            hit = self.content.detector.detect(said)
        if feedback.takes(step, event, hit is not None, now, self.rules.timezone):
            pass  # "klikte het?" answered: nothing else of the event (flows/feedback.py)
        elif hit is not None:
            if event.kind == "media":
                # Kept where the youngster was, before the signal moves them on; the caption
                # is kept apart with the signal.
                self.media.keep(step, event, now, caption=False)
            self.safety.hit(step, hit, said, aside=event.kind != "text", now=now)
        elif asked and event.kind == "text" and self.safety.typed(step, asked, text, now):
            pass  # "ja", "nee hoor", "idk": an answer to the crisis question, as a tap is
        elif event.kind == "start" or (
            event.kind == "command" and self.words.action(event.command) == "start"
        ):
            self._start(step, event, now)
        elif event.kind == "command":
            self.commands.command(step, event.command, now)
        elif event.kind == "media" and step.intake is None:
            self._text(step, "", now)  # nothing is kept before consent: as for typed words
        elif event.kind == "media":
            self.media.received(step, event, now)
        elif event.kind == "choice":
            self._choice(step, event.choice, now)
        elif event.kind == "edited" and step.intake is not None:  # else: as if typed
            kept_words.edited(step, text)
        elif text.strip() and event.continued:
            question = self._questions.get(step.intake.state) if step.intake else None
            kept_words.continued(step, text, question.id if question else None)
        elif text.strip():
            self._text(step, text, now)
        if step.intake is not None:
            step.intake.last_seen = now
        return step

    def language_for(self, hint: str) -> str:
        """The language to greet someone in: their client's, if the content offers it."""
        hint = hint.split("-")[0].lower()
        languages = self.questionnaire.languages
        return hint if hint in languages else self.questionnaire.default_language

    # -- start, consent and age ---------------------------------------------------------------

    def _start(self, step: Step, event: Inbound, now: datetime) -> None:
        intake = step.intake
        if intake is None:
            source = event.argument if event.argument in self.questionnaire.sources else ""
            if event.argument and not source:
                source = "other"
            self.doorway.welcome(step, step.language, source)
        elif intake.state == QUEUED:
            self.commands.status(step, now)
        else:
            intake.paused = False
            step.outbound.append(Outbound("resume.welcome_back"))
            self.ask(step)

    # -- asking -------------------------------------------------------------------------------

    def ask(self, step: Step, kept: bool = False) -> None:
        """Ask whatever the intake's state asks; with `kept`, first say the text was saved."""
        intake = step.intake
        assert intake is not None
        if intake.state == SUMMARY:
            message = summary_message(self.questionnaire, intake)
        elif intake.state == AGE:
            message = age_question(self.questionnaire)
        elif intake.state in self._questions:
            message = question_message(self.questionnaire, self._questions[intake.state])
        elif intake.state in self._preferences:
            message = preference_message(self.questionnaire, self._preferences[intake.state].id)
        else:
            return
        if kept:
            message = Outbound(
                "intake.kept", {"question": Ref(message.key, message.params)}, message.buttons
            )
        step.outbound.append(message)

    def summary_lines(self, intake: Intake, *, limit: int | None = SHORT) -> tuple[Ref, ...]:
        """What a coach gets to see: the answers the youngster kept, one line each."""
        return summary_lines(self.questionnaire, intake, limit=limit)

    # -- taps ---------------------------------------------------------------------------------

    def _choice(self, step: Step, data: str, now: datetime) -> None:
        parts = data.split(":")
        head = parts[0]
        if head in ("consent", "lang"):
            self.doorway.consent_choice(step, parts)
            return
        if head == SAFE_TAP:
            self.safety.safety_answer(step, parts[1] if len(parts) == 2 else "")
            return
        if head == WORRY_TAP:
            self.safety.worry_answer(step, parts, now)
            return
        intake = step.intake
        if intake is None:
            step.tap = Tap("stale")
            step.outbound.append(Outbound("status.new"))
            return
        if head in ("stop", "forget"):
            value = parts[1] if len(parts) == 2 else ""
            self.commands.tapped(step, head, value, now)
            return
        if head == REVIEW_TAP:
            self.safety.review_choice(step, parts[1] if len(parts) == 2 else "")
            return
        if head == "talk":
            self._talk_now(step, now)
            return
        if head == reach.TAP:
            reach.reach_choice(self.questionnaire, step, parts)
            return
        if len(parts) != 2:
            step.tap = Tap("unknown")
            return
        state, value = parts
        if state not in self.machine.states or state in (CONSENT, QUEUED):
            step.tap = Tap("unknown")
            return
        if state != intake.state:
            step.tap = Tap("stale")
            return
        intake.paused = False
        if state == AGE:
            self.doorway.age_choice(intake, step, value)
        elif state in self._questions:
            self._question_choice(intake, step, self._questions[state], value)
        elif state == SUMMARY:
            self._summary_choice(intake, step, value, now)
        else:
            self._preference_choice(intake, step, value)

    def _question_choice(self, intake: Intake, step: Step, question: Question, value: str) -> None:
        valid = {"skip"} | (
            {str(p.value) for p in self.questionnaire.scale}
            if question.kind == "checkin"
            else set()
        )
        if value not in valid:
            step.tap = Tap("unknown")
            return
        answer = intake.answers.setdefault(question.id, Answer())
        answer.choice = value
        if value == "skip":
            step.tap = Tap(
                "answered", Ref("button.skip" if question.kind == "checkin" else "button.skip_open")
            )
        else:
            step.tap = Tap("answered", Ref(f"scale.{value}"))
        skipped = value == "skip" and not answer.text
        step.stats.append(Stat("skipped" if skipped else "answered", question.id, value))
        if skipped:
            del intake.answers[question.id]
        self.move(intake, "next")
        self.ask(step)

    def _summary_choice(self, intake: Intake, step: Step, value: str, now: datetime) -> None:
        if value == "send":
            step.tap = Tap("answered", Ref("summary.send"))
            self.move(intake, "send")
            self.queue(step, now, urgent=False)
        elif value == "prefs":
            step.tap = Tap("closed")
            self.move(intake, "preferences")
            if self._preferences[intake.state].only_without_source and intake.source:
                self.move(intake, "next")
            step.outbound.append(Outbound("pref.intro"))
            self.ask(step)
        elif value.startswith("rm.") and value[3:] in {
            a for a, _ in shown_answers(self.questionnaire, intake)
        }:
            removed = value[3:]
            step.tap = Tap("answered", Ref("summary.removed"))
            step.stats.append(remove_shown(intake, removed))
            self.ask(step)
        else:
            step.tap = Tap("unknown")

    def _preference_choice(self, intake: Intake, step: Step, value: str) -> None:
        preference = self._preferences[intake.state]
        if value == "done":
            step.tap = Tap("answered", Ref("pref.done"))
            self.move(intake, "back")
        elif value == "skip":
            step.tap = Tap("answered", Ref("pref.skip"))
            step.stats.append(Stat("skipped", preference.id))
            self.move(intake, "next")
        elif value in preference.options:
            step.tap = Tap("answered", Ref(f"opt.{preference.id}.{value}"))
            intake.answers.setdefault(preference.id, Answer()).choice = value
            step.stats.append(Stat("answered", preference.id, value))
            self.move(intake, "next")
        else:
            step.tap = Tap("unknown")
            return
        self.ask(step)

    # -- free text ------------------------------------------------------------------------------

    def _text(self, step: Step, text: str, now: datetime) -> None:
        intake = step.intake
        if intake is None:
            self.doorway.nothing_kept(step)
            return
        if intake.state == QUEUED:
            step.notes_for_coach.append(text)
            if intake.case is not None and intake.case.state == CLOSED:
                # Coming back after a close: the same coach where possible, no new intake.
                step.case_change = "reopen"
                step.outbound.append(Outbound("case.welcome_back"))
            elif intake.case is None or not intake.case.coach:
                step.outbound.append(Outbound("queued.note_kept"))
            return
        returning = intake.paused or (
            intake.last_seen is not None and now - intake.last_seen >= RESUME_AFTER
        )
        if returning:
            intake.paused = False
            keep_text(intake, EXTRA, text)
            step.outbound.append(Outbound("resume.welcome_back"))
            self.ask(step)
            return
        if intake.state == AGE and self.doorway.typed_age(intake, step, text):
            return  # "16", "ik ben 16": as the tap on its band
        question = self._questions.get(intake.state)
        if question is not None and question.kind == "open":
            keep_text(intake, question.id, text)
            step.stats.append(Stat("answered", question.id, "text"))
            self.move(intake, "next")
            self.ask(step, kept=True)
            return
        preference = self._preferences.get(intake.state)
        if preference is not None and preference.kind == "postcode":
            area = postcode_area(text)
            if area is None:
                step.outbound.append(Outbound("pref.region.invalid"))
                return
            intake.answers[preference.id] = Answer(choice=area)
            step.stats.append(Stat("answered", preference.id, "area"))
            self.move(intake, "next")
            self.ask(step, kept=True)
            return
        keep_text(intake, question.id if question is not None else EXTRA, text)
        self.ask(step, kept=True)

    # -- queue, talk now ------------------------------------------------------------------------

    def queue(self, step: Step, now: datetime, *, urgent: bool, review: bool = False) -> None:
        """Open the case with its deadline. With `review` (a crisis queued the youngster before
        they saw the summary) the coach reads the answers only once the youngster checked them."""
        intake = step.intake
        assert intake is not None
        deadline = promise(now, self.rules).deadline
        shared = not (review and shown_answers(self.questionnaire, intake))
        intake.case = CaseView(
            queued_at=now, deadline=deadline, urgent=urgent, signal=intake.signal, shared=shared
        )
        intake.signal = None  # from now on the case keeps it
        intake.paused = False
        step.case_change = "open"
        step.stats.append(Stat("queued", value="urgent" if urgent else None))
        step.outbound.append(queued_confirm(self.rules, now, deadline))
        step.outbound += reach.after_queue(self.questionnaire, intake, urgent=urgent)

    def _talk_now(self, step: Step, now: datetime) -> None:
        intake = step.intake
        assert intake is not None
        if not self.can(intake, "talk_now"):
            step.tap = Tap("stale")
            if intake.state == QUEUED:
                self.commands.status(step, now)
            return
        step.tap = Tap("answered", Ref("button.talk"))
        step.stats.append(Stat("talk_now", intake.state))
        self.move(intake, "talk_now")
        step.outbound.append(Outbound("queued.talk_now"))
        self.queue(step, now, urgent=False)
