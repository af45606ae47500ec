"""What the eighth blind set showed the rules lacked, on the rules alone: a joke taken back
("lol. ok not lol", "no joke", "geen grap") is no joke, while "not really lol" still is; a head
banged against the wall, "wa is het nut", a little will; and everyday words that read like a
signal: a blanket to hide under, a tattoo or a shave that bled, an eye-roll.
"""

from __future__ import annotations

import pytest

from flows.crisis import CrisisDetector
from tests.support.detector import level_of


@pytest.mark.parametrize(
    "text",
    [
        "no joke, im on the roof of the parking garage right now lol",
        "haha ik sta op het dak van de parking. geen grap",
        "ik sta nu op de brug haha. oke nie lol",
    ],
)
def test_a_joke_taken_back_leaves_the_place_acute(rules: CrisisDetector, text: str) -> None:
    assert level_of(rules, text) == "acute"


def test_a_threat_said_not_to_be_a_joke_is_a_signal(rules: CrisisDetector) -> None:
    text = "my uncle says he will kill me if i tell anyone. hes not joking"
    assert level_of(rules, text) is not None


def test_not_really_lol_still_takes_a_threat_back(rules: CrisisDetector) -> None:
    text = "im so done with my lab partner i could push him off the roof (not really lol)"
    assert level_of(rules, text) is None


def test_a_head_banged_against_the_wall_is_a_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "ik sla mijn kop tegen de muur tot het stil wordt") is not None


def test_wa_is_het_nut_is_flemish_for_what_is_the_point(rules: CrisisDetector) -> None:
    assert level_of(rules, "wa is het nut van nog opstaan elke dag") is not None


def test_a_little_will_for_tonight_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "heb een testamentje geschreven op mijn gsm, vannacht") == "acute"


@pytest.mark.parametrize(
    "text",
    [
        "i want to hide under my blanket forever, exams again",
        "ik wil onder mijn deken blijven tot de vakantie",
        "got a new tattoo on my wrist today, it bled a bit but it looks so good",
        "mijn pa scheert zijn kop met een scheermes en heeft zich gesneden",
        "nog een online les en ik spring uit het raam 🙄",
    ],
)
def test_everyday_words_that_read_like_a_signal_stay_quiet(
    rules: CrisisDetector, text: str
) -> None:
    assert level_of(rules, text) is None
