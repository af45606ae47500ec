"""ids are never reused on SQLite (AUTOINCREMENT)

SQLite hands out the highest id plus one, so after the newest case was erased the next case
got its id back, and a coach's reply to a message about the erased case reached the new
youngster. AUTOINCREMENT never gives an id twice. SQLite cannot add it to a table, so each
table is copied (batch mode); PostgreSQL's sequences never reused ids, and nothing changes
there.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Every table whose key is a number (the others are keyed by random strings or digests).
TABLES = (
    "contacts",
    "intake_answers",
    "cases",
    "case_messages",
    "stat_events",
    "outbox",
    "staff",
    "staff_contacts",
    "offers",
    "sent_messages",
    "guard_steps",
    "intake_media",
)


def _copy_all(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    """Upgrade schema."""
    _copy_all(True)


def downgrade() -> None:
    """Downgrade schema."""
    _copy_all(False)
