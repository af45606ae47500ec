"""What the conversation service knows once an event is handled: what the channel is told
(Handled), and what the log and the observer are told (Done)."""

from __future__ import annotations

from dataclasses import dataclass

from flows.state import Signal, Tap


@dataclass(frozen=True)
class Handled:
    """What the channel needs to know after an event: how to treat a tap, in which language."""

    tap: Tap | None
    language: str
    duplicate: bool = False
    staff_linked: bool = False  # a coach or team lead just linked this chat


@dataclass(frozen=True)
class Done:
    """An event handled and committed, with what the log and the observer are told of it:
    counts and fixed words, never who or what was written."""

    handled: Handled
    side: str = "youngster"  # or "staff"
    replies: int = 0
    stats: str = "-"
    signal: Signal | None = None  # a crisis signal the event raised
    reached: int | None = None  # how many staff can read the alert now; None: no alert
    erased: bool = False  # everything about a youngster was erased
    outbox: frozenset[str] | None = None  # the channels given messages; None: not known
    # Somebody not known yet (before consent): the crisis question they were just asked, or
    # None; their next message is read as its answer (ConversationService). Unset: known.
    asked_unknown: tuple[str | None] | None = None
