"""How long Klik keeps what, as data: the limits (RETENTION_* settings) and, for a moment,
the time before which each kind of row is due. storage/retention.py finds and deletes the
due rows; docs/privacy.md has the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

# What the purge removes, in the order it runs. A kind is also the word in logs, in
# `klik purge` and in the metric's label.
KINDS = (
    "unfinished_intake",  # a youngster who never reached the queue, inactive: erased
    "ended_youngster",  # a youngster whose every case ended long ago, inactive: erased
    "case_messages",  # the history of a case that ended long ago (the youngster came back)
    "appointments",  # the appointments of such a case, with their due rows
    "case_notes",  # a coach's private notes on such a case (the dashboard)
    "case_goals",  # the small goals of such a case (the dashboard)
    "inbox",  # ids of handled updates
    "sent_messages",  # ids of delivered messages (for edits and reply routing)
    "set_aside",  # updates set aside after failing (id and kind)
    "audit",  # audit log entries
    "feedback_lines",  # youngsters' own lines after "klikte het?" (the counts stay)
    # web chat browsers unused as long as an unfinished intake, whose chat no youngster holds
    # (never consented, or erased): with the history, photos and codes of that chat
    "web_chats",
)


@dataclass(frozen=True)
class Retention:
    """The limits, in days."""

    intake_days: int = 30
    closed_case_days: int = 365
    inbox_days: int = 7
    sent_days: int = 30
    set_aside_days: int = 30
    audit_days: int = 730
    feedback_days: int = 180

    def cutoffs(self, now: datetime) -> Cutoffs:
        """What is older than these moments is due."""

        def before(days: int) -> datetime:
            return now - timedelta(days=days)

        return Cutoffs(
            intake=before(self.intake_days),
            closed_case=before(self.closed_case_days),
            inbox=before(self.inbox_days),
            sent=before(self.sent_days),
            set_aside=before(self.set_aside_days),
            audit=before(self.audit_days),
            feedback=before(self.feedback_days).date(),
        )


@dataclass(frozen=True)
class Cutoffs:
    """Per limit, the moment before which a row is due."""

    intake: datetime
    closed_case: datetime
    inbox: datetime
    sent: datetime
    set_aside: datetime
    audit: datetime
    feedback: date  # a line's week (its Monday) before this day
