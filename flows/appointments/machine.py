"""An appointment's life as data: draft → proposed → confirmed → done | missed | cancelled,
and moved back to proposed when either side asks for another moment.

A draft is the coach's proposal while they still pick the moment with the quick picks; the
youngster never sees one. One shared transitions Machine checks every move, so a forged,
double or late tap can never push an appointment into a state it may not reach.
"""

from __future__ import annotations

from typing import Any

from transitions import Machine

DRAFT, PROPOSED, CONFIRMED = "draft", "proposed", "confirmed"
DONE, MISSED, CANCELLED = "done", "missed", "cancelled"
UPCOMING = (PROPOSED, CONFIRMED)  # what either side can still answer, move or cancel

APPOINTMENT_MACHINE: dict[str, Any] = {
    "states": [DRAFT, PROPOSED, CONFIRMED, DONE, MISSED, CANCELLED],
    "transitions": [
        {"trigger": "propose", "source": DRAFT, "dest": PROPOSED},
        {"trigger": "confirm", "source": PROPOSED, "dest": CONFIRMED},
        # Another moment, asked by either side; after a missed meeting too (never an end).
        {"trigger": "move", "source": [PROPOSED, CONFIRMED, MISSED], "dest": PROPOSED},
        {"trigger": "cancel", "source": [DRAFT, PROPOSED, CONFIRMED], "dest": CANCELLED},
        {"trigger": "done", "source": CONFIRMED, "dest": DONE},
        {"trigger": "missed", "source": CONFIRMED, "dest": MISSED},
    ],
    "initial": DRAFT,
}

_machine = Machine(model=None, auto_transitions=False, **APPOINTMENT_MACHINE)


class _Appointment:
    def __init__(self, state: str) -> None:
        self.state = state


def can(state: str, trigger: str) -> bool:
    """Whether an appointment in `state` may take `trigger`."""
    return state in _machine.events[trigger].transitions


def after(state: str, trigger: str) -> str:
    """The state an appointment reaches by `trigger`; ValueError when the move is not allowed."""
    if not can(state, trigger):
        raise ValueError(f"a {state} appointment cannot {trigger}")
    model = _Appointment(state)
    _machine.events[trigger].trigger(model)
    return model.state
