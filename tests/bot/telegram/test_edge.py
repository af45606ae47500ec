"""What the edge cleans and refuses before an event reaches the service."""

from __future__ import annotations

from bot.telegram.edge import clean, cleaned, forged
from flows.messages import Inbound


def test_a_nul_byte_is_removed_from_a_text() -> None:
    assert clean("hoi\x00 daar") == "hoi daar"


def test_a_lone_surrogate_becomes_the_replacement_character() -> None:
    assert clean("kijk \ud83d hier") == "kijk \ufffd hier"


def test_an_emoji_is_left_as_it_is() -> None:
    assert clean("top 👍") == "top 👍"


def test_every_text_of_an_event_is_cleaned() -> None:
    event = Inbound("media", caption="foto\x00", language_hint="nl\ud800", message_id="12")

    assert cleaned(event) == Inbound(
        "media", caption="foto", language_hint="nl\ufffd", message_id="12"
    )


def test_button_data_with_a_number_beyond_any_id_is_forged() -> None:
    assert forged("claim:99999999999")
    assert forged("close:2147483648:solved")


def test_button_data_with_the_largest_id_is_not_forged() -> None:
    assert not forged("claim:2147483647")


def test_button_data_with_a_digit_other_than_0_to_9_is_forged() -> None:
    assert forged("claim:²")


def test_our_own_button_data_is_not_forged() -> None:
    for data in ("consent:yes:nl:insta", "q.health:3", "summary:rm.home", "age:16_17", "talk"):
        assert not forged(data)
