"""Button data of appointments read into what it asks for; anything else is not ours."""

from __future__ import annotations

from dataclasses import dataclass

from flows.appointments.facts import MODES

VERBS = ("ok", "other", "move", "cancel", "day", "at", "r", "remind", "ics", "done", "missed")
_WITH_ARGUMENT = ("day", "at", "r")


@dataclass(frozen=True)
class AppointmentTap:
    appointment_id: int
    verb: str
    argument: str = ""


@dataclass(frozen=True)
class NewTap:
    """A mode picked for a new appointment (after /afspraak, or "📅 Nieuw voorstel")."""

    case_id: int
    mode: str


def is_appointment(data: str) -> bool:
    return data.startswith("apt:")


def read_tap(data: str) -> AppointmentTap | NewTap | None:
    """What an `apt:` button asks for; None for data Klik never sends."""
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != "apt":
        return None
    if parts[1] == "new":
        if len(parts) == 4 and _id(parts[2]) is not None and parts[3] in MODES:
            return NewTap(int(parts[2]), parts[3])
        return None
    appointment_id, verb = _id(parts[1]), parts[2]
    if appointment_id is None or verb not in VERBS:
        return None
    if verb in _WITH_ARGUMENT:
        return AppointmentTap(appointment_id, verb, parts[3]) if len(parts) == 4 else None
    return AppointmentTap(appointment_id, verb) if len(parts) == 3 else None


def _id(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 12 else None
