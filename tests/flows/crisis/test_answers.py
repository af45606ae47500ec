"""Typed answers to Klik's own crisis questions (flows/crisis/answers.py), on the real words
of content/crisis.yaml."""

from __future__ import annotations

import pytest

from flows.content import Content
from flows.crisis.answers import TypedAnswers


@pytest.fixture(scope="module")
def answers(content: Content) -> TypedAnswers:
    return content.answers


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ja", "yes"),
        ("Jaaa!!", "yes"),
        ("ja maar hij is nog thuis", "yes"),
        ("yeah", "yes"),
        ("Nee.", "no"),
        ("nee, hij staat voor de deur", "no"),
        ("natuurlijk niet", "no"),
        ("nope", "no"),
        ("NOOO", "no"),
        ("weet ik niet", "unsure"),
        ("ik weet het niet, hij is nog thuis", "unsure"),
        ("kweenie", "unsure"),
        ("soms wel", "unsure"),
        ("idk tbh", "unsure"),
        ("i'm not sure", "unsure"),
        ("im not sure", "unsure"),
        ("Ik ben niet veilig!", "unsafe"),
        ("i dont feel safe", "unsafe"),
        ("ik ben veilig", "safe"),
        ("i'm safe", "safe"),
    ],
)
def test_a_typed_answer_is_read_as_the_button_it_stands_for(
    answers: TypedAnswers, text: str, kind: str
) -> None:
    assert answers.of(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "ik kan goed tekenen",
        "i am scared",  # "i am" is yes only on its own
        "ik ben bang",
        "een vriend van me zegt dat het wel meevalt",  # "een" is not "nee"
        "👍",
        "",
    ],
)
def test_words_that_are_no_answer_are_left_alone(answers: TypedAnswers, text: str) -> None:
    assert answers.of(text) is None


def test_the_longer_phrase_wins_over_a_shorter_one_inside_it(answers: TypedAnswers) -> None:
    assert answers.of("i'm not") == "no"
    assert answers.of("i'm not sure") == "unsure"
