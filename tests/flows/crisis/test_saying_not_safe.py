"""Saying "ik ben niet veilig": a youngster who says in their own words what "Ben je nu
veilig?" asks gets the question about danger, with the help lines; the model beside the rules
may not talk it away (the rule is firm)."""

from __future__ import annotations

import pytest

from flows.content import Detector
from flows.crisis import CrisisDetector


@pytest.mark.parametrize(
    "text",
    [
        "ik ben niet veilig",
        "ik voel me hier echt niet veilig",
        "ik ben in gevaar",
        "i'm not safe",
        "i dont feel safe at home",
        "i feel unsafe at school because of those guys",
    ],
)
def test_saying_they_are_not_safe_is_a_signal_whatever_the_model_hears(
    detector: Detector, text: str
) -> None:
    hit = detector.detect(text)
    assert hit is not None and hit.category == "violence"


@pytest.mark.parametrize(
    "text",
    [
        "my parents said no to the festival because it's not safe, i'm 17 not 7",
        "no i dont feel unsafe, i was just annoyed",
        "i'm not safe driving yet lol",
        "in het boek voelt ze zich niet veilig bij haar oom",
    ],
)
def test_not_safe_said_of_something_else_or_taken_back_is_no_signal_of_the_rules(
    rules: CrisisDetector, text: str
) -> None:
    assert rules.rules_verdict(text) == (None, False)
