"""The dashboard's tables: one-time sign-in links (kept only as a digest), a coach's private
notes on a case and the case's small goals (kleine stappen). Imported by storage/models.py, so
every table is still registered in one place; the notes' and goals' words are sealed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from storage.sealing import sealed_field


def _when(*, nullable: bool = False) -> datetime:
    return Field(  # type: ignore[no-any-return]
        default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable)
    )


class LoginLink(SQLModel, table=True):
    """A one-time link to the dashboard: only the SHA-256 of its secret is kept, so a copy of
    the database signs nobody in; used once, within its ten minutes (flows/dashboard/signin.py)."""

    __tablename__ = "login_links"

    digest: str = Field(primary_key=True, max_length=64)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    expires_at: datetime = _when()
    used_at: datetime | None = _when(nullable=True)


class CaseNote(SQLModel, table=True):
    """A coach's private note on a case: never shown to the youngster, sealed at rest."""

    __tablename__ = "case_notes"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    text: str = sealed_field()
    created_at: datetime = _when()


class CaseGoal(SQLModel, table=True):
    """A small goal agreed in a case, ticked when it is done; its words sealed at rest."""

    __tablename__ = "case_goals"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    text: str = sealed_field()
    created_at: datetime = _when()
    done_at: datetime | None = _when(nullable=True)
