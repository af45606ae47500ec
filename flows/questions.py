"""How each step of the intake is asked: the age bands, the questions with their progress, the
preferences. Messages only (text keys and buttons), built from the questionnaire."""

from __future__ import annotations

import re

from flows.content import Question, Questionnaire
from flows.messages import Button, Outbound, Param, Ref
from flows.state import AGE


def question_state(question_id: str) -> str:
    """The machine state in which a question is asked."""
    return f"q.{question_id}"


def preference_state(preference_id: str) -> str:
    """The machine state in which a preference is asked."""
    return f"p.{preference_id}"


def talk_row() -> tuple[Button, ...]:
    """ "Ik wil gewoon met iemand praten": on every screen of the intake (principle 1)."""
    return (Button(Ref("button.talk"), "talk"),)


def progress(questionnaire: Questionnaire, question: Question) -> Ref:
    """ "Vraag 3 van 6"."""
    questions = questionnaire.questions
    return Ref("progress", {"n": questions.index(question) + 1, "total": len(questions)})


def age_question(questionnaire: Questionnaire) -> Outbound:
    """The age bands, two a row, then "liever niet zeggen" and the talk button."""
    bands = [Button(Ref(f"age.{b.id}"), f"{AGE}:{b.id}") for b in questionnaire.age_bands]
    rows = tuple(tuple(bands[i : i + 2]) for i in range(0, len(bands), 2))
    return Outbound(
        "age.ask", buttons=(*rows, (Button(Ref("age.skip"), f"{AGE}:skip"),), talk_row())
    )


def question_message(questionnaire: Questionnaire, question: Question) -> Outbound:
    """An open question (free text) or a check-in (the emoji scale), with its progress."""
    state = question_state(question.id)
    params: dict[str, Param] = {
        "progress": progress(questionnaire, question),
        "question": Ref(f"q.{question.id}.ask"),
    }
    if question.kind == "open":
        skip = (Button(Ref("button.skip_open"), f"{state}:skip"),)
        return Outbound("intake.open", params, (skip, talk_row()))
    scale = tuple(
        Button(Ref("raw", {"text": p.emoji}), f"{state}:{p.value}") for p in questionnaire.scale
    )
    skip = (Button(Ref("button.skip"), f"{state}:skip"),)
    return Outbound("intake.checkin", params, (scale, skip, talk_row()))


def preference_message(questionnaire: Questionnaire, preference_id: str) -> Outbound:
    """A preference's options, two a row, then skip and done, and the talk button."""
    preference = questionnaire.preference(preference_id)
    assert preference is not None
    state = preference_state(preference.id)
    options = [Button(Ref(f"opt.{preference.id}.{o}"), f"{state}:{o}") for o in preference.options]
    rows = tuple(tuple(options[i : i + 2]) for i in range(0, len(options), 2))
    last = (
        Button(Ref("pref.skip"), f"{state}:skip"),
        Button(Ref("pref.done"), f"{state}:done"),
    )
    return Outbound(f"pref.{preference.id}.ask", buttons=(*rows, last, talk_row()))


POSTCODE = re.compile(r"^\s*(\d{2})\d{0,2}\s*(?:[a-zA-Z]{2})?\s*$")


def postcode_area(text: str) -> str | None:
    """The first two digits of a Belgian or Dutch postcode, which is all Klik keeps."""
    match = POSTCODE.match(text)
    return match.group(1) if match else None
