"""The reach questions (school or work, housing): asked only once the youngster is in the
queue, never before, so they never stand between a youngster and a coach. Each is one tap;
"liever niet" skips them all with one tap. Only for the statistics: whom Klik reaches."""

from __future__ import annotations

from flows.content import Questionnaire, ReachQuestion
from flows.messages import Button, Outbound, Ref
from flows.state import QUEUED, Answer, Intake, Stat, Step, Tap

TAP = "reach"  # button data: reach:<question>:<option>, or reach:skip
SKIP = "skip"


def next_question(questionnaire: Questionnaire, intake: Intake) -> ReachQuestion | None:
    """The first reach question not answered yet."""
    return next((r for r in questionnaire.reach if r.id not in intake.answers), None)


def ask(question: ReachQuestion) -> Outbound:
    """One question, an option a row, and the one tap that skips them all."""
    options = tuple(
        (Button(Ref(f"opt.{question.id}.{option}"), f"{TAP}:{question.id}:{option}"),)
        for option in question.options
    )
    skip = (Button(Ref("reach.skip"), f"{TAP}:{SKIP}"),)
    return Outbound(f"reach.{question.id}.ask", buttons=(*options, skip))


def after_queue(questionnaire: Questionnaire, intake: Intake, *, urgent: bool) -> list[Outbound]:
    """What follows "you are in the queue": the first reach question, unless the youngster is
    queued in a crisis (then nothing more is asked) or answered them all before."""
    question = next_question(questionnaire, intake)
    if urgent or question is None:
        return []
    return [Outbound("reach.intro"), ask(question)]


def reach_choice(questionnaire: Questionnaire, step: Step, parts: list[str]) -> None:
    """A tap on a reach question: keep the choice and ask the next, or skip them all."""
    intake = step.intake
    assert intake is not None
    if intake.state != QUEUED:  # never before the queue: a tap from an old message
        step.tap = Tap("stale")
        return
    if parts[1:] == [SKIP]:
        step.tap = Tap("answered", Ref("reach.skip"))
        step.stats.append(Stat("skipped", TAP))
        step.outbound.append(Outbound("reach.skipped"))
        return
    question = (
        next((r for r in questionnaire.reach if r.id == parts[1]), None)
        if len(parts) == 3
        else None
    )
    if question is None or parts[2] not in question.options:
        step.tap = Tap("unknown")
        return
    if question.id in intake.answers:
        step.tap = Tap("stale")
        return
    intake.answers[question.id] = Answer(choice=parts[2])
    step.tap = Tap("answered", Ref(f"opt.{question.id}.{parts[2]}"))
    step.stats.append(Stat("answered", question.id, parts[2]))
    following = next_question(questionnaire, intake)
    step.outbound.append(ask(following) if following else Outbound("reach.thanks"))
