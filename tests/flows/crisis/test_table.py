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


def _kept(table: FeatureTable, name: str) -> list[float]:
    """A feature's row as the table keeps it, in the file's numbers."""
    found = table.row(name)
    row = table.values[found : found + table.width]
    return [value * scale for value, scale in zip(row, table.scales, strict=True)]


def test_every_feature_is_found_with_its_own_row() -> None:
    names = [f"c:{number}" for number in range(10_000)]  # enough to fill slots side by side
    table = _table(names)
    for number, name in enumerate(names):
        assert _kept(table, name) == pytest.approx([number, number], abs=10_000 / 65_534)


def test_each_column_keeps_its_values_to_within_a_65_534th_of_its_largest() -> None:
    table = FeatureTable(2)
    written = [(6.946, 9.1), (0.2743, -1.5), (-0.0012, 0.0), (-6.946, 1e-7)]
    for number, row in enumerate(written):
        table.add(f"w:{number}", row)
    table.seal()
    for number, row in enumerate(written):
        kept = _kept(table, f"w:{number}")
        assert kept[0] == pytest.approx(row[0], abs=6.946 / 65_534)
        assert kept[1] == pytest.approx(row[1], abs=9.1 / 65_534)


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
