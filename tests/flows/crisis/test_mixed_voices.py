"""What blind10.tsv showed (straattaal, code-switching and newcomers' Dutch and English), on
the rules alone: the words of sport, games and a busy home are everyday, a Dutch "woont" is no
English "won't", and asking God to be taken is a wish to die."""

from __future__ import annotations

import pytest

from flows.crisis import CrisisDetector


@pytest.mark.parametrize(
    "text",
    [
        "de man die bij ons woont zegt dat hij me niet meer slaat, maar hij slaat me nog elke dag",
        "mijn oom die bij ons woont heeft me gisteren weer geslagen",
    ],
)
def test_a_dutch_woont_is_no_english_wont_that_turns_a_signal_around(
    rules: CrisisDetector, text: str
) -> None:
    assert rules.normalise("hij woont bij ons").split().count("not") == 0
    level, _ = rules.rules_verdict(text)
    assert level is not None


@pytest.mark.parametrize(
    "text",
    [
        "every night i ask god to take me",
        "ik vraag elke nacht aan god om me te halen",
        "wallah ik vraag allah elke nacht om me te halen",
        "i hope god takes me soon",
    ],
)
def test_asking_god_to_be_taken_is_a_wish_to_die(rules: CrisisDetector, text: str) -> None:
    assert rules.rules_verdict(text)[0] == "worry"


@pytest.mark.parametrize(
    "text",
    ["oh god take me back to summer", "mama komt om me te halen", "omg god take me now lol"],
)
def test_being_taken_home_or_back_or_a_joke_to_god_is_no_wish(
    rules: CrisisDetector, text: str
) -> None:
    assert rules.rules_verdict(text) == (None, False)


@pytest.mark.parametrize(
    "text",
    [
        "my brother keeps hitting the gym and now he thinks he's the rock",
        "fam the gym killed me today, can't lift my arms",
        "the boys from the other school beat us in the final, next year we get them",
        "ik ga die gast kapotmaken in de 1v1 vanavond, let op",
        "ze zeggen dat ze me gaan pakken bij paintball zaterdag, ik ben klaar voor ze",
        "doing the dishes and the knife slipped, just a small cut, plaster on, i'm good",
        "pff thuis geen plek om te studeren, te druk met broertjes",
        "wallah i'm so hungry, i'm gonna die if i don't eat soon",
        "ik heb geen huis meer in minecraft, iemand blijft mijn basis slopen",
    ],
)
def test_sport_games_a_busy_home_and_hunger_in_the_same_words_are_everyday(
    rules: CrisisDetector, text: str
) -> None:
    assert rules.rules_verdict(text) == (None, False)


def test_fear_at_home_in_the_news_is_no_firm_signal(rules: CrisisDetector) -> None:
    text = "nieuws zegt steekpartij in het centrum, mijn ma is in paniek maar ik zit gewoon thuis"
    assert rules.rules_verdict(text)[1] is False  # the model beside the rules may weigh it
