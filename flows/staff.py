"""Coaches and team leads: invite codes, and when a coach is available for new youngsters.

Pure rules; storage keeps the accounts and bot/ talks to Telegram. An invite code is shown
once and stored only as a digest, so a database copy cannot be used to link an account.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flows.hours import ServiceHours
from flows.messages import Inbound, Outbound

INVITE_VALID = timedelta(hours=48)
ROLES = ("coach", "teamlead")
# No 0/O, 1/I/L: codes are read aloud and typed over.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def make_invite_code(rng: random.Random) -> str:
    """A code like KLIK-7F3K-Q9ZD: 8 random characters, about 40 bits."""
    chars = "".join(rng.choice(_ALPHABET) for _ in range(8))
    return f"KLIK-{chars[:4]}-{chars[4:]}"


def code_digest(code: str) -> str:
    """The stored form of a code; typing it in lower case or without dashes still matches."""
    plain = "".join(ch for ch in code.upper() if ch.isalnum())
    plain = plain.removeprefix("KLIK")
    return hashlib.sha256(plain.encode()).hexdigest()


@dataclass(frozen=True)
class StaffMember:
    """A coach or team lead as the rules need to know them."""

    id: int
    role: str
    name: str
    languages: tuple[str, ...]
    focus: tuple[str, ...] = ()
    capacity: int = 0
    active: bool = True
    hours: ServiceHours | None = None  # None: whenever the service is open
    away_until: datetime | None = None


def is_available(
    member: StaffMember, *, now: datetime, timezone: ZoneInfo, service_hours: ServiceHours
) -> bool:
    """Whether a coach can be asked to pick someone up now: active, not away, within hours."""
    if member.role != "coach":
        return False
    return reads_now(member, now=now, timezone=timezone, service_hours=service_hours)


def reads_now(
    member: StaffMember, *, now: datetime, timezone: ZoneInfo, service_hours: ServiceHours
) -> bool:
    """Whether a coach or team lead can be expected to read a crisis alert now: active, not
    away, within their own hours (or the service's). An alert to anyone else reaches nobody."""
    if not member.active:
        return False
    if member.away_until is not None and now < member.away_until:
        return False
    local = now.astimezone(timezone)
    return (member.hours or service_hours).is_open(local)


def staff_language(languages: tuple[str, ...], offered: tuple[str, ...]) -> str:
    """The language Klik speaks to a staff member: their first that the content offers."""
    return next((language for language in languages if language in offered), offered[0])


def staff_reply(event: Inbound) -> list[Outbound]:
    """What a linked coach or team lead gets for a message the bot has no work for yet."""
    del event
    return [Outbound("staff.help")]
