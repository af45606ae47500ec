"""The model beside the rules: reading its weights file and scoring messages."""

from __future__ import annotations

import math

import pytest

from flows.crisis.model import CrisisModel, Stack

HEADER = ["# test weights", "bias\t-1\t0\t0\t0\t0\t0\t0", "stack\t1\t2\t2\t0\t0.5"]


def _weights(*rows: str) -> CrisisModel:
    return CrisisModel.parse([*HEADER, *rows])


def test_a_word_with_a_positive_weight_raises_the_crisis_probability() -> None:
    model = _weights("w:dood\t1\t4\t0\t1\t0\t0\t0\t0")
    assert model.hear(["ik", "wil", "dood"]).crisis > 0.9
    assert model.hear(["ik", "wil", "taart"]).crisis == pytest.approx(1 / (1 + math.e))


def test_the_category_is_the_one_with_the_highest_score() -> None:
    model = _weights("w:slaat\t1\t4\t0\t0\t0\t3\t0\t0")
    assert model.hear(["hij", "slaat", "me"]).verdict().category == "abuse"


def _unit(block: tuple[dict[int, float], float]) -> dict[int, float]:
    weighted, norm = block
    return {row: value / norm for row, value in weighted.items()}


def test_each_block_of_features_has_unit_length() -> None:
    model = _weights(
        "w:ik\t1\t0\t0\t0\t0\t0\t0\t0",
        "w:wil\t2\t0\t0\t0\t0\t0\t0\t0",
        "c: ik \t1\t0\t0\t0\t0\t0\t0\t0",
    )
    pieces, words, _ = (_unit(block) for block in model.blocks(["ik", "wil"], []))
    assert math.fsum(v * v for v in words.values()) == pytest.approx(1.0)
    # The table keeps each value to within a 65,534th of its column's largest (table.py).
    assert words[model.table.row("w:wil")] == pytest.approx(2 / math.sqrt(5), abs=1e-4)
    assert pieces == {model.table.row("c: ik "): pytest.approx(1.0)}


def test_a_word_beside_a_negation_is_its_own_feature() -> None:
    model = _weights("w:~slaat\t1\t0\t0\t0\t0\t0\t0\t0", "w:slaat\t1\t0\t0\t0\t0\t0\t0\t0")
    negated = model.table.row("w:~slaat")
    _, beside_negation, _ = model.blocks(["hij", "slaat", "niet"], [2])
    _, plain, _ = model.blocks(["hij", "slaat", "me"], [])
    assert negated in beside_negation[0]
    assert negated not in plain[0]


def test_the_stack_lets_an_acute_rule_weigh_more_than_a_doubtful_model() -> None:
    stack = Stack(model=1, acute_rule=3, worry_rule=1, bias=0, alarm=0.6)
    assert stack.signal(0.3, "acute")
    assert not stack.signal(0.3, None)


def test_a_weights_file_without_a_stack_line_is_refused() -> None:
    with pytest.raises(ValueError, match="no bias or stack line"):
        CrisisModel.parse(HEADER[:2])


def test_a_weights_line_with_too_few_columns_names_its_line() -> None:
    with pytest.raises(ValueError, match=r"line 4: expected 9 columns"):
        _weights("w:dood\t1\t4")


def test_a_language_s_own_alarm_is_used_for_its_messages() -> None:
    model = CrisisModel.parse([*HEADER, "alarm\tnl\t0.2"])
    assert model.stack.signal(0.3, None, language="nl")
    assert not model.stack.signal(0.3, None, language="en")


def test_a_language_s_acute_alarm_applies_only_where_an_acute_rule_fired() -> None:
    # Worry and acute rules weigh the same here, so both messages score the same, about 0.76.
    model = CrisisModel.parse([*HEADER, "alarm\tnl\t0.9", "acute_alarm\tnl\t0.7"])
    assert model.stack.signal(0.3, "acute", language="nl")
    assert not model.stack.signal(0.3, "worry", language="nl")


def test_the_crisis_probability_is_the_weights_times_the_unit_length_tf_idf_vector() -> None:
    # Two words, idf 1 and 2, each once: the words block is (1, 2) / sqrt(5); no word piece or
    # skip pair of the file occurs. Log-odds: the bias -1 plus 0.5 * 1/sqrt(5) + 3 * 2/sqrt(5).
    model = _weights("w:ik\t1\t0.5\t0\t0\t0\t0\t0\t0", "w:dood\t2\t3\t0\t0\t0\t0\t0\t0")
    log_odds = -1 + (0.5 * 1 + 3 * 2) / math.sqrt(5)
    expected = 1 / (1 + math.exp(-log_odds))
    assert model.hear(["ik", "dood"]).crisis == pytest.approx(expected, abs=1e-4)


def test_the_acute_probability_of_a_heard_message_is_the_verdict_s_to_the_last_bit() -> None:
    model = _weights(
        "w:ik\t1.3\t0.11\t0.4\t0\t0\t0\t0\t0",
        "w:wil dood\t2.7\t1.9\t-0.8\t0\t0\t0\t0\t0",
        "c: ik \t0.7\t-0.37\t1.3\t0\t0\t0\t0\t0",
        "s:ik dood\t3.1\t0.29\t0.6\t0\t0\t0\t0\t0",
    )
    heard = model.hear(["ik", "wil", "dood", "ik", "ik"], [1])
    assert heard.acute == heard.verdict().acute
    assert heard.acute != 0.5  # the acute column was read, not left at its bias of 0
