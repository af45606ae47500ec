"""/coach CODE: use a one-time invite code to link this chat to a staff account."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from flows.audit import staff_actor
from flows.coaching.link import linked
from flows.messages import Outbound
from storage.audit import record_audit
from storage.cases import staff_by_id
from storage.models import Staff
from storage.staff import link_contact, redeem_invite

log = logging.getLogger(__name__)


async def link_chat(
    session: AsyncSession, *, channel: str, address: str, code: str, now: datetime
) -> tuple[list[Outbound], Staff | None]:
    """Redeem the code and link the chat; the answer, and the account it linked (if any)."""
    staff_id = await redeem_invite(session, code=code, now=now)
    staff = None
    if staff_id is None:
        log.info("an invite code was refused")
    else:
        await link_contact(session, staff_id=staff_id, channel=channel, address=address)
        staff = await staff_by_id(session, staff_id=staff_id)
        if staff is not None:
            actor = staff_actor(staff.role, staff_id)
            await record_audit(session, at=now, actor=actor, action="staff_link", staff_id=staff_id)
        log.info("staff member %d linked a chat", staff_id)
    return linked(staff.name if staff is not None else None), staff
