"""An appointment's life as data: draft → proposed → confirmed → done | missed | cancelled,
and moved back to proposed when either side asks for another moment.

A draft is the coach's proposal while they still pick the moment with the quick picks; the
youngster never sees one. One shared transitions Machine checks every move, so a forged,
double or late tap can never push an appointment into a state it may not reach.
"""

from __future__ import annotations

from typing import Any

from flows.table_machine import TableMachine

DRAFT, PROPOSED, CONFIRMED = "draft", "proposed", "confirmed"
DONE, MISSED, CANCELLED = "done", "missed", "cancelled"
UPCOMING = (PROPOSED, CONFIRMED)  # what either side can still answer, move or cancel
NOT_HELD = (DRAFT, *UPCOMING)  # what a case's coach still has planned with the youngster

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

_machine = TableMachine("appointment", APPOINTMENT_MACHINE)
can = _machine.can
after = _machine.after
