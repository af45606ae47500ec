"""the web chat: browsers holding a chat (a cookie digest), continue codes (a digest), the
chat's history and its photos and files (sealed)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision: str = '0021'
down_revision: Union[str, Sequence[str], None] = '0020'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _address() -> list[sa.Column]:
    return [
        sa.Column('address', sa.Text(), nullable=False),
        sa.Column('address_key', sa.String(length=30), nullable=False),
    ]


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'web_visitors',
        sa.Column('token_digest', sa.String(length=64), nullable=False),
        *_address(),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('token_digest'),
    )
    op.create_index('ix_web_visitors_address', 'web_visitors', ['address_key'])
    op.create_table(
        'web_codes',
        sa.Column('code_digest', sa.String(length=64), nullable=False),
        *_address(),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('code_digest'),
    )
    op.create_index('ix_web_codes_address', 'web_codes', ['address_key'])
    op.create_table(
        'web_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        *_address(),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('target', sa.Integer(), nullable=True),
        sa.Column('client_id', sa.String(length=64), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_web_messages_address', 'web_messages', ['address_key', 'id'])
    op.create_index(
        'ix_web_messages_client', 'web_messages', ['address_key', 'client_id'], unique=True
    )
    op.create_table(
        'web_media',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        *_address(),
        sa.Column('content_type', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('data', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token'),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_web_media_address', 'web_media', ['address_key'])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_web_media_address', table_name='web_media')
    op.drop_table('web_media')
    op.drop_index('ix_web_messages_client', table_name='web_messages')
    op.drop_index('ix_web_messages_address', table_name='web_messages')
    op.drop_table('web_messages')
    op.drop_index('ix_web_codes_address', table_name='web_codes')
    op.drop_table('web_codes')
    op.drop_index('ix_web_visitors_address', table_name='web_visitors')
    op.drop_table('web_visitors')
