"""Words the intake keeps without moving on: an edited message, and the later parts of one
long text.

A text longer than one message arrives as parts, as Telegram's own apps send it (the web chat
cuts a paste the same way and marks every part after the first `continued`). The first part
is answered as any message; a later part only adds words: kept where the youngster is (for
the coach), never answered again and never taken as the answer to the next question, which
the youngster has not seen yet. Its crisis check happens before this, as for every text.
"""

from __future__ import annotations

from flows.messages import Outbound
from flows.state import QUEUED, Step, keep_text
from flows.summary import EXTRA


def edited(step: Step, text: str) -> None:
    """An edited message: its new words kept (for the coach while waiting), and said so."""
    intake = step.intake
    if intake is None or not text.strip():
        return
    if intake.state == QUEUED:
        step.notes_for_coach.append(text)
    else:
        keep_text(intake, EXTRA, text)
    step.outbound.append(Outbound("edited.kept"))


def continued(step: Step, text: str, question_id: str | None) -> None:
    """A later part of one long text, at the question `question_id` (None: no question now):
    kept with it, or for the coach once queued; nothing kept before consent. No reply: the
    first part's reply stands."""
    intake = step.intake
    if intake is None:
        return
    if intake.state == QUEUED:
        step.notes_for_coach.append(text)
    else:
        keep_text(intake, question_id or EXTRA, text)
