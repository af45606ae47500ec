"""Which replies go out first when many wait to be sent (a Telegram rate limit, a backlog
after an outage): what somebody is waiting for before what can wait. The outbox sends in this
order across chats; within one chat it always keeps the order the messages were written in."""

from __future__ import annotations

CRISIS = 0  # help lines, "ben je nu veilig?", alerts to the team
FIRST = 1  # the answer to a youngster's very first message
REPLY = 2  # the answer to what somebody just did
BULK = 3  # offers to coaches, reminders, nudges: nobody is looking at the chat for these

_CRISIS_KEYS = frozenset(
    {
        "relay.urgent",
        "relay.most_urgent",
        "relay.from_youngster_signal",
        "offer.urgent",
        "offer.most_urgent",
    }
)
_FIRST_KEYS = frozenset({"welcome", "consent.ask"})
# A reminder of an appointment is due at its moment (REPLY); the quiet nudge can wait.
_BULK_KEYS = frozenset(
    {"offer.new", "offer.reminder", "offer.alert", "offer.taken", "guard.late", "appointment.quiet"}
)


def urgency(key: str) -> int:
    """How soon a message with this text key goes out: CRISIS first, BULK last."""
    if key.startswith("crisis.") or key in _CRISIS_KEYS:
        return CRISIS
    if key in _FIRST_KEYS:
        return FIRST
    if key in _BULK_KEYS:
        return BULK
    return REPLY
