"""Claiming a waiting case and the queue page, as pure rules."""

from __future__ import annotations

from flows.case import QUEUED
from flows.coaching import claims
from flows.coaching.effects import AddOffers, CountStat, Reply, ToStaff
from flows.coaching.facts import Team
from flows.queue import waiting_case
from flows.state import CaseView, Intake, Rules, Stat, Tap
from tests.flows.coaching.people import AHMED, BRAM, LOTTE, NOW, ahmed, bram, card, case, lotte


def test_a_claim_without_an_offer_changes_nothing() -> None:
    refusal = claims.may_try(lotte(), lotte(), offered=frozenset({BRAM}))
    assert refusal is not None
    assert (refusal.changes, refusal.sends, refusal.tap) == ((), (), Tap("unknown"))


def test_a_coach_without_a_free_place_cannot_claim() -> None:
    full = lotte(active_cases=4)
    refusal = claims.may_try(full, full, offered=frozenset({LOTTE}))
    assert refusal is not None and refusal.tap == Tap("full")


def test_a_team_lead_may_always_claim() -> None:
    assert claims.may_try(ahmed(), ahmed(), offered=frozenset({AHMED})) is None


def test_a_won_claim_tells_the_others_offered_that_it_is_taken() -> None:
    outcome = claims.won(lotte(), True, card(), [], [], [LOTTE, BRAM], journey="j-1", now=NOW)
    to_bram = [s for s in outcome.sends if isinstance(s, ToStaff) and s.staff_id == BRAM]
    assert [m.key for m in to_bram[0].messages] == ["offer.taken"]
    assert outcome.tap == Tap("quiet")


def test_a_claimer_who_cannot_be_reached_gets_nothing_but_the_others_still_hear() -> None:
    outcome = claims.won(lotte(), False, card(), [], [], [LOTTE, BRAM], journey="j-1", now=NOW)
    assert [s.staff_id for s in outcome.sends if isinstance(s, ToStaff)] == [BRAM]


def test_a_won_claim_is_counted_on_the_cases_journey() -> None:
    outcome = claims.won(lotte(), True, card(), [], [], [LOTTE], journey="j-1", now=NOW)
    assert outcome.changes == (CountStat("j-1", Stat("claimed"), NOW),)


def test_the_queue_page_offers_each_case_it_shows_to_whoever_asked(rules: Rules) -> None:
    intake = Intake("queued", "nl", case=CaseView(NOW, NOW))
    team = Team((bram(),), rules, NOW)
    outcome = claims.queue_page(bram(), [(card(), waiting_case(7, intake))], team, NOW)
    (answer,) = outcome.sends
    assert isinstance(answer, Reply)
    assert [m.key for m in answer.messages] == ["queue.header", "offer.new"]
    assert outcome.changes == (AddOffers(7, (BRAM,), NOW),)


def test_an_empty_queue_says_so_and_offers_nothing(rules: Rules) -> None:
    outcome = claims.queue_page(bram(), [], Team((), rules, NOW), NOW)
    assert outcome.changes == ()
    assert isinstance(outcome.sends[0], Reply) and outcome.sends[0].messages[0].key == "queue.empty"


def test_a_queued_case_fact_keeps_its_state() -> None:
    assert case(QUEUED, coach=None).holders == ()
