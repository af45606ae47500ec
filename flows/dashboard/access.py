"""Who may open what on the dashboard: a coach their own cases and the coach pages, a team
lead everything. A refusal is a 403, never a redirect that hints at what exists."""

from __future__ import annotations

from flows.coaching.facts import CaseFacts

COACH, TEAMLEAD = "coach", "teamlead"


def may_lead(role: str) -> bool:
    """The team-lead pages: the board, staff accounts, the audit log."""
    return role == TEAMLEAD


def may_open(role: str, staff_id: int, case: CaseFacts) -> bool:
    """A case page: the coach who holds it (and, during a warm hand-over, the one reading
    along, or the colleague asked to take over), or any team lead."""
    if may_lead(role):
        return True
    return staff_id in case.holders or case.handover_to == staff_id


def may_work(staff_id: int, case: CaseFacts) -> bool:
    """Write, note, set goals, pause, close: only a holder of the case (a team lead reading a
    case does not answer in a coach's name)."""
    return staff_id in case.holders
