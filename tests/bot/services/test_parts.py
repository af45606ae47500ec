"""Long texts cut into parts that each fit in one message, at the most natural place, never
inside an emoji; the keyboard goes with the last part."""

from __future__ import annotations

from bot.services.parts import split_message, split_text
from bot.services.render import Rendered

LIMIT = 4096
THUMB = "👍🏽"  # a thumb with a skin tone: two code points, one emoji
FAMILY = "👨‍👩‍👧"  # man, woman, girl joined: five code points, one emoji


def test_a_text_that_fits_is_one_part() -> None:
    assert split_text("Hoi!", LIMIT) == ["Hoi!"]


def test_a_long_text_is_cut_between_paragraphs() -> None:
    text = "a" * 3000 + "\n\n" + "b" * 3000
    assert split_text(text, LIMIT) == ["a" * 3000, "b" * 3000]


def test_without_a_paragraph_in_reach_it_is_cut_between_lines() -> None:
    text = "a" * 1000 + "\n\n" + "b" * 2000 + "\n" + "c" * 2000
    assert split_text(text, LIMIT) == ["a" * 1000 + "\n\n" + "b" * 2000, "c" * 2000]


def test_without_a_line_in_reach_it_is_cut_between_words() -> None:
    text = " ".join(["woord"] * 1000)  # 5,999 characters
    assert split_text(text, LIMIT) == [" ".join(["woord"] * 682), " ".join(["woord"] * 318)]


def test_a_break_early_in_the_text_is_passed_over_for_one_that_fills_the_part() -> None:
    text = "kort\n\n" + " ".join(["woord"] * 1000)
    parts = split_text(text, LIMIT)
    assert parts[0] == "kort\n\n" + " ".join(["woord"] * 681)
    assert len(parts) == 2


def test_four_thousand_emoji_with_a_skin_tone_are_cut_between_two_of_them() -> None:
    assert split_text(THUMB * 4000, LIMIT) == [THUMB * 2048, THUMB * 1952]


def test_joined_emoji_are_never_taken_apart() -> None:
    assert split_text(FAMILY * 1000, LIMIT) == [FAMILY * 819, FAMILY * 181]


def test_a_part_holds_no_more_code_points_than_the_limit() -> None:
    text = ("x" * 4095 + " ") * 3 + "é" * 5000
    assert all(len(part) <= LIMIT for part in split_text(text, LIMIT))


def test_the_keyboard_goes_with_the_last_part_only() -> None:
    buttons = ((("✅ Versturen", "summary:send"),),)
    parts = split_message(Rendered("a" * 3000 + "\n\n" + "b" * 3000, buttons), LIMIT)
    assert parts == [Rendered("a" * 3000), Rendered("b" * 3000, buttons)]


def test_a_channel_without_a_limit_gets_the_message_as_it_is() -> None:
    message = Rendered("a" * 10_000)
    assert split_message(message, None) == [message]
