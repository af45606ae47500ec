"""The intake: from the first message to a confirmed place in the coach match queue.

The machine is data (`intake_machine_spec`): states and transitions built from the questionnaire,
so adding a domain needs no code. One shared `transitions.Machine` drives a light `Intake` per
event. `IntakeFlow.handle` is pure: state + event + now in, new state + messages + effects out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from transitions import Machine

from flows.case import CLOSED, PAUSED, WITH_COACH
from flows.content import Content, Question
from flows.hours import ServiceHours
from flows.messages import Button, HelpLines, Inbound, Outbound, Param, Ref, When
from flows.summary import EXTRA, SHORT, shown_answers, summary_lines, summary_message

CONSENT, AGE, SUMMARY, QUEUED = "consent", "age", "summary", "queued"
RESUME_AFTER = timedelta(hours=6)  # after this long away, say "welcome back" and re-ask
MAX_TEXT = 4096  # a Telegram message is at most this long; longer input is cut, not refused
COMMAND_ALIASES = {
    "opnieuw": "restart",
    "restart": "restart",
    "stoppen": "stop",
    "hulp": "help",
    "andere_coach": "other_coach",
    "other_coach": "other_coach",
}


@dataclass
class Answer:
    """What the youngster answered at one step: a tapped choice and/or their own words."""

    choice: str | None = None
    text: str = ""


@dataclass(frozen=True)
class CaseView:
    """The youngster's place in the queue, as the intake needs to know it."""

    queued_at: datetime
    deadline: datetime
    urgent: bool = False
    coach: str | None = None  # the coach's first name, once one has taken the case
    state: str = "queued"  # see flows/case.py


@dataclass
class Intake:
    """The light model the shared machine drives; storage saves and loads it."""

    state: str
    language: str
    pseudonym: str = ""
    source: str | None = None
    age_band: str | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    paused: bool = False
    safety: str | None = None
    last_seen: datetime | None = None
    case: CaseView | None = None


@dataclass(frozen=True)
class Rules:
    """The service's settings that change what the intake does."""

    promise_hours: int
    min_age: int
    timezone: ZoneInfo
    service_hours: ServiceHours


@dataclass(frozen=True)
class Stat:
    """An anonymous statistics event: what happened, at which step, in which category."""

    kind: str
    step: str | None = None
    value: str | None = None


# answered: show the answer on the question; closed: remove the keyboard; quiet: just answer
# the tap; stale, unknown, taken, full: answer with the matching tap.<kind> text.
TapKind = Literal["answered", "closed", "quiet", "stale", "unknown", "taken", "full"]


@dataclass(frozen=True)
class Tap:
    """How the channel should treat a tapped keyboard: show the answer, close it, or refuse."""

    kind: TapKind
    label: Ref | None = None


CaseChange = Literal["open", "urgent", "withdraw", "reopen", "switch"]


@dataclass
class Step:
    """The outcome of one event: the new intake (None: nothing is kept) and what follows."""

    intake: Intake | None
    language: str
    outbound: list[Outbound] = field(default_factory=list)
    stats: list[Stat] = field(default_factory=list)
    case_change: CaseChange | None = None
    notes_for_coach: list[str] = field(default_factory=list)
    tap: Tap | None = None
    forget: bool = False  # erase everything kept about this youngster
    media_for_coach: bool = False  # relay the photo, voice note or file to the coach


def question_state(question_id: str) -> str:
    """The machine state in which a question is asked."""
    return f"q.{question_id}"


def preference_state(preference_id: str) -> str:
    """The machine state in which a preference is asked."""
    return f"p.{preference_id}"


def intake_machine_spec(content: Content) -> dict[str, Any]:
    """States and transitions of the intake as data, built from the questionnaire."""
    questionnaire = content.questionnaire
    questions = [question_state(q.id) for q in questionnaire.questions]
    preferences = [preference_state(p.id) for p in questionnaire.preferences]
    in_intake = [AGE, *questions, SUMMARY, *preferences]
    transitions: list[dict[str, Any]] = [
        {"trigger": "agree", "source": CONSENT, "dest": AGE},
        {"trigger": "next", "source": AGE, "dest": questions[0]},
    ]
    for here, there in zip(questions, [*questions[1:], SUMMARY], strict=True):
        transitions.append({"trigger": "next", "source": here, "dest": there})
    transitions.append({"trigger": "preferences", "source": SUMMARY, "dest": preferences[0]})
    for index, here in enumerate(preferences):
        # A preference marked only_without_source is asked only when the link had no source.
        for later in questionnaire.preferences[index + 1 :]:
            if later.only_without_source:
                transitions.append(
                    {
                        "trigger": "next",
                        "source": here,
                        "dest": preference_state(later.id),
                        "conditions": "lacks_source",
                    }
                )
                continue
            transitions.append(
                {"trigger": "next", "source": here, "dest": preference_state(later.id)}
            )
            break
        else:
            transitions.append({"trigger": "next", "source": here, "dest": SUMMARY})
    transitions += [
        {"trigger": "back", "source": preferences, "dest": SUMMARY},
        {"trigger": "send", "source": SUMMARY, "dest": QUEUED},
        {"trigger": "talk_now", "source": in_intake, "dest": QUEUED},
        {"trigger": "restart", "source": in_intake, "dest": AGE},
        {"trigger": "withdraw", "source": QUEUED, "dest": SUMMARY},
    ]
    return {
        "states": [CONSENT, *in_intake, QUEUED],
        "transitions": transitions,
        "initial": CONSENT,
    }


class _Model:
    """What the shared machine moves: just a state and the one fact a condition needs."""

    def __init__(self, state: str, has_source: bool) -> None:
        self.state = state
        self._has_source = has_source

    def lacks_source(self) -> bool:
        return not self._has_source


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

    # -- the machine ------------------------------------------------------------------------

    def _move(self, intake: Intake, trigger: str) -> None:
        model = _Model(intake.state, intake.source is not None)
        self.machine.events[trigger].trigger(model)
        intake.state = model.state

    def can(self, intake: Intake, trigger: str) -> bool:
        """Whether the machine allows this trigger in the intake's state."""
        return intake.state in self.machine.events[trigger].transitions

    # -- entry point ------------------------------------------------------------------------

    def handle(self, intake: Intake | None, event: Inbound, now: datetime) -> Step:
        """Apply one inbound event to the intake (None: nobody known yet) at time `now`."""
        current = _copy(intake) if intake else None
        language = current.language if current else self.language_for(event.language_hint)
        step = Step(intake=current, language=language)
        text = event.text[:MAX_TEXT]
        if event.kind in ("text", "edited") and text.strip():
            hit = self.content.detector.detect(text)
            if hit is not None:
                self._crisis(step, hit.category, text, now)
                return self._done(step, now)
        if event.kind == "start" or (event.kind == "command" and event.command == "start"):
            self._start(step, event, now)
        elif event.kind == "command":
            self._command(step, COMMAND_ALIASES.get(event.command, event.command), now)
        elif event.kind == "media":
            if current is not None and current.case is not None and current.case.coach:
                step.media_for_coach = True
                if current.case.state == CLOSED:
                    step.case_change = "reopen"
            else:
                step.outbound.append(Outbound("media.text_only"))
        elif event.kind == "choice":
            self._choice(step, event.choice, now)
        elif event.kind == "edited":
            self._edited(step, text)
        elif text.strip():
            self._text(step, text, now)
        return self._done(step, now)

    def _done(self, step: Step, now: datetime) -> Step:
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
            self._welcome(step, step.language, source)
        elif intake.state == QUEUED:
            self._status(step, now)
        else:
            intake.paused = False
            step.outbound.append(Outbound("resume.welcome_back"))
            self._ask(step)

    def _welcome(self, step: Step, language: str, source: str) -> None:
        step.language = language
        step.outbound.append(Outbound("welcome", {"hours": self.rules.promise_hours}))
        switch = [
            Button(Ref("language.name", language=other), f"lang:{other}:{source}")
            for other in self.questionnaire.languages
            if other != language
        ]
        step.outbound.append(
            Outbound(
                "consent.ask",
                buttons=(
                    (Button(Ref("consent.yes"), f"consent:yes:{language}:{source}"),),
                    (Button(Ref("consent.no"), f"consent:no:{language}:{source}"),),
                    tuple(switch),
                ),
            )
        )

    def _consent_choice(self, step: Step, parts: list[str]) -> None:
        if step.intake is not None:
            step.tap = Tap("stale")
            return
        if parts[0] == "lang" and len(parts) == 3:
            kind, answer, language, source = "lang", "", parts[1], parts[2]
        elif parts[0] == "consent" and len(parts) == 4:
            kind, answer, language, source = parts
        else:
            step.tap = Tap("unknown")
            return
        if language not in self.questionnaire.languages or (
            source and source not in (*self.questionnaire.sources, "other")
        ):
            step.tap = Tap("unknown")
            return
        step.language = language
        if kind == "lang":
            step.tap = Tap("closed")
            self._welcome(step, language, source)
        elif answer == "no":
            step.tap = Tap("answered", Ref("consent.no"))
            step.stats.append(Stat("consent_declined", value=source or None))
            step.outbound.append(Outbound("consent.declined"))
        elif answer == "yes":
            step.tap = Tap("answered", Ref("consent.yes"))
            step.intake = Intake(state=CONSENT, language=language, source=source or None)
            self._move(step.intake, "agree")
            step.stats.append(Stat("consent_given", value=source or None))
            self._ask(step)
        else:
            step.tap = Tap("unknown")

    def _age_choice(self, intake: Intake, step: Step, value: str) -> None:
        if value == "skip":
            intake.age_band = None
            step.tap = Tap("answered", Ref("age.skip"))
        else:
            band = self.questionnaire.age_band(value)
            if band is None:
                step.tap = Tap("unknown")
                return
            step.tap = Tap("answered", Ref(f"age.{band.id}"))
            if band.max is not None and band.max < self.rules.min_age:
                step.intake, step.forget = None, True
                step.stats.append(Stat("too_young", value=band.id))
                step.outbound.append(
                    Outbound(
                        "age.too_young",
                        {"min_age": self.rules.min_age, "help_lines": HelpLines("under_age")},
                    )
                )
                return
            intake.age_band = band.id
        step.stats.append(Stat("answered" if value != "skip" else "skipped", AGE, value))
        self._move(intake, "next")
        self._ask(step)

    # -- asking -------------------------------------------------------------------------------

    def _ask(self, step: Step, kept: bool = False) -> None:
        """Ask whatever the intake's state asks; with `kept`, first say the text was saved."""
        intake = step.intake
        assert intake is not None
        if intake.state == SUMMARY:
            message = summary_message(self.questionnaire, intake)
        elif intake.state == AGE:
            message = self._age_question()
        elif intake.state in self._questions:
            message = self._question(self._questions[intake.state])
        elif intake.state in self._preferences:
            message = self._preference_question(intake.state)
        else:
            return
        if kept:
            message = Outbound(
                "intake.kept", {"question": Ref(message.key, message.params)}, message.buttons
            )
        step.outbound.append(message)

    def _talk_row(self) -> tuple[Button, ...]:
        return (Button(Ref("button.talk"), "talk"),)

    def _age_question(self) -> Outbound:
        bands = [Button(Ref(f"age.{b.id}"), f"{AGE}:{b.id}") for b in self.questionnaire.age_bands]
        rows = tuple(tuple(bands[i : i + 2]) for i in range(0, len(bands), 2))
        return Outbound(
            "age.ask", buttons=(*rows, (Button(Ref("age.skip"), f"{AGE}:skip"),), self._talk_row())
        )

    def _progress(self, question: Question) -> Ref:
        questions = self.questionnaire.questions
        return Ref("progress", {"n": questions.index(question) + 1, "total": len(questions)})

    def _question(self, question: Question) -> Outbound:
        state = question_state(question.id)
        params: dict[str, Param] = {
            "progress": self._progress(question),
            "question": Ref(f"q.{question.id}.ask"),
        }
        if question.kind == "open":
            skip = (Button(Ref("button.skip_open"), f"{state}:skip"),)
            return Outbound("intake.open", params, (skip, self._talk_row()))
        scale = tuple(
            Button(Ref("raw", {"text": p.emoji}), f"{state}:{p.value}")
            for p in self.questionnaire.scale
        )
        skip = (Button(Ref("button.skip"), f"{state}:skip"),)
        return Outbound("intake.checkin", params, (scale, skip, self._talk_row()))

    def _preference_question(self, state: str) -> Outbound:
        preference = self._preferences[state]
        options = [
            Button(Ref(f"opt.{preference.id}.{o}"), f"{state}:{o}") for o in preference.options
        ]
        rows = tuple(tuple(options[i : i + 2]) for i in range(0, len(options), 2))
        last = (
            Button(Ref("pref.skip"), f"{state}:skip"),
            Button(Ref("pref.done"), f"{state}:done"),
        )
        return Outbound(f"pref.{preference.id}.ask", buttons=(*rows, last))

    def summary_lines(self, intake: Intake, *, limit: int | None = SHORT) -> tuple[Ref, ...]:
        """What a coach gets to see: the answers the youngster kept, one line each."""
        return summary_lines(self.questionnaire, intake, limit=limit)

    # -- taps ---------------------------------------------------------------------------------

    def _choice(self, step: Step, data: str, now: datetime) -> None:
        parts = data.split(":")
        head = parts[0]
        if head in ("consent", "lang"):
            self._consent_choice(step, parts)
            return
        if head == "safe":
            self._safety(step, parts[1] if len(parts) == 2 else "")
            return
        intake = step.intake
        if intake is None:
            step.tap = Tap("stale")
            step.outbound.append(Outbound("status.new"))
            return
        if head == "stop":
            self._stop_choice(step, parts[1] if len(parts) == 2 else "", now)
            return
        if head == "talk":
            self._talk_now(step, now)
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
            self._age_choice(intake, step, value)
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
        self._move(intake, "next")
        self._ask(step)

    def _summary_choice(self, intake: Intake, step: Step, value: str, now: datetime) -> None:
        if value == "send":
            step.tap = Tap("answered", Ref("summary.send"))
            self._move(intake, "send")
            self._queue(step, now, urgent=False)
        elif value == "prefs":
            step.tap = Tap("closed")
            self._move(intake, "preferences")
            if self._preferences[intake.state].only_without_source and intake.source:
                self._move(intake, "next")
            step.outbound.append(Outbound("pref.intro"))
            self._ask(step)
        elif value.startswith("rm.") and value[3:] in {
            a for a, _ in shown_answers(self.questionnaire, intake)
        }:
            removed = value[3:]
            step.tap = Tap("answered", Ref("summary.removed"))
            if removed == "age":
                intake.age_band = None
            else:
                del intake.answers[removed]
            step.stats.append(Stat("removed", removed))
            self._ask(step)
        else:
            step.tap = Tap("unknown")

    def _preference_choice(self, intake: Intake, step: Step, value: str) -> None:
        preference = self._preferences[intake.state]
        if value == "done":
            step.tap = Tap("answered", Ref("pref.done"))
            self._move(intake, "back")
        elif value == "skip":
            step.tap = Tap("answered", Ref("pref.skip"))
            step.stats.append(Stat("skipped", preference.id))
            self._move(intake, "next")
        elif value in preference.options:
            step.tap = Tap("answered", Ref(f"opt.{preference.id}.{value}"))
            intake.answers.setdefault(preference.id, Answer()).choice = value
            step.stats.append(Stat("answered", preference.id, value))
            self._move(intake, "next")
        else:
            step.tap = Tap("unknown")
            return
        self._ask(step)

    # -- free text ------------------------------------------------------------------------------

    def _text(self, step: Step, text: str, now: datetime) -> None:
        intake = step.intake
        if intake is None:
            step.outbound.append(Outbound("consent.need_answer"))
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
            _keep(intake, EXTRA, text)
            step.outbound.append(Outbound("resume.welcome_back"))
            self._ask(step)
            return
        question = self._questions.get(intake.state)
        if question is not None and question.kind == "open":
            _keep(intake, question.id, text)
            step.stats.append(Stat("answered", question.id, "text"))
            self._move(intake, "next")
            self._ask(step, kept=True)
            return
        preference = self._preferences.get(intake.state)
        if preference is not None and preference.kind == "postcode":
            area = _postcode_area(text)
            if area is None:
                step.outbound.append(Outbound("pref.region.invalid"))
                return
            intake.answers[preference.id] = Answer(choice=area)
            step.stats.append(Stat("answered", preference.id, "area"))
            self._move(intake, "next")
            self._ask(step, kept=True)
            return
        _keep(intake, question.id if question is not None else EXTRA, text)
        self._ask(step, kept=True)

    def _edited(self, step: Step, text: str) -> None:
        intake = step.intake
        if intake is None or not text.strip():
            return
        if intake.state == QUEUED:
            step.notes_for_coach.append(text)
        else:
            _keep(intake, EXTRA, text)
        step.outbound.append(Outbound("edited.kept"))

    # -- queue, talk now, crisis ----------------------------------------------------------------

    def _queue(self, step: Step, now: datetime, *, urgent: bool) -> None:
        intake = step.intake
        assert intake is not None
        deadline = now + timedelta(hours=self.rules.promise_hours)
        intake.case = CaseView(queued_at=now, deadline=deadline, urgent=urgent)
        intake.paused = False
        step.case_change = "open"
        step.stats.append(Stat("queued", value="urgent" if urgent else None))
        step.outbound.append(Outbound("queued.confirm", {"deadline": When(deadline)}))
        step.outbound += when_back(self.rules, now)

    def _talk_now(self, step: Step, now: datetime) -> None:
        intake = step.intake
        assert intake is not None
        if not self.can(intake, "talk_now"):
            step.tap = Tap("stale")
            if intake.state == QUEUED:
                self._status(step, now)
            return
        step.tap = Tap("answered", Ref("button.talk"))
        step.stats.append(Stat("talk_now", intake.state))
        self._move(intake, "talk_now")
        step.outbound.append(Outbound("queued.talk_now"))
        self._queue(step, now, urgent=False)

    def _crisis(self, step: Step, category: str, text: str, now: datetime) -> None:
        """Help lines at once, ask about safety, and put a consented youngster on top."""
        step.stats.append(Stat("crisis", value=category))
        step.outbound.append(Outbound("crisis.alert", {"help_lines": HelpLines("crisis")}))
        step.outbound.append(
            Outbound(
                "crisis.safe_ask",
                buttons=(
                    (
                        Button(Ref("crisis.safe_yes"), "safe:yes"),
                        Button(Ref("crisis.safe_no"), "safe:no"),
                        Button(Ref("crisis.safe_unsure"), "safe:unsure"),
                    ),
                ),
            )
        )
        intake = step.intake
        if intake is None:
            return  # no consent yet: nothing may be kept, but the help lines are sent
        if intake.state == QUEUED:
            step.notes_for_coach.append(text)
            if intake.case is not None and intake.case.state == CLOSED:
                step.case_change = "reopen"
            elif intake.case is not None and not intake.case.urgent:
                intake.case = replace(intake.case, urgent=True)
                step.case_change = "urgent"
            coach = intake.case.coach if intake.case is not None else None
            if coach:
                step.outbound.append(Outbound("crisis.told_coach", {"coach": coach}))
            else:
                step.outbound.append(Outbound("crisis.urgent"))
            return
        question = self._questions.get(intake.state)
        _keep(intake, question.id if question else EXTRA, text)
        step.stats.append(Stat("talk_now", intake.state, "crisis"))
        self._move(intake, "talk_now")
        step.outbound.append(Outbound("crisis.urgent"))
        self._queue(step, now, urgent=True)

    def _safety(self, step: Step, value: str) -> None:
        if value not in ("yes", "no", "unsure"):
            step.tap = Tap("unknown")
            return
        step.tap = Tap("answered", Ref(f"crisis.safe_{value}"))
        if step.intake is not None:
            step.intake.safety = value
        step.stats.append(Stat("safety", value=value))
        step.outbound.append(Outbound(f"crisis.reply_{value}"))

    # -- commands ---------------------------------------------------------------------------------

    def _command(self, step: Step, command: str, now: datetime) -> None:
        if command == "status":
            self._status(step, now)
        elif command == "stop":
            self._stop(step)
        elif command == "restart":
            self._restart(step)
        elif command == "other_coach":
            self._other_coach(step)
        else:  # help, and any command we do not know
            step.outbound.append(Outbound("help.text", {"hours": self.rules.promise_hours}))

    def _other_coach(self, step: Step) -> None:
        """/andere_coach: back in the queue with priority; the coach is told."""
        intake = step.intake
        case = intake.case if intake is not None else None
        if case is None or not case.coach or case.state not in WITH_COACH:
            step.outbound.append(Outbound("case.no_coach_yet"))
            return
        step.case_change = "switch"
        step.stats.append(Stat("coach_switch"))
        step.outbound.append(Outbound("case.switching", {"coach": case.coach}))

    def _status(self, step: Step, now: datetime) -> None:
        intake = step.intake
        if intake is None:
            step.outbound.append(Outbound("status.new"))
        elif intake.state == QUEUED and intake.case is not None and intake.case.coach:
            key = {PAUSED: "status.case_paused", CLOSED: "status.case_closed"}.get(
                intake.case.state, "status.with_coach"
            )
            step.outbound.append(Outbound(key, {"coach": intake.case.coach}))
        elif intake.state == QUEUED and intake.case is not None:
            late = now >= intake.case.deadline
            step.outbound.append(
                Outbound(
                    "status.queued_late" if late else "status.queued",
                    {"since": When(intake.case.queued_at), "deadline": When(intake.case.deadline)},
                )
            )
        elif intake.paused:
            step.outbound.append(Outbound("status.paused"))
        elif intake.state == AGE:
            step.outbound.append(Outbound("status.age"))
        elif intake.state in self._questions:
            progress = self._progress(self._questions[intake.state])
            step.outbound.append(Outbound("status.intake", {"progress": progress}))
        else:
            step.outbound.append(Outbound("status.summary"))

    def _stop(self, step: Step) -> None:
        intake = step.intake
        if intake is None:
            step.outbound.append(Outbound("stop.nothing"))
            return
        key = "stop.ask_queued" if intake.state == QUEUED else "stop.ask"
        step.outbound.append(
            Outbound(
                key,
                buttons=(
                    (Button(Ref("stop.keep"), "stop:keep"),),
                    (Button(Ref("stop.delete"), "stop:delete"),),
                    (Button(Ref("stop.cancel"), "stop:cancel"),),
                ),
            )
        )

    def _stop_choice(self, step: Step, value: str, now: datetime) -> None:
        intake = step.intake
        assert intake is not None
        if value == "keep":
            step.tap = Tap("answered", Ref("stop.keep"))
            if intake.state == QUEUED:
                self._move(intake, "withdraw")
                intake.case = None
                step.case_change = "withdraw"
                step.outbound.append(Outbound("stop.left_queue"))
            else:
                step.outbound.append(Outbound("stop.kept"))
            intake.paused = True
            step.stats.append(Stat("paused", intake.state))
        elif value == "delete":
            step.tap = Tap("answered", Ref("stop.delete"))
            step.stats.append(Stat("erased", intake.state))
            step.intake, step.forget = None, True
            step.outbound.append(Outbound("stop.deleted"))
        elif value == "cancel":
            step.tap = Tap("answered", Ref("stop.cancel"))
            intake.paused = False
            step.outbound.append(Outbound("stop.cancelled"))
            if intake.state == QUEUED:
                self._status(step, now)
            else:
                self._ask(step)
        else:
            step.tap = Tap("unknown")

    def _restart(self, step: Step) -> None:
        intake = step.intake
        if intake is None:
            self._welcome(step, step.language, "")
            return
        if not self.can(intake, "restart"):
            step.outbound.append(Outbound("restart.queued"))
            return
        self._move(intake, "restart")
        intake.answers.clear()
        intake.age_band = None
        intake.paused = False
        step.stats.append(Stat("restarted"))
        step.outbound.append(Outbound("restart.done"))
        self._ask(step)


def when_back(rules: Rules, now: datetime) -> list[Outbound]:
    """Outside service hours: a message saying when coaches are back ("morgen om 09:00")."""
    local = now.astimezone(rules.timezone)
    back = None if rules.service_hours.is_open(local) else rules.service_hours.next_opening(local)
    if back is None:
        return []
    style = {0: "today", 1: "tomorrow"}.get((back.date() - local.date()).days, "back")
    return [Outbound("queued.outside_hours", {"back": When(back, style)})]


def _copy(intake: Intake) -> Intake:
    answers = {k: Answer(v.choice, v.text) for k, v in intake.answers.items()}
    return replace(intake, answers=answers)


def _keep(intake: Intake, answer_id: str, text: str) -> None:
    """Keep the youngster's own words with an answer, after what they wrote before."""
    answer = intake.answers.setdefault(answer_id, Answer())
    answer.text = f"{answer.text}\n{text}" if answer.text else text


_POSTCODE = re.compile(r"^\s*(\d{2})\d{0,2}\s*(?:[a-zA-Z]{2})?\s*$")


def _postcode_area(text: str) -> str | None:
    """The first two digits of a Belgian or Dutch postcode, which is all Klik keeps."""
    match = _POSTCODE.match(text)
    return match.group(1) if match else None
