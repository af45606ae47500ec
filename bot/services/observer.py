"""What the services tell whoever watches the process (metrics, `bot/process/metrics.py`):
counts and kinds only. Every argument is one of a few fixed words, never an id, an address,
a name or a text, so no watcher can learn who did what.

The services take an observer that does nothing unless one is given, so the flows and every
test that does not care about metrics run as before.
"""

from __future__ import annotations

from typing import Literal, Protocol

# Inbound.kind in the words an operator reads: typed text is a "message", a tapped button a
# "tap"; /start is a command.
_KINDS = {
    "text": "message",
    "edited": "edit",
    "choice": "tap",
    "command": "command",
    "start": "command",
    "media": "media",
}
UPDATE_KINDS = tuple(dict.fromkeys(_KINDS.values()))


def update_kind(inbound_kind: str) -> str:
    """The operator's word for an Inbound.kind ("choice" -> "tap")."""
    return _KINDS.get(inbound_kind, "other")


Outcome = Literal["handled", "duplicate", "failed"]
# How a channel refused a call: 400 bad request, 403 blocked or forbidden, 429 too many
# requests, network (no answer, a broken connection), timeout (no answer in time), other.
ERROR_KINDS = ("400", "403", "429", "network", "timeout", "other")
# The call that was refused: sending the outbox, answering a tap or updating its keyboard,
# fetching updates.
Call = Literal["send", "tap", "poll"]
Dropped = Literal["undeliverable", "gave_up"]


class Observer(Protocol):
    """Told about each event after it happened (after the commit, where there is one)."""

    def update(self, kind: str, outcome: Outcome, seconds: float | None = None) -> None:
        """An inbound event (kind: one of UPDATE_KINDS) was handled, seen before, or failed;
        with the time it took when handled."""

    def crisis_signal(self, level: str, category: str) -> None:
        """A crisis signal was raised (flows.state.Signal's level and category)."""

    def crisis_alert(self, reached: int) -> None:
        """The team was alerted; `reached` of them can read it now (0: nobody)."""

    def channel_error(self, call: Call, kind: str) -> None:
        """A channel refused a call (kind: one of ERROR_KINDS)."""

    def sent(self, channel: str) -> None:
        """A message left the outbox, delivered."""

    def dropped(self, channel: str, reason: Dropped) -> None:
        """A message left the outbox without arriving."""

    def guard_step(self, step: str, outcome: str) -> None:
        """The guard took a step (flows.sla's rung) that fired or was skipped."""

    def purged(self, kind: str, count: int) -> None:
        """The retention purge removed `count` rows of a kind (flows.retention.KINDS)."""


class Unobserved:
    """The observer when nobody watches: does nothing."""

    def update(self, kind: str, outcome: Outcome, seconds: float | None = None) -> None:
        pass

    def crisis_signal(self, level: str, category: str) -> None:
        pass

    def crisis_alert(self, reached: int) -> None:
        pass

    def channel_error(self, call: Call, kind: str) -> None:
        pass

    def sent(self, channel: str) -> None:
        pass

    def dropped(self, channel: str, reason: Dropped) -> None:
        pass

    def guard_step(self, step: str, outcome: str) -> None:
        pass

    def purged(self, kind: str, count: int) -> None:
        pass


UNOBSERVED: Observer = Unobserved()
