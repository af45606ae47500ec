"""A case's life after the intake, as data: queued → active ⇄ paused → closed, with reopen.

Hand-over moves a case between coaches without leaving `active`; `/andere_coach` puts it back
in the queue with priority. One shared transitions Machine checks every move, so a forged or
late button can never push a case into a state it may not reach.
"""

from __future__ import annotations

from typing import Any

from flows.table_machine import TableMachine

QUEUED, ACTIVE, PAUSED, CLOSED, WITHDRAWN = "queued", "active", "paused", "closed", "withdrawn"
OPEN = (QUEUED, ACTIVE, PAUSED)  # a case the youngster is still in
WITH_COACH = (ACTIVE, PAUSED)

# Why a coach closes a case: a short list, so statistics can count them without free text.
CLOSE_REASONS = ("goal_reached", "referred", "youngster_stopped", "no_contact", "other")

CASE_MACHINE: dict[str, Any] = {
    "states": [QUEUED, ACTIVE, PAUSED, CLOSED, WITHDRAWN],
    "transitions": [
        {"trigger": "claim", "source": QUEUED, "dest": ACTIVE},
        {"trigger": "pause", "source": ACTIVE, "dest": PAUSED},
        {"trigger": "resume", "source": PAUSED, "dest": ACTIVE},
        # A colleague accepts a warm hand-over: the case is theirs, and no longer paused.
        {"trigger": "take_over", "source": [ACTIVE, PAUSED], "dest": ACTIVE},
        {"trigger": "close", "source": [ACTIVE, PAUSED], "dest": CLOSED},
        {"trigger": "reopen", "source": CLOSED, "dest": ACTIVE},
        {"trigger": "requeue", "source": [ACTIVE, PAUSED, CLOSED], "dest": QUEUED},
        {"trigger": "withdraw", "source": [QUEUED, ACTIVE, PAUSED], "dest": WITHDRAWN},
    ],
    "initial": QUEUED,
}

_machine = TableMachine("case", CASE_MACHINE)
can = _machine.can
after = _machine.after
sources = _machine.sources
