"""What the sixth and seventh blind sets and a training batch showed the rules lacked, on the
rules alone: a friend who wants to kill herself, "it" done tonight with everything ready, pills
one "has in", a restraining order; and everyday words that read like a signal: an operation
("off the" folds to "of the"), pills for car sickness, a shelter one helps at, a chef's knife,
the gym, a room to clean, a car that almost hit one, a game character stabbed.
"""

from __future__ import annotations

import pytest

from flows.crisis import CrisisDetector
from tests.support.detector import level_of


def test_a_sister_who_wants_to_kill_herself_is_a_signal_about_a_friend(
    rules: CrisisDetector,
) -> None:
    hit = rules.detect("i read my sisters diary and she wrote she wants to kill herself")
    assert hit is not None and hit.about == "friend"


def test_a_friend_who_wants_to_take_his_own_life_is_a_signal(rules: CrisisDetector) -> None:
    hit = rules.detect("hij zei gisteren dat hij zichzelf wil doden, wat moet ik doen")
    assert hit is not None and hit.category == "suicide"


def test_doing_it_tonight_with_everything_ready_is_acute(rules: CrisisDetector) -> None:
    text = "normal day at school. tonight i finally do it, everything is ready"
    assert level_of(rules, text) == "acute"


def test_twenty_paracetamol_one_has_in_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "ik heb er zon 20 paracetamol op, word beetje misselijk") == "acute"


def test_an_ex_with_a_restraining_order_watching_is_a_signal(rules: CrisisDetector) -> None:
    text = "mijn ex staat al een uur aan de overkant, hij heeft een contactverbod, ik ben bang"
    assert level_of(rules, text) is not None


def test_scared_of_the_anaesthesia_is_no_jump(rules: CrisisDetector) -> None:
    assert level_of(rules, "knee surgery next week and im scared of the anaesthesia") is None


def test_pills_for_car_sickness_are_no_overdose(rules: CrisisDetector) -> None:
    text = "gisteren pilletjes tegen wagenziekte genomen en de hele rit geslapen"
    assert level_of(rules, text) is None


def test_helping_at_a_homeless_shelter_is_no_night_outside(rules: CrisisDetector) -> None:
    text = "volunteering at the homeless shelter on thursdays, we served soup to 80 people tonight"
    assert level_of(rules, text) is None


def test_a_chefs_knife_cutting_everything_is_cooking(rules: CrisisDetector) -> None:
    text = "got a proper chefs knife for my bday and now i'm cutting literally everything"
    assert level_of(rules, text) is None


def test_training_oneself_to_pieces_at_the_gym_is_no_self_harm(rules: CrisisDetector) -> None:
    assert level_of(rules, "fissa naar de gym, ik ga mezelf kapot trainen vandaag") is None


def test_being_told_to_clean_ones_room_is_no_one_in_your_room(rules: CrisisDetector) -> None:
    assert level_of(rules, "my stepdad keeps telling me to clean my room") is None


def test_almost_hit_by_a_car_is_no_plan(rules: CrisisDetector) -> None:
    text = "i almost got hit by a car crossing the street today, the driver said sorry"
    assert level_of(rules, text) is None


def test_an_animal_shelter_is_no_night_outside(rules: CrisisDetector) -> None:
    assert level_of(rules, "the shelter where i volunteer got 10 new kittens, come adopt") is None


def test_a_character_stabbed_in_dungeons_and_dragons_is_a_story(rules: CrisisDetector) -> None:
    assert level_of(rules, "my dnd bard got stabbed like 6 times and is still standing") is None


def test_running_away_from_a_spider_is_no_running_away_from_home(rules: CrisisDetector) -> None:
    assert level_of(rules, "ran away screaming from a spider the size of my hand") is None


# A chef's knife is cooking; the kitchen knife is the blade most often at hand.
@pytest.mark.parametrize(
    "text",
    [
        "grabbed the kitchen knife, going to cut tonight",
        "ik heb het keukenmes gepakt, ik ga snijden",
    ],
)
def test_a_kitchen_knife_taken_to_cut_stays_acute(rules: CrisisDetector, text: str) -> None:
    assert level_of(rules, text) == "acute"
