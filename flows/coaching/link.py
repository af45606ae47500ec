"""Linking a chat to a coach's or team lead's account with a one-time code (/coach CODE).

Whether the code is valid (known, unused, not expired, the right secret) is decided in
storage, with one conditional write, so two chats using one code at once link only one; the
rules here are what each hears, and when guessing is stopped: a few codes that did not link
from one chat, or many from all chats together, within the hour. Something that cannot be a
code at all (the wrong shape) is no guess at a secret: it is answered plainly and counts only
toward that chat's own limit, so junk sent from many chats cannot lock every coach out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flows.messages import Outbound
from flows.staff import read_code


@dataclass(frozen=True)
class LinkLimits:
    """How many codes that did not link are allowed within `window` (settings
    LINK_TRIES_PER_CHAT and LINK_TRIES_TOTAL)."""

    per_chat: int = 5
    total: int = 50
    window: timedelta = timedelta(hours=1)


def linked(name: str | None) -> list[Outbound]:
    """The answer to /coach CODE: welcome and what staff can do, or why not (`name`: the
    account the code linked, None when it was refused)."""
    if name is None:
        return [Outbound("staff.bad_code")]
    return [Outbound("staff.linked", {"name": name}), Outbound("staff.help")]


def not_a_code(typed: str) -> list[Outbound] | None:
    """The plain answer when what was typed cannot be an invite code (not KLIK- and six groups
    of four of the code's letters); None: it has a code's shape, and only storage can tell."""
    if read_code(typed) is None:
        return [Outbound("staff.code_shape")]
    return None


def too_many_tries(chat_tries: int, all_tries: int, limits: LinkLimits) -> list[Outbound] | None:
    """The kind answer when this chat, or everyone together, tried too many codes that did
    not link within the window; None: the code may be tried."""
    if chat_tries >= limits.per_chat or all_tries >= limits.total:
        return [Outbound("staff.code_limited")]
    return None
