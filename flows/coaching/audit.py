"""What of a staff-side Outcome goes into the audit log, read from its changes in one place
(bot/services/staff_apply.py writes them with the changes, in the same transaction).

Each change that moves a case or shows it to someone is an entry; notes, offers' bookkeeping
of the guard and statistics are not. A claim is the storage's atomic claim, not a change, and
is recorded where it wins (bot/services/staff_taps.py).
"""

from __future__ import annotations

from flows.audit import Entry
from flows.case import PAUSED
from flows.coaching.effects import (
    AddOffers,
    AskHandover,
    BlockYoungster,
    Change,
    CloseCase,
    DeclineHandover,
    MoveAppointment,
    MoveCase,
    Outcome,
    ReopenCase,
    RequeueCase,
    SetCurrent,
    TakeOver,
    UnblockYoungster,
)


def entries(outcome: Outcome) -> tuple[Entry, ...]:
    """The audit entries of an outcome's changes, in their order."""
    found: list[Entry] = []
    for change in outcome.changes:
        found += _of(change)
    # An outcome that only switches a staff member's conversation is them opening it (/open);
    # writing, a reopen or a take-over switch it too, but as a part of something else.
    if len(outcome.changes) == 1:
        only = outcome.changes[0]
        if isinstance(only, SetCurrent) and only.case_id is not None:
            found.append(Entry("view", case_id=only.case_id))
    return tuple(found)


def _of(change: Change) -> list[Entry]:
    match change:
        case MoveCase(case_id, _, state):
            return [Entry("pause" if state == PAUSED else "resume", case_id=case_id)]
        case CloseCase(case_id, _, _, reason, _):
            return [Entry("close", case_id=case_id, detail=reason)]
        case ReopenCase(case_id, _, _):
            return [Entry("reopen", case_id=case_id)]
        case RequeueCase(case_id, _, _, _, _):
            return [Entry("requeue", case_id=case_id)]
        case AskHandover(case_id, to):
            return [Entry("handover_ask", case_id=case_id, staff_id=to)]
        case TakeOver(case_id, _, _, _, previous):
            return [Entry("handover_accept", case_id=case_id, staff_id=previous)]
        case DeclineHandover(case_id, _):
            return [Entry("handover_decline", case_id=case_id)]
        case BlockYoungster() | UnblockYoungster():
            # Who blocked, and when; the youngster is not named (no pseudonym in the log).
            return [Entry("block" if isinstance(change, BlockYoungster) else "unblock")]
        case MoveAppointment(_, case_id, _, state):
            return [Entry("appointment", case_id=case_id, detail=state)]
        case AddOffers(case_id, staff_ids, _):
            return [Entry("shown", case_id=case_id, staff_id=staff) for staff in staff_ids]
    return []
