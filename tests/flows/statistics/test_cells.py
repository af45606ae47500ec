"""Nobody can be picked out of a table: small counts hidden, and a second cell wherever a
shown total would give a hidden one away."""

from __future__ import annotations

from flows.statistics.cells import (
    Amount,
    Count,
    Nothing,
    Small,
    Withheld,
    count,
    hide,
    measure,
    share,
    suppress,
)


def test_a_group_of_three_shows_as_less_than_five() -> None:
    assert str(count(3)) == "< 5"
    assert count(3) == Small()


def test_a_group_of_five_is_shown() -> None:
    assert count(5) == Count(5)


def test_nobody_is_shown_as_zero() -> None:
    assert count(0) == Count(0)


def test_a_total_that_would_reveal_a_small_count_hides_a_second_cell_in_its_row() -> None:
    (row, totals) = suppress([[3, 10, 20]])
    assert row == [Small(), Withheld(), Count(20), Count(33)]
    assert totals == row


def test_the_complement_is_the_smallest_count_above_zero() -> None:
    (row, _) = suppress([[2, 0, 7, 9]])
    assert row[:4] == [Small(), Count(0), Withheld(), Count(9)]


def test_a_sum_whose_other_parts_are_zero_is_hidden_itself() -> None:
    # Place 1 (10) is hidden as another line's complement; 0 + 10 = 10 would show it.
    hidden = hide([0, 10, 10, 3, 13], [[0, 1, 2], [3, 1, 4]])
    assert hidden == [False, True, True, True, False]


def test_suppression_holds_along_columns_too() -> None:
    rows = suppress([[3, 10], [8, 9], [7, 6]])
    for column in range(3):
        hidden = [isinstance(row[column], Small | Withheld) for row in rows]
        assert sum(hidden) != 1
    for row in rows:
        assert sum(isinstance(cell, Small | Withheld) for cell in row) != 1


def test_two_small_counts_in_a_line_need_no_complement() -> None:
    (row, _) = suppress([[3, 2, 20]])
    assert row == [Small(), Small(), Count(20), Count(25)]


def test_a_chain_of_sums_is_suppressed_until_no_sum_has_one_hidden_part() -> None:
    values = [100, 97, 40, 3, 57]  # 100 = 97 + 3, 97 = 40 + 57
    hidden = hide(values, [[1, 3, 0], [2, 4, 1]])
    assert hidden[3]
    assert sum(hidden[p] for p in (1, 3, 0)) != 1
    assert sum(hidden[p] for p in (2, 4, 1)) != 1


def test_a_median_of_fewer_than_five_people_is_hidden() -> None:
    assert measure(3.5, "hours", people=4) == Small()
    assert measure(3.5, "hours", people=5) == Amount(3.5, "hours")
    assert measure(None, "hours", people=0) == Nothing()


def test_a_share_that_would_reveal_a_small_group_is_hidden() -> None:
    assert share(48, 50) == Small()  # two are not in it
    assert share(2, 50) == Small()
    assert share(25, 50) == Amount(50.0, "percent")
