"""Means, places and acts the rules used to miss, on the rules alone: each with a look-alike.

Medication named as one's own is no routine by itself, climbing over a railing is no climbing
wall, a loaded gun is a means made ready, something tied around the neck is an act, and the
Flemish "kspring" is "ik spring".
"""

from __future__ import annotations

from flows.crisis import CrisisDetector
from tests.support.detector import level_of


def test_a_whole_bottle_of_adhd_meds_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "i took my brothers adhd meds, the whole bottle") == "acute"


def test_taking_adhd_meds_every_morning_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "i take my adhd meds every morning") is None


def test_climbing_over_a_balcony_railing_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "im on the balcony climbing over the railing") == "acute"


def test_the_climbing_gym_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "going to the climbing gym after school") is None


def test_a_loaded_gun_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "got my dads gun out of the safe, its loaded") == "acute"


def test_a_belt_around_the_neck_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "de riem zit al om mijn nek") == "acute"


def test_a_cord_around_the_neck_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "the cord is around my neck") == "acute"


def test_a_scarf_around_the_neck_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "ik heb een sjaal om mijn nek want het is koud") is None


def test_flemish_kspring_from_a_bridge_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "kspring zo van de brug") == "acute"


def test_sitting_on_top_of_the_flats_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "zit boven op de flat, bel niemand") == "acute"


def test_living_in_the_flats_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "we wonen op de flat boven de bakker") is None


def test_a_bridge_emoji_with_sorry_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "🌉 ik ben er. sorry") == "acute"


def test_heading_to_the_bridge_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "dont wait up, heading to the bridge") == "acute"


def test_counting_out_pills_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "ben de slaappillen aan het tellen op mijn bed") == "acute"


def test_counting_out_pills_for_a_grandparents_box_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "counting out pills for my grandmas weekly box") is None


def test_stopping_for_good_tonight_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "vannacht stop ik ermee voorgoed") == "acute"


def test_driving_into_a_lorry_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "ik ga met de scooter tegen een vrachtwagen rijden") == "acute"


def test_driving_into_oncoming_traffic_tonight_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "taking my moms car tonight, going into oncoming traffic") == "acute"


def test_a_car_that_drove_into_a_tree_in_the_news_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "in het nieuws: auto tegen een boom gereden") is None


def test_standing_on_the_platform_with_the_next_train_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "ik sta op het perron, de trein is bijna hier") == "acute"


def test_a_late_train_on_the_platform_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "standing on the platform, the train is 10 min late again") is None


def test_the_next_train_being_yours_on_a_platform_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "on the train platform. next one is mine") == "acute"


def test_de_volgende_trein_voor_jou_op_het_perron_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "op het perron. de volgende is voor mij") == "acute"
