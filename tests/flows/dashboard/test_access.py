"""Who may open what on the dashboard."""

from __future__ import annotations

from flows.dashboard.access import may_lead, may_open, may_work
from tests.flows.coaching.people import AHMED, BRAM, LOTTE, case


def test_a_coach_opens_their_own_case() -> None:
    assert may_open("coach", LOTTE, case(coach=LOTTE))


def test_a_coach_cannot_open_another_coachs_case() -> None:
    assert not may_open("coach", BRAM, case(coach=LOTTE))


def test_the_colleague_asked_to_take_over_may_read_the_case() -> None:
    assert may_open("coach", BRAM, case(coach=LOTTE, handover_to=BRAM))


def test_a_team_lead_opens_any_case_but_does_not_write_in_it() -> None:
    assert may_open("teamlead", AHMED, case(coach=LOTTE))
    assert not may_work(AHMED, case(coach=LOTTE))


def test_the_previous_coach_reading_along_may_still_write() -> None:
    assert may_work(LOTTE, case(coach=BRAM, previous_coach_id=LOTTE))


def test_only_a_team_lead_sees_the_team_lead_pages() -> None:
    assert may_lead("teamlead") and not may_lead("coach")
