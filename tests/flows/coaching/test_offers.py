"""Telling the team about a waiting youngster, crisis alerts and the guard's steps, as pure
rules."""

from __future__ import annotations

from datetime import datetime, timedelta

from flows.case import ACTIVE, QUEUED
from flows.coaching import offers
from flows.coaching.effects import AddGuardSteps, AddOffers, ToStaff, ToYoungster
from flows.coaching.facts import Person, Team
from flows.queue import waiting_case
from flows.sla import TELL_YOUNGSTER
from flows.staff import StaffMember
from flows.state import Alert, CaseView, Intake, Rules, Signal
from tests.flows.coaching.people import AHMED, BRAM, LOTTE, NOW, ahmed, bram, card, case, lotte

ACUTE = Alert(Signal("suicide", "acute", "plan"))
WANTED = waiting_case(7, Intake("queued", "nl", case=CaseView(NOW, NOW)))


def away(until: datetime) -> StaffMember:
    return StaffMember(LOTTE, "coach", "Lotte", ("nl",), ("money",), 4, away_until=until)


def test_a_waiting_case_is_offered_and_gets_its_guard(rules: Rules) -> None:
    team = Team((lotte(), bram()), rules, NOW)
    outcome = offers.case_waiting(case(QUEUED, coach=None), card(), WANTED, team, frozenset())
    assert outcome.changes[0] == AddOffers(7, (LOTTE, BRAM), NOW)
    assert isinstance(outcome.changes[1], AddGuardSteps) and len(outcome.changes[1].steps) == 4
    assert outcome.reached == 2


def test_an_alert_about_a_youngster_with_a_coach_goes_to_that_coach(rules: Rules) -> None:
    team = Team((lotte(), ahmed()), rules, NOW)
    outcome = offers.case_waiting(case(ACTIVE), card(), WANTED, team, frozenset(), alert=ACUTE)
    assert [s.staff_id for s in outcome.sends if isinstance(s, ToStaff)] == [LOTTE]
    assert outcome.changes == ()


def test_the_team_leads_hear_the_alert_when_the_coach_cannot_read_it(rules: Rules) -> None:
    gone = Person(away(NOW + timedelta(days=3)))
    team = Team((gone, ahmed()), rules, NOW)
    outcome = offers.case_waiting(case(ACTIVE), card(), WANTED, team, frozenset(), alert=ACUTE)
    assert [s.staff_id for s in outcome.sends if isinstance(s, ToStaff)] == [LOTTE, AHMED]
    assert outcome.reached == 1


def test_a_guard_step_for_a_case_that_no_longer_waits_is_skipped(rules: Rules) -> None:
    team = Team((lotte(),), rules, NOW)
    taken, outcome = offers.guard_step(
        "remind_told", case(ACTIVE), card(), WANTED, team, frozenset()
    )
    assert (taken, outcome.sends, outcome.changes) == ("skipped", (), ())


def test_the_last_guard_step_tells_the_youngster_honestly(rules: Rules) -> None:
    team = Team((), rules, NOW)
    waiting = case(QUEUED, coach=None)
    taken, outcome = offers.guard_step(TELL_YOUNGSTER, waiting, card(), WANTED, team, frozenset())
    (told,) = outcome.sends
    assert taken == "fired" and isinstance(told, ToYoungster)
    assert told.messages[0].key == "guard.late"
