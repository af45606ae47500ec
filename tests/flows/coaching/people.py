"""Staff members and cases as the staff-side rules see them, for the tests of flows/coaching."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.case import ACTIVE
from flows.coaching.facts import CaseFacts, Person
from flows.queue import CaseCard
from flows.staff import StaffMember

NOW = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # a Monday, inside service hours
LOTTE, BRAM, AHMED = 1, 2, 3


def staff(staff_id: int, name: str, role: str = "coach", **fields: object) -> Person:
    member = StaffMember(staff_id, role, name, ("nl",), ("money",), 4)
    return Person(member, **fields)  # type: ignore[arg-type]


def lotte(**fields: object) -> Person:
    return staff(LOTTE, "Lotte", intro="Ik werk bij het JAC.", **fields)


def bram(**fields: object) -> Person:
    return staff(BRAM, "Bram", **fields)


def ahmed() -> Person:
    return staff(AHMED, "Ahmed", role="teamlead")


def case(state: str = ACTIVE, coach: int | None = LOTTE, **fields: object) -> CaseFacts:
    return CaseFacts(
        id=7,
        youngster_id="y-1",
        pseudonym="Sam-4821",
        journey="j-1",
        state=state,
        coach_id=coach,
        **fields,  # type: ignore[arg-type]
    )


def card(urgent: bool = False) -> CaseCard:
    return CaseCard(
        case_id=7,
        pseudonym="Sam-4821",
        urgent=urgent,
        queued_at=NOW,
        deadline=NOW,
        lines=(),
    )
