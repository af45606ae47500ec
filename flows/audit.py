"""The audit log's words: who acted, what they did, and about which case or staff member.

An audit entry names an action from a fixed list and, at most, a case id, a staff id and a
short code (a close reason, "inbox:12"); never a text, a chat id or a pseudonym, so the log
itself holds nothing a youngster wrote and nothing that reaches them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Who acted: a staff member (by role, with their id), the youngster of the case, Klik itself
# (the guard, the purge), or an operator at the command line.
ACTORS = ("coach", "teamlead", "youngster", "system", "cli")

ACTIONS = (
    # a case
    "claim",  # a coach or team lead took a waiting case (and read it)
    "view",  # opened a conversation (/open)
    "shown",  # a case's summary was shown to a staff member (an offer, an alert, /wachtrij)
    "handover_ask",
    "handover_accept",
    "handover_decline",
    "pause",
    "resume",
    "close",
    "reopen",
    "requeue",
    "block",  # a youngster's messages no longer passed on (/blokkeer)
    "unblock",
    "appointment",  # an appointment took a step; the detail is its new state
    "note",  # a private note added on the dashboard
    "goal",  # a small goal added (detail "done" or "undone" for a tick)
    # a youngster's data
    "erase",
    "export",
    # staff accounts
    "staff_add",
    "staff_edit",
    "staff_invite",
    "staff_link",
    "staff_away",
    "staff_deactivate",
    "staff_reactivate",
    "staff_remove",
    "login_link",  # a one-time dashboard link made (/dashboard, klik staff login-link)
    "sign_in",  # signed in on the dashboard with such a link
    # statistics (the detail is the period, never a figure)
    "statistics_view",  # a team lead opened the statistics page
    "statistics_export",  # and downloaded them (detail "csv:<first day>:<last day>")
    # retention
    "purge",
)

# A detail is a code, never words: a close reason, a kind and a count.
_DETAIL = re.compile(r"[a-z0-9_:,.-]{1,32}")


class NotAuditable(ValueError):
    """An entry that would put something else than codes and ids in the audit log."""


@dataclass(frozen=True)
class Actor:
    """Who did it: a role, and the staff id when it is a coach or team lead."""

    role: str
    staff_id: int | None = None

    def __post_init__(self) -> None:
        if self.role not in ACTORS:
            raise NotAuditable(f"unknown actor {self.role!r}")
        if (self.staff_id is not None) != (self.role in ("coach", "teamlead")):
            raise NotAuditable("a staff actor needs their id, and only a staff actor has one")


SYSTEM = Actor("system")
YOUNGSTER = Actor("youngster")
CLI = Actor("cli")


def staff_actor(role: str, staff_id: int) -> Actor:
    """A coach or team lead acting."""
    return Actor(role, staff_id)


@dataclass(frozen=True)
class Entry:
    """One thing done: the action, and what it was about (a case, a staff member or both)."""

    action: str
    case_id: int | None = None
    staff_id: int | None = None  # the staff member it concerns (not the actor)
    detail: str | None = None

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise NotAuditable(f"unknown action {self.action!r}")
        if self.detail is not None and not _DETAIL.fullmatch(self.detail):
            raise NotAuditable("a detail is a short code: a-z, 0-9 and _:,.- only")
