"""Long messages (blind11.tsv): a week's news with one sentence that matters. Context quiets an
acute rule only near it, and the model weighs the words around a rule's hit, not the chatter."""

from __future__ import annotations

from flows.content import Detector
from flows.crisis import CrisisDetector

WEEK_EN = (
    "right so update on everything lol. school was long, practice was fine, my sister passed "
    "her driving test and we had cake, my dad made pasta and we watched a film, then i did my "
    "homework and my friends texted about the party on saturday. "
)
WEEK_NL = (
    "ok dus update over mijn week want er is veel gebeurd haha. maandag hadden we een toets "
    "frans en die ging best oke denk ik, dinsdag was het training en de coach was goed gezind, "
    "woensdag zijn we met de klas naar het museum geweest en dat was leuker dan gedacht, "
    "donderdag heeft mijn zus haar rijbewijs gehaald en er was taart, vrijdag gaan we bij oma "
    "eten. "
)


def test_a_laugh_or_a_film_far_from_a_plan_does_not_make_it_a_joke_or_a_story(
    rules: CrisisDetector,
) -> None:
    plan = "anyway ive got the rope sorted and im doing it tomorrow morning, the beam is strong."
    assert rules.rules_verdict(WEEK_EN + plan)[0] == "acute"


def test_a_laugh_beside_a_threat_still_makes_it_a_joke(rules: CrisisDetector) -> None:
    assert rules.rules_verdict("ik ga hem vermoorden lol") == (None, False)
    assert rules.rules_verdict(WEEK_EN + "my mum locked me in my room lol") == (None, False)


def test_the_model_hears_the_sentence_a_rule_fired_on_not_the_week_around_it(
    detector: Detector,
) -> None:
    hit = detector.detect(WEEK_NL + "en eerlijk, soms wil ik gewoon niet meer wakker worden.")
    assert hit is not None and hit.category == "suicide"
