""""klikte het?": answers counted per week and language, sealed lines, and the waiting question

Nothing in the new tables names a youngster, a case or a coach (flows/feedback.py).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0019'
down_revision: Union[str, Sequence[str], None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'feedback_counts',
        sa.Column('week', sa.Date(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('answer', sa.String(length=8), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('week', 'language', 'answer'),
    )
    op.create_table(
        'feedback_lines',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('week', sa.Date(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_feedback_lines_week'), 'feedback_lines', ['week'], unique=False)
    with op.batch_alter_table('youngsters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feedback', sa.String(length=8), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('youngsters', schema=None) as batch_op:
        batch_op.drop_column('feedback')
    op.drop_index(op.f('ix_feedback_lines_week'), table_name='feedback_lines')
    op.drop_table('feedback_lines')
    op.drop_table('feedback_counts')
