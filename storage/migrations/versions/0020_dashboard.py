"""the dashboard: one-time sign-in links (a digest only), a coach's private case notes and
small goals (their words sealed)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision: str = '0020'
down_revision: Union[str, Sequence[str], None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'login_links',
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('digest'),
    )
    op.create_index(op.f('ix_login_links_staff_id'), 'login_links', ['staff_id'], unique=False)
    for name in ('case_notes', 'case_goals'):
        extra = [sa.Column('done_at', sa.DateTime(timezone=True), nullable=True)] if name == 'case_goals' else []
        op.create_table(
            name,
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('case_id', sa.Integer(), nullable=False),
            sa.Column('staff_id', sa.Integer(), nullable=True),
            sa.Column('text', sa.Text(), nullable=False),
            sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
            *extra,
            sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
            sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
            sa.PrimaryKeyConstraint('id'),
            sqlite_autoincrement=True,
        )
        op.create_index(op.f(f'ix_{name}_case_id'), name, ['case_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    for name in ('case_goals', 'case_notes'):
        op.drop_index(op.f(f'ix_{name}_case_id'), table_name=name)
        op.drop_table(name)
    op.drop_index(op.f('ix_login_links_staff_id'), table_name='login_links')
    op.drop_table('login_links')
