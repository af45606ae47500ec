"""The "klikte het?" tables, beside storage/models.py (imported there, so every table is still
registered by importing storage.models): counts per week and language, and the sealed lines.
Neither has a column that points at a youngster, a case or a coach."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel

from storage.sealing import sealed_field


class FeedbackCount(SQLModel, table=True):
    """ "Klikte het?" answers counted per week and language: no row per youngster, no case."""

    __tablename__ = "feedback_counts"

    week: date = Field(primary_key=True)  # its Monday
    language: str = Field(primary_key=True, max_length=8)
    answer: str = Field(primary_key=True, max_length=8)  # good | okay | bad
    count: int = 0


class FeedbackLine(SQLModel, table=True):
    """A youngster's own line after "klikte het?": sealed, with its week and language only."""

    __tablename__ = "feedback_lines"

    id: str = Field(primary_key=True, max_length=32)  # random: rows are in no one's order
    week: date = Field(index=True)  # the purge removes it RETENTION_FEEDBACK_DAYS later
    language: str = Field(max_length=8)
    text: str = sealed_field()
