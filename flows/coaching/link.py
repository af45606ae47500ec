"""Linking a chat to a coach's or team lead's account with a one-time code (/coach CODE).

Whether the code is valid (known, unused, not expired) is one conditional write in storage,
so two chats using one code at once link only one; the rule here is what each hears.
"""

from __future__ import annotations

from flows.messages import Outbound


def linked(name: str | None) -> list[Outbound]:
    """The answer to /coach CODE: welcome and what staff can do, or why not (`name`: the
    account the code linked, None when it was refused)."""
    if name is None:
        return [Outbound("staff.bad_code")]
    return [Outbound("staff.linked", {"name": name}), Outbound("staff.help")]
