"""Normalising: chat spellings, leetspeak and repeats fold to one plain form."""

from __future__ import annotations

from flows.crisis import normalise


def test_normalise_folds_accents_case_repeats_and_leetspeak() -> None:
    assert normalise("Ik wil DOOOOD!!!") == "ik wil dod"
    assert normalise("Z3lfm00rd") == "zelfmord"
    assert normalise("suïcidaal") == "suicidal"
    assert normalise("pleaseee   help") == "please help"
    assert normalise("zelf\u200bmoord") == "zelfmord"
    assert normalise("ＤＯＯＤ") == "dod"


def test_normalise_maps_chat_spellings() -> None:
    assert normalise("k wil er nie meer zijn") == "ik wil er niet mer zijn"
    assert normalise("m'n pa slaat mij") == "mijn pa slat me"
    assert normalise("im gonna kms") == "i am going to kil myself"
    assert normalise("I don't care") == "i do not care"


def test_normalise_maps_flemish_and_english_chat_shortcuts() -> None:
    assert normalise("kheb da nie gedaan") == "ik heb dat niet gedan"
    assert normalise("kzit op de brug rn") == "ik zit op de brug right now"


def test_normalise_turns_emoji_and_punctuation_into_single_spaces() -> None:
    assert normalise("hey 🙂🙂 ... wat?!\n\tok") == "hey wat ok"


def test_normalise_keeps_laughing_emoji_as_a_laugh() -> None:
    assert normalise("ik ga hem vermoorden 😂") == "ik ga hem vermorden haha"
