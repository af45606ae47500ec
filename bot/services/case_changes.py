"""What a youngster's step does to their case, applied in the handling transaction: the case
opened (and the team told), made urgent, shared, withdrawn, reopened or switched, a crisis
signal kept; then what they wrote kept for and relayed to the coach (bot/services/gate.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.gate import Written, keep_words, relay_words
from bot.services.staff import StaffService
from flows.flood import Flood
from flows.messages import Inbound
from flows.state import Step
from storage.models import Case, Youngster
from storage.youngster_cases import (
    mark_case_urgent,
    note_case_signal,
    open_case,
    share_answers,
    withdraw_case,
)


async def case_changes(
    session: AsyncSession,
    matchteam: StaffService | None,
    youngster: Youngster,
    step: Step,
    channel: str,
    address: str,
    event: Inbound,
    now: datetime,
    current: Case | None,
    flood: Flood,
) -> int | None:
    """Apply what the step did to the case, alert the team when the step asks for it, then
    keep and relay what was written. Returns how many staff can read the alert now (None:
    there was no alert)."""
    assert step.intake is not None
    change = step.case_change
    reached: int | None = None
    opened: Case | None = None
    if change == "open" and step.intake.case is not None:
        opened = await open_case(session, youngster_id=youngster.id, case=step.intake.case)
    elif change == "urgent":
        await mark_case_urgent(session, youngster_id=youngster.id)
    elif change == "share":
        await share_answers(session, youngster_id=youngster.id)
    elif change == "withdraw":
        if matchteam is not None:
            await matchteam.case_ending(session, youngster_id=youngster.id, erased=False, now=now)
        await withdraw_case(session, youngster_id=youngster.id, now=now)
    elif change in ("reopen", "switch") and matchteam is not None:
        reached = await matchteam.back_from_youngster(
            session,
            youngster_id=youngster.id,
            switch=change == "switch",
            now=now,
            alert=step.alert,
        )
    if step.signal is not None and change != "open":
        await note_case_signal(session, youngster_id=youngster.id, signal=step.signal)
    written = Written(
        youngster.id, step, event, channel, address, current if change is None else None
    )
    await keep_words(session, matchteam, written, flood, now)
    if matchteam is None:
        return None
    if opened is not None:
        reached = await matchteam.case_opened(
            session,
            case=opened,
            youngster=youngster,
            intake=step.intake,
            now=now,
            alert=step.alert,
        )
    elif change == "open" or (step.alert is not None and reached is None):
        reached = await matchteam.case_waiting(
            session, youngster_id=youngster.id, now=now, alert=step.alert
        )
    if change == "share":
        await matchteam.answers_shared(session, youngster_id=youngster.id, now=now)
    await relay_words(session, matchteam, written, flood, now)
    return reached if step.alert is not None else None
