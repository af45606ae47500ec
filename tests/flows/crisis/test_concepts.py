"""Concepts of the long tail of acute messages, on the rules alone: each with a hard negative.

A picked moment, giving a pet or one's things away, the pills being gone, emoji that stand for a
means, "just" and "zojuist" as now, and Flemish chat spelling of being hit.
"""

from __future__ import annotations

from flows.crisis import CrisisDetector
from flows.crisis.normalise import Normaliser
from tests.support.detector import level_of


def test_a_picked_weekday_and_hour_with_jumping_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "zondag om 6 uur spring ik") == "acute"


def test_a_picked_weekday_and_hour_for_work_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "zondag om 6 uur moet ik werken") is None


def test_a_date_with_it_all_ending_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "the 14th is the day, it all ends then") == "acute"


def test_a_date_for_a_birthday_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "the 14th is my birthday, cant wait") is None


def test_giving_away_what_one_owns_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "you can have my guitar and my ps5") == "acute"


def test_asking_to_look_after_a_pet_during_a_camp_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "zorg jij voor mijn kat als ik op kamp ben?") is None


def test_pills_that_are_all_gone_are_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "alles is op, ik heb ze allemaal") == "acute"


def test_an_empty_fridge_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "alles is op in de koelkast") is None


def test_a_rope_emoji_with_tonight_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "🪢 tonight") == "acute"


def test_a_pills_emoji_in_a_joke_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "the pharmacy joke 💊💊💊 lmao") is None


def test_an_emoji_becomes_the_word_it_stands_for() -> None:
    assert Normaliser(emoji={"🪢": "noose"})("🪢 tonight") == "nose tonight"


def test_an_emoji_without_a_word_falls_away() -> None:
    assert Normaliser(emoji={"🪢": "noose"})("🌈 tonight") == "tonight"


def test_just_taking_them_all_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "i just took them all") == "acute"


def test_just_taking_a_nap_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "i just took a nap") is None


def test_zojuist_with_a_whole_box_taken_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "zojuist heel het doosje ingenomen") == "acute"


def test_zojuist_with_homework_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "ik heb zojuist mijn huiswerk gemaakt") is None


def test_flemish_being_beaten_by_a_stepfather_just_now_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "kheb daarnet nen klop gekregen van mijne stiefpa") == "acute"


def test_flemish_losing_at_cards_to_a_father_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "ik krijg altijd klop bij het kaarten van mijne pa haha") is None


def test_being_gone_by_a_picked_hour_is_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "scheduled a message to my sister for 6am. by then it will be over") == (
        "acute"
    )


def test_exams_being_over_by_friday_is_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "friday 5pm the exams will be over, cant wait") is None


def test_pills_that_are_inside_all_of_them_are_acute(rules: CrisisDetector) -> None:
    assert level_of(rules, "ze zijn binnen, alle 30") == "acute"


def test_groceries_that_are_inside_are_no_signal(rules: CrisisDetector) -> None:
    assert level_of(rules, "de boodschappen zijn binnen, alles staat in de kast") is None
