"""appointments of a case and their due work (reminders, the missed check, the quiet nudge)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_QUIET = "kind = 'quiet' AND done_at IS NULL"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'appointments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('mode', sa.String(length=8), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('link', sa.Text(), nullable=True),
        sa.Column('place', sa.Text(), nullable=True),
        sa.Column('proposed_by', sa.String(length=16), nullable=False),
        sa.Column('remind', sa.String(length=8), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_appointments_case_id'), 'appointments', ['case_id'], unique=False)
    op.create_table(
        'appointment_due',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('appointment_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id']),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_appointment_due', 'appointment_due', ['done_at', 'due_at'], unique=False)
    op.create_index(
        op.f('ix_appointment_due_case_id'), 'appointment_due', ['case_id'], unique=False
    )
    op.create_index(
        op.f('ix_appointment_due_appointment_id'),
        'appointment_due',
        ['appointment_id'],
        unique=False,
    )
    op.create_index(
        'ux_appointment_due_quiet',
        'appointment_due',
        ['case_id'],
        unique=True,
        sqlite_where=sa.text(_QUIET),
        postgresql_where=sa.text(_QUIET),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ux_appointment_due_quiet', table_name='appointment_due')
    op.drop_index(op.f('ix_appointment_due_appointment_id'), table_name='appointment_due')
    op.drop_index(op.f('ix_appointment_due_case_id'), table_name='appointment_due')
    op.drop_index('ix_appointment_due', table_name='appointment_due')
    op.drop_table('appointment_due')
    op.drop_index(op.f('ix_appointments_case_id'), table_name='appointments')
    op.drop_table('appointments')
