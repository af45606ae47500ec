"""A life given as a table of states and moves (a case's, an appointment's), asked two
questions: may this state take this move, and where does it lead. One shared
`transitions.Machine` per table, built once: a machine per update costs about 1 ms, a question
to the shared one microseconds. `klik diagram` draws the same tables."""

from __future__ import annotations

from typing import Any

from transitions import Machine


class _Holder:
    def __init__(self, state: str) -> None:
        self.state = state


class TableMachine:
    """The moves of one table; `kind` names it in refusals ("a closed case cannot pause")."""

    def __init__(self, kind: str, table: dict[str, Any]) -> None:
        self.kind = kind
        self._machine = Machine(model=None, auto_transitions=False, **table)

    def can(self, state: str, trigger: str) -> bool:
        """Whether something in `state` may take `trigger`."""
        return state in self._machine.events[trigger].transitions

    def after(self, state: str, trigger: str) -> str:
        """The state reached by `trigger`; ValueError when the move is not allowed."""
        if not self.can(state, trigger):
            raise ValueError(f"a {state} {self.kind} cannot {trigger}")
        holder = _Holder(state)
        self._machine.events[trigger].trigger(holder)
        return holder.state

    def sources(self, trigger: str) -> tuple[str, ...]:
        """The states from which `trigger` may be taken (for a conditional database update)."""
        return tuple(self._machine.events[trigger].transitions)
