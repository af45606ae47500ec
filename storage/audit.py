"""The audit log: who did what, when, written in the same transaction as the deed (so an
entry exists exactly when the deed does), and read by team leads (`klik audit`).

Only codes and ids are stored (flows/audit.py checks every entry); the entries follow their
own retention (storage/retention.py, RETENTION_AUDIT_DAYS).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.audit import Actor, Entry
from storage.deferred import insert_rows
from storage.models import AuditEvent, table_of, utc

# Built once, and inline: no id is read back (a single row would otherwise ask for it).
_EVENTS = table_of(AuditEvent)
_INSERT = insert(_EVENTS).inline()


async def record(
    session: AsyncSession, *, at: datetime, actor: Actor, entries: Sequence[Entry]
) -> None:
    """Write entries done by one actor at one moment, in the caller's transaction."""
    if not entries:
        return
    rows = [
        {
            "at": at,
            "actor": actor.role,
            "actor_staff_id": actor.staff_id,
            "action": entry.action,
            "case_id": entry.case_id,
            "staff_id": entry.staff_id,
            "detail": entry.detail,
        }
        for entry in entries
    ]
    await insert_rows(session, _EVENTS, rows, _INSERT)  # sent with the commit


async def record_audit(
    session: AsyncSession,
    *,
    at: datetime,
    actor: Actor,
    action: str,
    case_id: int | None = None,
    staff_id: int | None = None,
    detail: str | None = None,
) -> None:
    """One entry, e.g. an erasure or a data export: `record_audit(session, at=now,
    actor=YOUNGSTER, action="erase", case_id=12)`. Raises flows.audit.NotAuditable for an
    unknown action or a detail that is not a code."""
    entry = Entry(action, case_id=case_id, staff_id=staff_id, detail=detail)
    await record(session, at=at, actor=actor, entries=[entry])


@dataclass(frozen=True)
class AuditLine:
    """One entry as read back."""

    at: datetime
    actor: str
    actor_staff_id: int | None
    action: str
    case_id: int | None
    staff_id: int | None
    detail: str | None


async def latest(
    session: AsyncSession,
    *,
    limit: int,
    since: datetime | None = None,
    case_id: int | None = None,
    staff_id: int | None = None,
) -> list[AuditLine]:
    """The newest entries first; `staff_id` matches what a staff member did and what was done
    about them."""
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if since is not None:
        query = query.where(col(AuditEvent.at) >= since)
    if case_id is not None:
        query = query.where(col(AuditEvent.case_id) == case_id)
    if staff_id is not None:
        query = query.where(
            or_(col(AuditEvent.actor_staff_id) == staff_id, col(AuditEvent.staff_id) == staff_id)
        )
    rows = (await session.execute(query)).scalars().all()
    return [
        AuditLine(
            utc(row.at),
            row.actor,
            row.actor_staff_id,
            row.action,
            row.case_id,
            row.staff_id,
            row.detail,
        )
        for row in rows
    ]
