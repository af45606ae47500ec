"""Self-harm with makeshift tools, attacks in street words, and a night out in the cold, on the
rules alone: each with the everyday message that uses the same words."""

from __future__ import annotations

from flows.crisis import CrisisDetector
from tests.support.detector import level_of


def test_sitting_on_the_bathroom_floor_with_shards_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "zit op de badkamervloer met de scherven van mijn spiegel") == "acute"


def test_something_sharp_in_the_toilets_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "locked in the school toilets with something sharp") == "acute"


def test_sweeping_up_broken_glass_in_the_bathroom_is_no_signal(rules: CrisisDetector) -> None:
    text = "dropped a cup lol, sweeping broken glass off the bathroom floor"
    assert level_of(rules, text) is None


def test_being_robbed_at_knifepoint_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "just got robbed at knifepoint near the metro") == "acute"


def test_somebody_shanked_at_a_party_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "someone got shanked at the party, im hiding") == "acute"


def test_a_robbery_in_a_game_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "got mugged in gta again, this game is brutal") is None


def test_a_house_set_on_fire_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "ze hebben onze voordeur in brand gestoken") == "acute"


def test_a_bench_outside_in_the_cold_is_a_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "buiten op een bankje, het is zo koud") is not None


def test_the_park_at_midnight_is_a_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "still in the park and its midnight, where do i go") is not None


def test_a_cold_beach_with_family_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "at the beach with my family, the sea is freezing") is None


def test_just_robbed_and_hiding_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "got robbed and my nose is bleeding, hiding behind the gym") == "acute"
