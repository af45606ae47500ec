"""outbox: the turn of a reply among those to one event, and an index in the claim's order

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        # Rows written before this migration count as first replies: they waited longest.
        batch_op.add_column(sa.Column('turn', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_outbox_turn', ['channel', 'priority', 'turn', 'id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_turn')
        batch_op.drop_column('turn')
