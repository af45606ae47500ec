"""Finding and deleting what is past its retention (flows/retention.py), by times and ids
only: nothing here reads a text, so it works the same on encrypted columns.

Each batch is one small transaction of the caller. Its rows are picked with FOR UPDATE SKIP
LOCKED (PostgreSQL): two workers purging at once take different rows, neither waits for the
other, and every row is deleted once. SQLite ignores FOR UPDATE, and its transactions begin
with BEGIN IMMEDIATE (storage/db.py), so batches there run one after another anyway.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.case import CLOSED, WITHDRAWN
from flows.retention import KINDS, Cutoffs
from storage.dashboard_tables import CaseGoal, CaseNote
from storage.models import (
    Appointment,
    AppointmentDue,
    AuditEvent,
    Case,
    CaseMessage,
    Contact,
    FeedbackLine,
    InboxEvent,
    SentMessage,
    SetAsideUpdate,
    Youngster,
)
from storage.own_data import forget_youngster
from storage.web_chat import forget_visitors
from storage.web_chat_tables import WebVisitor

ENDED = (CLOSED, WITHDRAWN)  # a case the youngster is no longer in
YOUNGSTERS = ("unfinished_intake", "ended_youngster")  # kinds that erase a whole youngster
ROWS = 500  # rows deleted per batch
ERASED = 50  # youngsters erased per batch: each is a dozen statements


def _has_case() -> Any:
    return exists().where(col(Case.youngster_id) == col(Youngster.id))


def _unfinished_intakes(cutoffs: Cutoffs) -> Select[Any]:
    """Youngsters who consented but never reached the queue, inactive since the cutoff."""
    return select(col(Youngster.id)).where(col(Youngster.last_seen) < cutoffs.intake, ~_has_case())


def _ended_youngsters(cutoffs: Cutoffs) -> Select[Any]:
    """Youngsters with cases, every one of them ended before the cutoff, and inactive since."""
    still_kept = exists().where(
        col(Case.youngster_id) == col(Youngster.id),
        or_(
            col(Case.state).not_in(ENDED),
            col(Case.closed_at).is_(None),
            col(Case.closed_at) >= cutoffs.closed_case,
        ),
    )
    return select(col(Youngster.id)).where(
        col(Youngster.last_seen) < cutoffs.closed_case, _has_case(), ~still_kept
    )


def _ended_cases(cutoffs: Cutoffs) -> Select[Any]:
    """Cases that ended before the cutoff, of youngsters who stay (they came back, or have
    another case); the others go whole with `ended_youngster`."""
    return select(col(Case.id)).where(
        col(Case.state).in_(ENDED),
        col(Case.closed_at) < cutoffs.closed_case,
        col(Case.youngster_id).not_in(_ended_youngsters(cutoffs)),
    )


def _case_messages(cutoffs: Cutoffs) -> Select[Any]:
    """The history of cases that ended before the cutoff (`_ended_cases`)."""
    ended = _ended_cases(cutoffs)
    return select(col(CaseMessage.id)).where(col(CaseMessage.case_id).in_(ended))


def due(kind: str, cutoffs: Cutoffs) -> Select[Any]:
    """The keys of the rows of one kind that are due."""
    match kind:
        case "unfinished_intake":
            return _unfinished_intakes(cutoffs)
        case "ended_youngster":
            return _ended_youngsters(cutoffs)
        case "case_messages":
            return _case_messages(cutoffs)
        case "appointments":  # kept as long as the case's messages, gone with them
            ended = _ended_cases(cutoffs)
            return select(col(Appointment.id)).where(col(Appointment.case_id).in_(ended))
        case "case_notes":
            return select(col(CaseNote.id)).where(col(CaseNote.case_id).in_(_ended_cases(cutoffs)))
        case "case_goals":
            return select(col(CaseGoal.id)).where(col(CaseGoal.case_id).in_(_ended_cases(cutoffs)))
        case "inbox":
            return select(col(InboxEvent.event_id)).where(
                col(InboxEvent.received_at) < cutoffs.inbox, ~col(InboxEvent.pending)
            )
        case "sent_messages":
            return select(col(SentMessage.id)).where(col(SentMessage.created_at) < cutoffs.sent)
        case "set_aside":
            return select(col(SetAsideUpdate.event_id)).where(
                col(SetAsideUpdate.set_aside_at) < cutoffs.set_aside
            )
        case "audit":
            return select(col(AuditEvent.id)).where(col(AuditEvent.at) < cutoffs.audit)
        case "feedback_lines":
            return select(col(FeedbackLine.id)).where(col(FeedbackLine.week) < cutoffs.feedback)
        case "web_chats":
            held = select(col(Contact.id)).where(
                col(Contact.channel) == "web",
                col(Contact.address_key) == col(WebVisitor.address_key),
            )
            return select(col(WebVisitor.token_digest)).where(
                col(WebVisitor.seen_at) < cutoffs.intake, ~held.exists()
            )
    raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")


_TABLES: dict[str, tuple[Any, Any]] = {
    "case_messages": (CaseMessage, col(CaseMessage.id)),
    "appointments": (Appointment, col(Appointment.id)),
    "case_notes": (CaseNote, col(CaseNote.id)),
    "case_goals": (CaseGoal, col(CaseGoal.id)),
    "inbox": (InboxEvent, col(InboxEvent.event_id)),
    "sent_messages": (SentMessage, col(SentMessage.id)),
    "set_aside": (SetAsideUpdate, col(SetAsideUpdate.event_id)),
    "audit": (AuditEvent, col(AuditEvent.id)),
    "feedback_lines": (FeedbackLine, col(FeedbackLine.id)),
    "web_chats": (WebVisitor, col(WebVisitor.token_digest)),
}


async def count_due(session: AsyncSession, *, kind: str, cutoffs: Cutoffs) -> int:
    """How many rows (youngsters, for the erasing kinds) of a kind are due; nothing changes."""
    query = select(func.count()).select_from(due(kind, cutoffs).subquery())
    return int((await session.execute(query)).scalar_one())


async def purge_batch(session: AsyncSession, *, kind: str, cutoffs: Cutoffs) -> int:
    """Delete one batch of due rows of a kind (erase a batch of youngsters); return how many.
    Rows another worker is deleting are skipped, not waited for."""
    erasing = kind in YOUNGSTERS
    query = due(kind, cutoffs).limit(ERASED if erasing else ROWS)
    model = Youngster if erasing else _TABLES[kind][0]
    locked = query.with_for_update(skip_locked=True, of=model)
    keys = list((await session.execute(locked)).scalars())
    if not keys:
        return 0
    if erasing:
        for youngster_id in keys:
            await forget_youngster(session, youngster_id=youngster_id)
        return len(keys)
    if kind == "web_chats":
        return await forget_visitors(session, token_digests=keys)
    table, key = _TABLES[kind]
    if kind == "appointments":  # their due rows first (they point at them)
        due_rows = col(AppointmentDue.appointment_id).in_(keys)
        await session.execute(delete(AppointmentDue).where(due_rows))
    await session.execute(delete(table).where(key.in_(keys)))
    return len(keys)
