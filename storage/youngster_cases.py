"""The youngster's own case as their intake changes it: queued with a promise, urgent, a
crisis signal kept, the answers shared, withdrawn; and what they write while they wait.

Like storage/intakes.py, functions take the caller's session and never commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.case import OPEN, QUEUED, after, sources
from flows.state import CaseView, Signal
from storage.intakes import open_case_of
from storage.models import Case, CaseMessage, table_of


async def open_case(session: AsyncSession, *, youngster_id: str, case: CaseView) -> Case:
    """Put the youngster in the queue with their promise deadline."""
    row = Case(
        youngster_id=youngster_id,
        state=QUEUED,
        urgent=case.urgent,
        queued_at=case.queued_at,
        deadline=case.deadline,
        signal=case.signal.stored if case.signal is not None else None,
        shared=case.shared,
    )
    session.add(row)
    await session.flush()
    return row


async def mark_case_urgent(session: AsyncSession, *, youngster_id: str) -> None:
    """Move the youngster's waiting case to the top of the queue."""
    await session.execute(
        update(Case)
        .where(col(Case.youngster_id) == youngster_id, col(Case.state).in_(OPEN))
        .values(urgent=True)
    )


async def note_case_signal(session: AsyncSession, *, youngster_id: str, signal: Signal) -> None:
    """Keep the latest crisis signal on the youngster's open case: category, level and rule,
    never the words."""
    await session.execute(
        update(Case)
        .where(col(Case.youngster_id) == youngster_id, col(Case.state).in_(OPEN))
        .values(signal=signal.stored)
    )


async def share_answers(session: AsyncSession, *, youngster_id: str) -> None:
    """The youngster checked the summary of a case a crisis queued: the coach may read it."""
    await session.execute(
        update(Case)
        .where(col(Case.youngster_id) == youngster_id, col(Case.state).in_(OPEN))
        .values(shared=True)
    )


async def withdraw_case(session: AsyncSession, *, youngster_id: str, now: datetime) -> None:
    """Take the youngster out of the queue at their own request."""
    await session.execute(
        update(Case)
        .where(col(Case.youngster_id) == youngster_id, col(Case.state).in_(sources("withdraw")))
        .values(state=after(QUEUED, "withdraw"), closed_at=now)
    )


async def add_case_messages(
    session: AsyncSession,
    *,
    youngster_id: str,
    texts: list[str],
    now: datetime,
    case_id: int | None = None,
) -> None:
    """Keep what the youngster wrote while waiting, for their coach; `case_id`: their open
    case, when the caller knows it already."""
    if case_id is None:
        case = await open_case_of(session, youngster_id=youngster_id)
        if case is None or case.id is None:
            return
        case_id = case.id
    rows = [
        {"case_id": case_id, "sender": "youngster", "text": text, "created_at": now}
        for text in texts
    ]
    if rows:
        await session.execute(insert(table_of(CaseMessage)).inline(), rows)
