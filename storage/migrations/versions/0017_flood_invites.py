"""flood limit and block list on youngsters; invite codes with a salted slow digest; link attempts

Invite codes of the old kind (8 characters, an unsalted SHA-256) cannot be checked the new
way, and expire within 48 hours anyway: the table is made anew, without them. A staff member
whose code was not used yet gets a new one with `klik coach invite`.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('youngsters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flood_since', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('flood_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('flood_held', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('blocked_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('block_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('block_told', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index('ix_youngsters_flood', ['flood_held', 'flood_since'], unique=False)
    # SQLite copies the table to add a column with a check: ids must stay never reused.
    with op.batch_alter_table(
        'case_messages', schema=None, table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.add_column(sa.Column('held', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.drop_index(op.f('ix_staff_invites_staff_id'), table_name='staff_invites')
    op.drop_table('staff_invites')
    op.create_table(
        'staff_invites',
        sa.Column('code_id', sa.String(length=8), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('salt', sa.String(length=32), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('code_id'),
    )
    op.create_index(op.f('ix_staff_invites_staff_id'), 'staff_invites', ['staff_id'], unique=False)
    op.create_table(
        'link_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_link_attempts_at'), 'link_attempts', ['at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_link_attempts_at'), table_name='link_attempts')
    op.drop_table('link_attempts')
    op.drop_index(op.f('ix_staff_invites_staff_id'), table_name='staff_invites')
    op.drop_table('staff_invites')
    op.create_table(
        'staff_invites',
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('digest'),
    )
    op.create_index(op.f('ix_staff_invites_staff_id'), 'staff_invites', ['staff_id'], unique=False)
    with op.batch_alter_table(
        'case_messages', schema=None, table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.drop_column('held')
    with op.batch_alter_table('youngsters', schema=None) as batch_op:
        batch_op.drop_index('ix_youngsters_flood')
        batch_op.drop_column('block_told')
        batch_op.drop_column('block_reason')
        batch_op.drop_column('blocked_by')
        batch_op.drop_column('blocked_at')
        batch_op.drop_column('flood_held')
        batch_op.drop_column('flood_count')
        batch_op.drop_column('flood_since')
