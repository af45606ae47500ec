"""Normalising: chat spellings, leetspeak and repeats fold to one plain form, with the real
spelling tables of content/crisis.yaml."""

from __future__ import annotations

import pytest

from flows.crisis import PLAIN, CrisisDetector, CrisisLexicon, Normaliser


@pytest.fixture(scope="module")
def normalise(lexicon: CrisisLexicon) -> Normaliser:
    return lexicon.spelling.normaliser()


def test_normalise_folds_accents_case_repeats_and_leetspeak(normalise: Normaliser) -> None:
    assert normalise("Ik wil DOOOOD!!!") == "ik wil dod"
    assert normalise("Z3lfm00rd") == "zelfmord"
    assert normalise("suïcidaal") == "suicidal"
    assert normalise("pleaseee   help") == "please help"
    assert normalise("zelf\u200bmoord") == "zelfmord"
    assert normalise("ＤＯＯＤ") == "dod"


def test_normalise_maps_chat_spellings(normalise: Normaliser) -> None:
    assert normalise("k wil er nie meer zijn") == "ik wil er niet mer zijn"
    assert normalise("m'n pa slaat mij") == "mijn pa slat me"
    assert normalise("im gonna kms") == "i am going to kil myself"
    assert normalise("I don't care") == "i do not care"


def test_normalise_maps_flemish_and_english_chat_shortcuts(normalise: Normaliser) -> None:
    assert normalise("kheb da nie gedaan") == "ik heb dat niet gedan"
    assert normalise("kzit op de brug rn") == "ik zit op de brug right now"


def test_normalise_turns_emoji_and_punctuation_into_single_spaces(normalise: Normaliser) -> None:
    assert normalise("hey 🙂🙂 , wat - ok") == "hey wat ok"


def test_the_end_of_a_sentence_is_a_full_stop_between_the_words(normalise: Normaliser) -> None:
    assert normalise("hey 🙂🙂 ... wat?!\n\tok.") == "hey . wat . ok"
    assert normalise("3.5 euro, o.a. brood") == "3 5 euro o a . brod"


def test_a_negation_does_not_reach_into_the_next_sentence(rules: CrisisDetector) -> None:
    hit = rules.detect("ik ga nu naar het spoor. niet bellen.")
    assert hit is not None and (hit.category, hit.level) == ("suicide", "acute")


def test_normalise_keeps_laughing_emoji_as_a_laugh(normalise: Normaliser) -> None:
    assert normalise("ik ga hem vermoorden 😂") == "ik ga hem vermorden haha"


def test_a_word_that_folds_into_a_signal_word_is_renamed_first(normalise: Normaliser) -> None:
    assert "verkracht" not in normalise("mijn coach zegt dat ik veel veerkracht heb")
    assert "verkracht" in normalise("ik ben verkracht")


def test_without_tables_only_case_accents_repeats_and_leetspeak_fold() -> None:
    assert PLAIN("K wil nie DOOOOD 😂") == "k wil nie dod"


def test_a_spelling_key_of_two_words_is_refused() -> None:
    with pytest.raises(ValueError, match="must be one word"):
        Normaliser(words={"ik wil": "kwil"})


def test_a_dutch_kan_is_no_flemish_kkan(rules: CrisisDetector) -> None:
    assert rules.normalise("hij kan niet meer") == "hij kan niet mer"
    assert rules.normalise("kkan niet meer") == "ik kan niet mer"
