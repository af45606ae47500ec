"""What a coach will see of an intake: the summary the youngster checks (and trims) before
sending, and the lines that travel with the case."""

from __future__ import annotations

from flows.content import Questionnaire
from flows.messages import Button, Outbound, Param, Ref
from flows.questions import talk_row
from flows.state import Intake

EXTRA = "extra"  # free text written outside a question: kept for the coach all the same
SHORT = 300  # characters of a free text shown in a summary; the coach who claims gets it all


def shown_answers(questionnaire: Questionnaire, intake: Intake) -> list[tuple[str, Ref]]:
    """The answers the coach will see, in intake order, each with its label."""
    shown: list[tuple[str, Ref]] = []
    if intake.age_band:
        shown.append(("age", Ref("summary.age")))
    order = [q.id for q in questionnaire.questions] + [p.id for p in questionnaire.preferences]
    for answer_id in [*order, EXTRA]:
        answer = intake.answers.get(answer_id)
        if answer is None or (answer.choice in (None, "skip") and not answer.text):
            continue
        if answer_id == EXTRA:
            shown.append((EXTRA, Ref("summary.extra")))
        elif questionnaire.question(answer_id):
            shown.append((answer_id, Ref(f"q.{answer_id}.label")))
        else:
            shown.append((answer_id, Ref(f"pref.{answer_id}.label")))
    return shown


def remove_shown(intake: Intake, removed: str) -> None:
    """Take one line off the summary: the age band, or an answer with its words."""
    if removed == "age":
        intake.age_band = None
    else:
        del intake.answers[removed]


def summary_line(
    questionnaire: Questionnaire,
    intake: Intake,
    answer_id: str,
    label: Ref,
    *,
    limit: int | None = SHORT,
) -> Ref:
    """One answer as a line: label, the tapped choice in words, and the youngster's words."""
    if answer_id == "age":
        return Ref("summary.line", {"label": label, "value": Ref(f"age.{intake.age_band}")})
    answer = intake.answers[answer_id]
    value: Ref | None = None
    if answer.choice not in (None, "skip"):
        if questionnaire.question(answer_id):
            value = Ref(f"scale.{answer.choice}")
        elif answer_id == "region":
            value = Ref("pref.region.value", {"area": answer.choice or ""})
        else:
            value = Ref(f"opt.{answer_id}.{answer.choice}")
    text = answer.text
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    if value is None:
        return Ref("summary.text_only", {"label": label, "text": text})
    if answer.text:
        return Ref("summary.line_with_text", {"label": label, "value": value, "text": text})
    return Ref("summary.line", {"label": label, "value": value})


def summary_lines(
    questionnaire: Questionnaire, intake: Intake, *, limit: int | None = SHORT
) -> tuple[Ref, ...]:
    """Every answer the youngster kept, one line each."""
    return tuple(
        summary_line(questionnaire, intake, answer_id, label, limit=limit)
        for answer_id, label in shown_answers(questionnaire, intake)
    )


def _removable_rows(
    questionnaire: Questionnaire, intake: Intake, head: str
) -> list[tuple[Button, ...]]:
    removable = [
        Button(Ref("summary.remove", {"label": label}), f"{head}:rm.{answer_id}")
        for answer_id, label in shown_answers(questionnaire, intake)
    ]
    return [tuple(removable[i : i + 2]) for i in range(0, len(removable), 2)]


def _body(questionnaire: Questionnaire, intake: Intake) -> Param:
    lines = list(summary_lines(questionnaire, intake))
    return lines if lines else [Ref("summary.empty")]


def summary_message(questionnaire: Questionnaire, intake: Intake) -> Outbound:
    """The summary the youngster sees before sending, with a 🗑 button per answer; the talk
    button too, like every screen of the intake (it sends what is kept, as ✅ does)."""
    return Outbound(
        "summary.intro",
        {"lines": _body(questionnaire, intake), "pseudonym": intake.pseudonym},
        (
            *_removable_rows(questionnaire, intake, "summary"),
            (Button(Ref("summary.preferences"), "summary:prefs"),),
            (Button(Ref("summary.send"), "summary:send"),),
            talk_row(),
        ),
    )


def review_message(questionnaire: Questionnaire, intake: Intake) -> Outbound:
    """The same summary after a crisis put the youngster in the queue before they saw it: the
    coach reads the answers only once the youngster tapped ✅, and not what they took away."""
    return Outbound(
        "review.intro",
        {"lines": _body(questionnaire, intake), "pseudonym": intake.pseudonym},
        (
            *_removable_rows(questionnaire, intake, "review"),
            (Button(Ref("review.send"), "review:send"),),
        ),
    )
