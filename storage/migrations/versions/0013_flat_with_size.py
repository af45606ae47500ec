"""indexes that keep an update's cost flat with the number of youngsters stored

- cases (coach_id, state): a coach's active cases are counted from their own rows, not from
  every active case (finding coaches to notify, reachable_staff);
- sent_messages (created_at): the purge of old message ids finds them without a full scan;
  (the outbox claim has its index from 0012: channel, priority, turn, id)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index('ix_cases_coach_state', 'cases', ['coach_id', 'state'], unique=False)
    op.create_index('ix_sent_created', 'sent_messages', ['created_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_sent_created', table_name='sent_messages')
    op.drop_index('ix_cases_coach_state', table_name='cases')
