"""The appointment machine as data: only the moves of an appointment's life."""

from __future__ import annotations

import pytest

from flows.appointments.machine import after, can


def test_a_proposal_is_confirmed_then_done_or_missed() -> None:
    assert after("draft", "propose") == "proposed"
    assert after("proposed", "confirm") == "confirmed"
    assert after("confirmed", "done") == "done"
    assert after("confirmed", "missed") == "missed"


def test_either_side_moves_a_proposal_or_a_confirmed_one_back_to_proposed() -> None:
    assert after("proposed", "move") == "proposed"
    assert after("confirmed", "move") == "proposed"


def test_a_missed_appointment_is_not_the_end_it_can_get_a_new_moment() -> None:
    assert after("missed", "move") == "proposed"


def test_what_is_over_stays_over() -> None:
    assert not can("done", "move")
    assert not can("cancelled", "confirm")
    assert not can("proposed", "done")
    with pytest.raises(ValueError, match="a cancelled appointment cannot move"):
        after("cancelled", "move")
