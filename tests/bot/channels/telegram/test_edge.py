"""What the edge cleans before an event reaches the service."""

from __future__ import annotations

from bot.channels.telegram.edge import clean, cleaned
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
