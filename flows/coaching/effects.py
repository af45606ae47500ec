"""What a staff-side rule decides, as data: messages to send and rows to change.

Every change is a small frozen value that one storage verb writes (bot/services/staff_apply.py
maps them); a case's state in a change was always reached through the case machine
(flows/case.py), never set by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flows.messages import Outbound
from flows.state import Stat, Tap, TapKind


@dataclass(frozen=True)
class Reply:
    """Messages to the chat the staff member's event came from."""

    messages: tuple[Outbound, ...]


@dataclass(frozen=True)
class ToStaff:
    """Messages to a coach or team lead, in their language, if they can be reached."""

    staff_id: int
    messages: tuple[Outbound, ...]


@dataclass(frozen=True)
class ToYoungster:
    """Messages to a youngster on their own channel, in their language."""

    youngster_id: str
    messages: tuple[Outbound, ...]


Send = Reply | ToStaff | ToYoungster


@dataclass(frozen=True)
class MoveCase:
    """A case takes a step of the machine that changes nothing else (pause, resume)."""

    case_id: int
    before: str
    state: str


@dataclass(frozen=True)
class CloseCase:
    """A coach closes a case with a reason."""

    case_id: int
    before: str
    state: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class ReopenCase:
    """The youngster writes after a close: the same coach has the case again."""

    case_id: int
    before: str
    state: str


@dataclass(frozen=True)
class RequeueCase:
    """Back in the queue before the others, with a fresh promise; no coach, no hand-over,
    and the old offers and guard steps forgotten."""

    case_id: int
    before: str
    state: str
    queued_at: datetime
    deadline: datetime


@dataclass(frozen=True)
class AskHandover:
    """A coach asks a colleague to take over a case."""

    case_id: int
    to: int


@dataclass(frozen=True)
class TakeOver:
    """The colleague accepted: the case is theirs, the old coach reads along until they wrote."""

    case_id: int
    before: str
    state: str
    coach_id: int
    previous_coach_id: int


@dataclass(frozen=True)
class DeclineHandover:
    """The colleague asked says no: the case stays with its coach, asked of nobody."""

    case_id: int
    staff_id: int  # who declined: only their own question is withdrawn


@dataclass(frozen=True)
class EndHandover:
    """The new coach wrote: the previous one steps out."""

    case_id: int


@dataclass(frozen=True)
class SetCurrent:
    """Which conversation a staff member's plain messages go to (None: none)."""

    staff_id: int
    case_id: int | None


@dataclass(frozen=True)
class NoteMessage:
    """A line in a case's history ("[media]" for a photo, voice note or file)."""

    case_id: int
    sender: str  # youngster | coach
    text: str
    at: datetime
    staff_id: int | None = None


@dataclass(frozen=True)
class AddOffers:
    """These staff members were shown the case and so may claim it."""

    case_id: int
    staff_ids: tuple[int, ...]
    at: datetime


@dataclass(frozen=True)
class AddGuardSteps:
    """The case's ladder of reminders (flows/sla.py), unless it has one."""

    case_id: int
    steps: tuple[tuple[str, datetime], ...]


@dataclass(frozen=True)
class CountStat:
    """An anonymous statistics event on the youngster's journey."""

    journey: str
    stat: Stat
    at: datetime


@dataclass(frozen=True)
class AskFeedback:
    """The youngster is asked "klikte het?" (flows/feedback.py): their row notes that the
    question waits, so only the first tap on its buttons counts."""

    youngster_id: str


@dataclass(frozen=True)
class BlockYoungster:
    """A coach blocked a youngster for abuse (flows/coaching/block.py)."""

    youngster_id: str
    staff_id: int
    reason: str
    at: datetime


@dataclass(frozen=True)
class UnblockYoungster:
    """A team lead undid a block."""

    youngster_id: str


@dataclass(frozen=True)
class MoveAppointment:
    """An appointment takes a step of its machine (flows/appointments/machine.py); a move to
    another moment carries it and who asked for it."""

    appointment_id: int
    case_id: int
    before: str
    state: str
    starts_at: datetime | None = None
    proposed_by: str | None = None


@dataclass(frozen=True)
class SetReminder:
    """The youngster's choice of reminders for an appointment."""

    appointment_id: int
    remind: str


@dataclass(frozen=True)
class PlanDue:
    """Due work of a case (reminders, the missed check, the quiet nudge): the pending rows of
    `clear` (of this appointment, or of the case when None) are dropped, `rows` added."""

    case_id: int
    appointment_id: int | None
    clear: tuple[str, ...] = ()
    rows: tuple[tuple[str, datetime], ...] = ()


Change = (
    MoveCase
    | CloseCase
    | ReopenCase
    | RequeueCase
    | AskHandover
    | TakeOver
    | DeclineHandover
    | EndHandover
    | SetCurrent
    | NoteMessage
    | AddOffers
    | AddGuardSteps
    | CountStat
    | AskFeedback
    | BlockYoungster
    | UnblockYoungster
    | MoveAppointment
    | SetReminder
    | PlanDue
)


@dataclass(frozen=True)
class Outcome:
    """What one staff-side rule decided: messages, changes (written in this order, before the
    messages are queued) and how the channel should treat a tap."""

    sends: tuple[Send, ...] = ()
    changes: tuple[Change, ...] = ()
    tap: Tap | None = None
    reached: int | None = None  # an alert: how many of those told can read it now


def reply(*messages: Outbound, tap: Tap | None = None) -> Outcome:
    """Only an answer to the one who acted."""
    return Outcome((Reply(messages),), tap=tap)


def to_staff(staff_id: int, *messages: Outbound) -> ToStaff:
    return ToStaff(staff_id, messages)


def to_youngster(youngster_id: str, *messages: Outbound) -> ToYoungster:
    return ToYoungster(youngster_id, messages)


def refused(kind: TapKind) -> Outcome:
    """A tap that changes nothing: stale, unknown, taken or full (tap.<kind>)."""
    return Outcome(tap=Tap(kind))
