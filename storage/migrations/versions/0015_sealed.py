"""sealed: every free text, relayed message and chat id encrypted; lookups by a keyed hash

Existing rows are sealed in place with the data key from the settings (DATA_KEY, or the
local key file), which `klik migrate` installs before it runs the migrations. The address
columns are replaced (so their old unique constraints and indexes go with them) by a sealed
`address` and its keyed hash `address_key`, which the constraints and indexes now use.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

"""
from typing import Any, Callable, Sequence, Union

from alembic import op
import sqlalchemy as sa

from storage import sealing


# revision identifiers, used by Alembic.
revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# table: (primary key, nullable address, indexes on the address as (name, columns, unique))
ADDRESSES: dict[str, tuple[str, bool, list[tuple[str, list[str], bool]]]] = {
    'contacts': ('id', False, [('uq_contacts_address_key', ['channel', 'address_key'], True)]),
    'staff_contacts': (
        'id', False, [('uq_staff_contacts_address_key', ['channel', 'address_key'], True)]
    ),
    'outbox': ('id', False, [('ix_outbox_address', ['channel', 'address_key', 'id'], False)]),
    'sent_messages': ('id', False, [
        ('ix_sent_by_tag', ['channel', 'address_key', 'tag'], False),
        ('ix_sent_by_id', ['channel', 'address_key', 'message_id'], False),
    ]),
    'inbox': ('event_id', True, [
        ('ix_inbox_pending', ['pending', 'channel', 'address_key', 'seq'], False),
    ]),
}
# The plain indexes and constraints as they were, for the way back.
PLAIN: dict[str, list[tuple[str, list[str], bool]]] = {
    'contacts': [('contacts_channel_address_key', ['channel', 'address'], True)],
    'staff_contacts': [('staff_contacts_channel_address_key', ['channel', 'address'], True)],
    'outbox': [('ix_outbox_address', ['channel', 'address', 'id'], False)],
    'sent_messages': [
        ('ix_sent_by_tag', ['channel', 'address', 'tag'], False),
        ('ix_sent_by_id', ['channel', 'address', 'message_id'], False),
    ],
    'inbox': [('ix_inbox_pending', ['pending', 'channel', 'address', 'seq'], False)],
}
# Text columns sealed in place: (table, primary key, column).
TEXTS = [
    ('intake_answers', 'id', 'text'),
    ('intake_media', 'id', 'caption'),
    ('case_messages', 'id', 'text'),
    ('outbox', 'id', 'payload'),
    ('inbox', 'event_id', 'payload'),
]
BATCH = 500


def _kwargs(table: str) -> dict[str, Any]:
    # SQLite's batch mode copies the table; ids must stay never reused (0008).
    return {} if table == 'inbox' else {'sqlite_autoincrement': True}


def _rewrite(table: str, key: str, column: str, change: Callable[[str], str]) -> None:
    """Rewrite a column of every row through `change`, a batch of rows per statement."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(f'SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL')
    ).all()
    statement = sa.text(f'UPDATE {table} SET {column} = :value WHERE {key} = :key')
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        bind.execute(statement, [{'key': k, 'value': change(v)} for k, v in chunk])


def _drop_address_indexes(batch_op: Any, table: str, indexes: list[tuple[str, list[str], bool]]) -> None:
    for name, _, unique in indexes:
        if not unique:
            batch_op.drop_index(name)


def upgrade() -> None:
    """Upgrade schema."""
    ring = sealing.ring()
    bind = op.get_bind()
    for table, key, column in TEXTS:
        _rewrite(table, key, column, ring.seal)
    for table, (key, nullable, indexes) in ADDRESSES.items():
        rows = bind.execute(
            sa.text(f'SELECT {key}, address FROM {table} WHERE address IS NOT NULL')
        ).all()
        with op.batch_alter_table(table, schema=None, table_kwargs=_kwargs(table)) as batch_op:
            _drop_address_indexes(batch_op, table, PLAIN[table])
            # The plain unique constraint goes with its column (PostgreSQL drops it; SQLite's
            # batch copy leaves out constraints on columns that are gone).
            batch_op.drop_column('address')
        with op.batch_alter_table(table, schema=None, table_kwargs=_kwargs(table)) as batch_op:
            batch_op.add_column(sa.Column('address', sa.Text(), nullable=True))
            batch_op.add_column(sa.Column('address_key', sa.String(length=30), nullable=True))
        statement = sa.text(
            f'UPDATE {table} SET address = :address, address_key = :address_key WHERE {key} = :key'
        )
        for start in range(0, len(rows), BATCH):
            bind.execute(statement, [
                {'key': k, 'address': ring.seal(a), 'address_key': ring.lookup(a)}
                for k, a in rows[start:start + BATCH]
            ])
        with op.batch_alter_table(table, schema=None, table_kwargs=_kwargs(table)) as batch_op:
            if not nullable:
                batch_op.alter_column('address', existing_type=sa.Text(), nullable=False)
                batch_op.alter_column('address_key', existing_type=sa.String(length=30), nullable=False)
            for name, columns, unique in indexes:
                if unique:
                    batch_op.create_unique_constraint(name, columns)
                else:
                    batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    ring = sealing.ring()
    bind = op.get_bind()
    for table, (key, nullable, indexes) in ADDRESSES.items():
        rows = bind.execute(
            sa.text(f'SELECT {key}, address FROM {table} WHERE address IS NOT NULL')
        ).all()
        with op.batch_alter_table(table, schema=None, table_kwargs=_kwargs(table)) as batch_op:
            for name, _, unique in indexes:
                if unique:
                    batch_op.drop_constraint(name, type_='unique')
                else:
                    batch_op.drop_index(name)
            batch_op.drop_column('address_key')
            batch_op.drop_column('address')
        with op.batch_alter_table(table, schema=None, table_kwargs=_kwargs(table)) as batch_op:
            batch_op.add_column(sa.Column('address', sa.String(length=64), nullable=True))
        statement = sa.text(f'UPDATE {table} SET address = :address WHERE {key} = :key')
        for start in range(0, len(rows), BATCH):
            bind.execute(statement, [
                {'key': k, 'address': ring.open(a)} for k, a in rows[start:start + BATCH]
            ])
        with op.batch_alter_table(table, schema=None, table_kwargs=_kwargs(table)) as batch_op:
            if not nullable:
                batch_op.alter_column('address', existing_type=sa.String(length=64), nullable=False)
            for name, columns, unique in PLAIN[table]:
                if unique:
                    batch_op.create_unique_constraint(name, columns)
                else:
                    batch_op.create_index(name, columns, unique=False)
    for table, key, column in TEXTS:
        _rewrite(table, key, column, ring.open)
