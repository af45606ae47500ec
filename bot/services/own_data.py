"""A youngster's own data, inside the conversation service's transaction: /mijngegevens
(what is kept, said by flows/own_data.py from what storage/own_data.py reads) and erasing
everything, with the coaches who hold their words told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.staff import StaffService
from flows.audit import YOUNGSTER
from flows.intake import IntakeFlow
from flows.messages import Outbound
from flows.own_data import overview
from flows.state import Intake
from storage.audit import record_audit
from storage.intakes import current_case_of
from storage.models import Youngster
from storage.own_data import forget_youngster, kept_about


async def own_data(
    session: AsyncSession, flow: IntakeFlow, youngster: Youngster, intake: Intake, now: datetime
) -> list[Outbound]:
    """Everything kept about the youngster, as a message and as a file; the export is in the
    audit log (which case, never what it held)."""
    kept = await kept_about(session, youngster=youngster)
    case = await current_case_of(session, youngster_id=youngster.id)
    await record_audit(
        session, at=now, actor=YOUNGSTER, action="export", case_id=case.id if case else None
    )
    return overview(flow.questionnaire, flow.rules, intake, kept)


async def erase(
    session: AsyncSession, matchteam: StaffService | None, *, youngster_id: str, now: datetime
) -> None:
    """Erase everything; the coaches are told after the rows are gone, so the erasure, which
    deletes every queued message about the youngster, does not take their notice along."""
    notice = (
        await matchteam.erasure_notice(session, youngster_id=youngster_id) if matchteam else None
    )
    # The case id stays in the audit log (the staff's entries about it name it too); nothing
    # in it leads back to the youngster once their rows are gone.
    case = await current_case_of(session, youngster_id=youngster_id)
    await record_audit(
        session, at=now, actor=YOUNGSTER, action="erase", case_id=case.id if case else None
    )
    await forget_youngster(session, youngster_id=youngster_id)
    if matchteam is not None and notice is not None:
        await matchteam.tell(session, notice, now)
