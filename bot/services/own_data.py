"""A youngster's own data, inside the conversation service's transaction: /mijngegevens
(what is kept, said by flows/own_data.py from what storage/own_data.py reads) and erasing
everything, with the coaches who hold their words told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.staff import StaffService
from flows.intake import IntakeFlow
from flows.messages import Outbound
from flows.own_data import overview
from flows.state import Intake
from storage.models import Youngster
from storage.own_data import forget_youngster, kept_about


async def own_data(
    session: AsyncSession, flow: IntakeFlow, youngster: Youngster, intake: Intake
) -> list[Outbound]:
    """Everything kept about the youngster, as a message and as a file."""
    kept = await kept_about(session, youngster=youngster)
    return overview(flow.questionnaire, flow.rules, intake, kept)


async def erase(
    session: AsyncSession, matchteam: StaffService | None, *, youngster_id: str, now: datetime
) -> None:
    """Erase everything; the coaches are told after the rows are gone, so the erasure, which
    deletes every queued message about the youngster, does not take their notice along."""
    notice = (
        await matchteam.erasure_notice(session, youngster_id=youngster_id) if matchteam else None
    )
    await forget_youngster(session, youngster_id=youngster_id)
    if matchteam is not None and notice is not None:
        await matchteam.tell(session, notice, now)
