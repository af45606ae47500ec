"""The crisis model's feature table: every feature of the weights file found by its name."""

from __future__ import annotations

import pytest

from flows.crisis.table import FeatureTable


def _table(names: list[str], width: int = 2) -> FeatureTable:
    table = FeatureTable(width)
    for number, name in enumerate(names):
        table.add(name, [float(number)] * width)
    table.seal()
    return table


def test_every_feature_is_found_with_its_own_row() -> None:
    names = [f"c:{number}" for number in range(10_000)]  # enough to fill slots side by side
    table = _table(names)
    for number, name in enumerate(names):
        found = table.row(name)
        assert table.values[found : found + 2].tolist() == [number, number]


def test_a_name_the_file_does_not_hold_is_not_found() -> None:
    table = _table(["w:dood", "w:wil dood"])
    assert table.row("w:taart") == -1
    assert table.row("w:dood ") == -1


def test_an_empty_table_finds_nothing() -> None:
    assert _table([]).row("w:dood") == -1


def test_a_row_of_the_wrong_width_is_refused_and_leaves_the_table_as_it_was() -> None:
    table = FeatureTable(3)
    with pytest.raises(ValueError, match="a row needs 3 values"):
        table.add("w:dood", [1.0, 2.0])
    assert len(table) == 0


def test_a_feature_named_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="a feature twice"):
        _table(["w:dood", "w:dood"])
