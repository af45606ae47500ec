"""the crisis question that waits for a typed answer ("worry:<category>" or "safe")

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0022'
down_revision: Union[str, Sequence[str], None] = '0021'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('youngsters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('crisis_asked', sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('youngsters', schema=None) as batch_op:
        batch_op.drop_column('crisis_asked')
