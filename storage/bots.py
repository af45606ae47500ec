"""Which bot a database belongs to. Chat ids and message ids mean something only to the bot
that saw them: a reply sent through another bot reaches nobody, or the wrong person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import ChannelBot


async def remember_bot(
    session: AsyncSession, *, channel: str, bot_id: str, username: str, now: datetime
) -> ChannelBot:
    """The bot this database belongs to on a channel: the one given, the first time (also when
    two processes start at once); from then on the first one. A new username of the same bot
    is kept."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(ChannelBot)
        .values(channel=channel, bot_id=bot_id, username=username, first_started=now)
        .on_conflict_do_nothing()
    )
    query = select(ChannelBot).where(col(ChannelBot.channel) == channel)
    owner = (await session.execute(query)).scalar_one()
    if owner.bot_id == bot_id and owner.username != username:
        owner.username = username  # saved with the transaction
    return owner
