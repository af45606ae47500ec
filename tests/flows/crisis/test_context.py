"""Context that lowers a signal must not be heard in everyday words, on the rules alone.

Folding doubled letters turns "feel" and "fell" into one word, "mma" into Dutch "ma" (mum); Dutch
"haar" is her as well as hair, and "gestoken" is put as well as stabbed. Each case with the
harmless message it was meant for.
"""

from __future__ import annotations

from flows.crisis import CrisisDetector
from tests.support.detector import level_of


def test_feeling_something_does_not_make_an_overdose_an_accident(rules: CrisisDetector) -> None:
    assert level_of(rules, "i feel numb, swallowed the whole strip") == "acute"


def test_her_pills_are_not_her_hair(rules: CrisisDetector) -> None:
    assert level_of(rules, "mijn zus heeft haar pillen allemaal geslikt") == "acute"


def test_a_knife_behind_the_door_is_no_door_accident(rules: CrisisDetector) -> None:
    assert level_of(rules, "ik wil niet meer leven, het mes ligt achter de deur") == "acute"


def test_a_blade_behind_a_locked_door_is_no_door_accident_in_english(
    rules: CrisisDetector,
) -> None:
    assert level_of(rules, "door locked, blade in my hand, going to cut") == "acute"


def test_a_mother_who_hits_is_not_a_martial_art(rules: CrisisDetector) -> None:
    assert level_of(rules, "mijn ma slaat me elke dag") is not None


def test_mma_training_stays_a_sport(rules: CrisisDetector) -> None:
    assert level_of(rules, "na mma training heb ik overal blauwe plekken, hij slaat hard") is None


def test_the_school_roof_with_jumping_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "on the school roof and i want to jump") == "acute"


def test_the_way_to_school_stays_quiet(rules: CrisisDetector) -> None:
    assert level_of(rules, "op weg naar school, de trein staat stil bij het perron") is None


def test_sitting_on_the_edge_of_ones_bed_is_no_ledge(rules: CrisisDetector) -> None:
    assert level_of(rules, "ik zit op de rand van mijn bed, kan niet slapen") is None


def test_sitting_on_the_edge_of_ones_bed_is_no_ledge_in_english(rules: CrisisDetector) -> None:
    assert level_of(rules, "sitting on the edge of my bed rn cant sleep") is None


def test_putting_pills_in_a_locker_is_no_stabbing(rules: CrisisDetector) -> None:
    assert level_of(rules, "ik heb mijn sleutels in een kluisje gestoken") is None


def test_somebody_stabbed_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "mijn broer is gestoken op straat") == "acute"


def test_a_knife_for_an_apple_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "ik heb een mes nodig voor de appel") is None


def test_a_blade_nobody_noticed_is_still_a_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "used the blade again, nobody noticed") is not None


def test_a_brother_who_used_to_hit_and_is_close_now_is_no_firm_signal(
    rules: CrisisDetector,
) -> None:
    assert not rules.rules_verdict("my brother used to beat me up, now we are super close")[1]


def test_having_been_homeless_once_is_no_firm_signal(rules: CrisisDetector) -> None:
    assert not rules.rules_verdict("i used to be homeless, now i have my own flat")[1]


def test_not_knowing_where_to_sleep_on_a_road_trip_is_no_firm_signal(
    rules: CrisisDetector,
) -> None:
    assert not rules.rules_verdict("ik weet niet waar ik moet slapen op roadtrip, tent of auto")[1]


def test_somebody_at_the_door_is_left_to_the_model(rules: CrisisDetector) -> None:
    assert rules.rules_verdict("mijn pa staat aan de deur te wachten, we gaan naar de film") == (
        "acute",
        False,
    )


def test_somebody_at_the_door_and_fear_is_firm(rules: CrisisDetector) -> None:
    assert rules.rules_verdict("hij staat aan de deur en ik ben zo bang") == ("acute", True)


def test_nobody_hitting_you_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "nobody hits me, my parents are chill") is None


def test_niemand_who_hits_you_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "niemand slaat mij, mijn ouders zijn echt chill") is None


def test_somebody_who_hits_you_still_is(rules: CrisisDetector) -> None:
    assert level_of(rules, "iemand slaat mij elke dag thuis") is not None


def test_a_father_slamming_the_door_is_no_one_in_your_room_at_night(
    rules: CrisisDetector,
) -> None:
    text = "mijn pa slaat altijd de deur dicht als hij naar zn werk vertrekt"
    assert level_of(rules, text) is None


def test_the_last_message_of_the_day_says_good_night(rules: CrisisDetector) -> None:
    assert level_of(rules, "thats my last msg for today, going to sleep, nite") is None


def test_a_last_message_without_a_day_is_still_a_farewell(rules: CrisisDetector) -> None:
    assert level_of(rules, "dit is mn laatste bericht. sorry voor alles") == "acute"


def test_a_blood_test_and_needles_are_no_self_harm(rules: CrisisDetector) -> None:
    assert level_of(rules, "getting blood taken tmrw and im scared of needles") is None


def test_a_knife_for_a_pumpkin_is_no_self_harm(rules: CrisisDetector) -> None:
    assert level_of(rules, "kheb een mes nodig om die pompoen te snijden, waar ligt dat") is None
