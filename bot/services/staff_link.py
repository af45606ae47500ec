"""/coach CODE: use a one-time invite code to link this chat to a staff account, unless this
chat (counted in this process) or all chats together (counted in the database) tried too many
codes that did not link within the hour. A code of the wrong shape counts for its chat only
(flows/coaching/link.py says why)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.recent import RecentCounts
from flows.audit import staff_actor
from flows.coaching.link import LinkLimits, linked, not_a_code, too_many_tries
from flows.messages import Outbound
from storage.audit import record_audit
from storage.cases import staff_by_id
from storage.models import Staff
from storage.staff import link_attempts_since, link_contact, note_link_attempt, redeem_invite

log = logging.getLogger(__name__)


class LinkDesk:
    """What linking needs besides the database: the limits, and this process's count of codes
    that did not link per chat."""

    def __init__(self, limits: LinkLimits) -> None:
        self.limits = limits
        self.tries = RecentCounts(limits.window)


async def link_chat(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    code: str,
    now: datetime,
    desk: LinkDesk,
) -> tuple[list[Outbound], Staff | None]:
    """Redeem the code and link the chat; the answer, and the account it linked (if any)."""
    since = now - desk.limits.window
    key = f"{channel}:{address}"
    chat_tries = desk.tries.count(key, now)
    wrong_shape = not_a_code(code)
    if wrong_shape is not None and chat_tries < desk.limits.per_chat:
        desk.tries.add(key, now)
        log.info("an invite code of the wrong shape was refused")
        return wrong_shape, None
    all_tries = await link_attempts_since(session, since=since)
    limited = too_many_tries(chat_tries, all_tries, desk.limits)
    if limited is not None:
        log.warning("event=invite_tries_limited")
        return limited, None
    staff_id = await redeem_invite(session, code=code, now=now)
    staff = None
    if staff_id is None:
        desk.tries.add(key, now)
        await note_link_attempt(session, now=now, since=since)
        log.info("an invite code was refused")
    else:
        await link_contact(session, staff_id=staff_id, channel=channel, address=address)
        staff = await staff_by_id(session, staff_id=staff_id)
        if staff is not None:
            actor = staff_actor(staff.role, staff_id)
            await record_audit(session, at=now, actor=actor, action="staff_link", staff_id=staff_id)
        log.info("staff member %d linked a chat", staff_id)
    return linked(staff.name if staff is not None else None), staff
