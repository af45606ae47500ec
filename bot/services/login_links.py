"""A one-time sign-in link to the dashboard, made for /dashboard in Telegram and for
`klik staff login-link NAME`: the secret goes into the link, only its digest is stored."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from flows.audit import Actor
from flows.dashboard.signin import LINK_VALID, link_digest, link_url
from storage.audit import record_audit
from storage.login_links import add_login_link


async def make_login_link(
    session: AsyncSession, base: str, staff_id: int, actor: Actor, now: datetime
) -> str:
    """A new link for a staff member, valid LINK_VALID, in the caller's transaction."""
    secret = secrets.token_urlsafe(32)
    await add_login_link(
        session,
        staff_id=staff_id,
        digest=link_digest(secret),
        expires_at=now + LINK_VALID,
        now=now,
    )
    await record_audit(session, at=now, actor=actor, action="login_link", staff_id=staff_id)
    return link_url(base, secret)
