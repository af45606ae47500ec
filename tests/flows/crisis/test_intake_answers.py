"""What the ninth blind set (answers to the intake's questions) showed the rules lacked, on the
rules alone: a phone taken away is control, not being locked in; medicine locked in a cupboard,
a butcher's knives at work and ending things with a boyfriend or girlfriend are everyday.
"""

from __future__ import annotations

import pytest

from flows.crisis import CrisisDetector
from tests.support.detector import level_of


@pytest.mark.parametrize(
    "text",
    [
        "my stepmom took my phone for the weekend because i came home late",
        "mijn ma heeft me een week huisarrest gegeven en mijn gsm afgepakt",
    ],
)
def test_a_phone_taken_away_is_no_acute_locked_door(rules: CrisisDetector, text: str) -> None:
    assert level_of(rules, text) != "acute"


@pytest.mark.parametrize(
    "text",
    [
        "mijn medicijnen liggen in een kastje op slot omdat mijn broertje er ooit aan zat",
        "de messen in de slagerij zijn zo scherp, 2x in mijn hand gesneden deze week",
        "at my butcher job i cut myself on the bone saw again lol",
        "i think i want to end things with my girlfriend before summer",
    ],
)
def test_everyday_answers_in_strong_words_stay_quiet(rules: CrisisDetector, text: str) -> None:
    assert level_of(rules, text) is None


def test_a_phone_taken_while_locked_in_stays_acute(rules: CrisisDetector) -> None:
    text = "my stepdad locked me in my room and took my phone, im scared"
    assert level_of(rules, text) == "acute"
