"""The appointment tables, beside storage/models.py (imported there, so every table is still
registered by importing storage.models): appointments of a case, and the due work that
reminds, checks and nudges. Times in UTC, as everywhere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, text
from sqlmodel import Field, SQLModel

from storage.sealing import sealed_field


def _when(*, nullable: bool = False) -> datetime:
    column = Column(DateTime(timezone=True), nullable=nullable)
    return Field(default=None, sa_column=column)  # type: ignore[no-any-return]


class Appointment(SQLModel, table=True):
    """An appointment of a case (flows/appointments/machine.py for its states). The link of a
    video call and the place of a meeting are words about the youngster's life: sealed."""

    __tablename__ = "appointments"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    state: str = Field(max_length=16)
    mode: str = Field(max_length=8)  # chat, call, video, meet
    starts_at: datetime | None = _when(nullable=True)  # None: a draft without a moment yet
    link: str | None = sealed_field(nullable=True)
    place: str | None = sealed_field(nullable=True)
    proposed_by: str = Field(default="coach", max_length=16)  # coach | youngster
    remind: str = Field(default="none", max_length=8)  # evening, hour, both, none
    created_at: datetime = _when()


class AppointmentDue(SQLModel, table=True):
    """Due work: a reminder (evening, hour, coach), the missed check, or a case's quiet
    check. Claimed with FOR UPDATE SKIP LOCKED and marked done in the same transaction, with
    what became of it (sent, dropped, skipped, later, withdrawn)."""

    __tablename__ = "appointment_due"
    __table_args__ = (
        Index("ix_appointment_due", "done_at", "due_at"),
        # One quiet check waiting per case: two workers arming it at once make one row.
        Index(
            "ux_appointment_due_quiet",
            "case_id",
            unique=True,
            sqlite_where=text("kind = 'quiet' AND done_at IS NULL"),
            postgresql_where=text("kind = 'quiet' AND done_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    appointment_id: int | None = Field(default=None, foreign_key="appointments.id", index=True)
    kind: str = Field(max_length=16)
    due_at: datetime = _when()
    done_at: datetime | None = _when(nullable=True)
    outcome: str | None = Field(default=None, max_length=16)
