"""outbox: priority, parts sent, and an index to find each address's oldest message

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        # 2 is flows.urgency.REPLY: rows written before this migration keep their turn.
        batch_op.add_column(sa.Column('priority', sa.Integer(), nullable=False, server_default='2'))
        batch_op.add_column(sa.Column('parts_sent', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_outbox_address', ['channel', 'address', 'id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_address')
        batch_op.drop_column('parts_sent')
        batch_op.drop_column('priority')
