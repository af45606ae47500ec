"""The targets a team writes down: read from plain data, every problem one line."""

from __future__ import annotations

import pytest

from flows.statistics.targets import Targets, TargetsError, read_targets


def test_no_file_means_no_targets_yet() -> None:
    assert read_targets(None) == Targets()


def test_reach_shares_and_aims_are_read_as_numbers() -> None:
    targets = read_targets(
        {"reach": {"age_band": {"16_17": 40, "18_20": 35.5}}, "aims": {"within_24h": 90}}
    )
    assert targets.reach == {"age_band": {"16_17": 40.0, "18_20": 35.5}}
    assert targets.aims == {"within_24h": 90.0}


def test_shares_that_add_up_to_more_than_everyone_are_refused() -> None:
    with pytest.raises(TargetsError) as refused:
        read_targets({"reach": {"language": {"nl": 80, "en": 30}}})
    assert refused.value.problems == ["reach.language: the shares add up to more than 100"]


def test_each_problem_is_its_own_line() -> None:
    with pytest.raises(TargetsError) as refused:
        read_targets({"reach": {"shoe_size": {"42": 5}}, "aims": {"within_24h": "most"}, "x": 1})
    assert len(refused.value.problems) == 3
