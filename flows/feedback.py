""" "Klikte het?": after a case closes, the youngster is asked once how it went (three
buttons, then an optional line of their own words, written within half an hour, or skipped).

The answer is an anonymous statistic, never shown per coach: what is kept (state.Feedback)
holds the answer or the line, the week and the language, and nothing that leads back to the
youngster, their case or their coach; not even their anonymous statistics journey, which
links their other events. Only that a question waits is kept on their own row
(Intake.feedback), so a forged or second tap changes nothing. Pure: the close asks
(flows/coaching/life.py), the intake hands every event here first.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flows.messages import Button, Inbound, Outbound, Ref
from flows.state import Feedback, Intake, Step, Tap

FEEDBACK_TAP = "feedback"
ANSWERS = ("good", "okay", "bad")
SKIP = "skip"
ASKED = "asked"  # the three buttons wait
LINE = "line"  # answered; their own words may follow
LINE_LENGTH = 1000  # one line, not a letter: the rest is cut, not refused
# The line is what they write soon after tapping; a message days later is for a coach again,
# and must not be taken for feedback and so lost to the coach.
LINE_WAIT = timedelta(minutes=30)


def question() -> Outbound:
    """The question after a close, with its three buttons."""
    buttons = tuple(
        Button(Ref(f"feedback.answer.{answer}"), f"{FEEDBACK_TAP}:{answer}") for answer in ANSWERS
    )
    return Outbound("feedback.ask", buttons=(buttons,))


def week_of(now: datetime, zone: ZoneInfo) -> date:
    """The Monday of the week `now` falls in, in the service's zone: no day, no hour, so the
    answer cannot be matched to the moment a case closed."""
    day = now.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def takes(step: Step, event: Inbound, hit: bool, now: datetime, zone: ZoneInfo) -> bool:
    """Whether the event is the youngster's feedback (a tap on its buttons, or the line after
    it); if so it is handled here. Anything else moves on from a question that waits: a
    youngster who writes instead of tapping is never stuck, and crisis words always go the
    safety path, never into the feedback."""
    intake = step.intake
    tapped = event.kind == "choice" and event.choice.split(":")[0] == FEEDBACK_TAP
    if intake is None:
        if tapped:
            step.tap = Tap("stale")
        return tapped
    if tapped:
        _tap(intake, step, event.choice.split(":")[1:], now, zone)
        return True
    if hit or event.kind not in ("text", "edited", "media"):
        if hit:
            intake.feedback = None
        return False
    soon = intake.last_seen is not None and now - intake.last_seen <= LINE_WAIT
    if intake.feedback == LINE and soon and event.kind == "text" and event.text.strip():
        intake.feedback = None
        line = event.text.strip()[:LINE_LENGTH]
        step.feedback = Feedback(week_of(now, zone), intake.language, line=line)
        step.outbound.append(Outbound("feedback.line_kept"))
        return True
    intake.feedback = None
    return False


def _tap(intake: Intake, step: Step, parts: list[str], now: datetime, zone: ZoneInfo) -> None:
    """One of the three answers while asked, or skipping the line while it may follow; any
    other tap (a second one, a forged one, an old keyboard) changes nothing."""
    value = parts[0] if len(parts) == 1 else ""
    if value not in (*ANSWERS, SKIP):
        step.tap = Tap("unknown")
    elif value in ANSWERS and intake.feedback == ASKED:
        intake.feedback = LINE
        step.feedback = Feedback(week_of(now, zone), intake.language, answer=value)
        skip = Button(Ref("feedback.skip"), f"{FEEDBACK_TAP}:{SKIP}")
        step.outbound.append(Outbound("feedback.line_ask", buttons=((skip,),)))
        step.tap = Tap("answered", Ref(f"feedback.answer.{value}"))
    elif value == SKIP and intake.feedback == LINE:
        intake.feedback = None
        step.outbound.append(Outbound("feedback.thanks"))
        step.tap = Tap("answered", Ref("feedback.skip"))
    else:
        step.tap = Tap("stale")
