"""What the appointment rules know: an appointment as plain values, the settings they depend
on, and the words a coach may type for a mode."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flows.coaching.facts import CaseFacts

MODES = ("chat", "call", "video", "meet")
COACH, YOUNGSTER = "coach", "youngster"
REMINDERS = ("evening", "hour", "both", "none")
# How long a meeting is taken to last: the missed check asks an hour after its end.
LENGTH = timedelta(hours=1)


@dataclass(frozen=True)
class Appointment:
    """One appointment of a case. `starts_at` is UTC, None while a draft has no moment."""

    id: int
    case_id: int
    state: str
    mode: str
    starts_at: datetime | None = None
    link: str = ""  # video: where to click (kept sealed)
    place: str = ""  # meet: where (kept sealed)
    proposed_by: str = COACH
    remind: str = "none"  # the youngster's choice: evening, hour, both or none

    @property
    def ends_at(self) -> datetime | None:
        return None if self.starts_at is None else self.starts_at + LENGTH


@dataclass(frozen=True)
class AppointmentRules:
    """The settings appointments depend on: the service's zone, the evening-before reminder's
    hour (APPOINTMENT_EVENING) and after how many quiet days a coach is nudged
    (QUIET_NUDGE_DAYS)."""

    timezone: ZoneInfo
    evening: time = time(19, 0)
    quiet_days: int = 7


@dataclass(frozen=True)
class Draft:
    """What /afspraak asked for, before the draft row exists: the mode, a link or place, and
    the moment typed (None: picked with the quick picks; `typed` says whether words were
    given that did not read as a moment)."""

    case_id: int
    mode: str
    link: str = ""
    place: str = ""
    starts_at: datetime | None = None
    typed: str = ""


@dataclass(frozen=True)
class Parties:
    """The case an appointment belongs to and its coach's first name (what the youngster
    sees); the coach sees the pseudonym in `case`."""

    case: CaseFacts
    coach: str
