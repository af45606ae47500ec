"""The web chat as kept (bot/channels/web/): which browser holds which chat (by a digest of its
cookie), continue codes (a digest, used once), the history the page reads after a given line,
and the photos and files in it. Every row is found by the keyed hash of the chat's address."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.db import insert_new
from storage.models import table_of, utc
from storage.sealing import lookups
from storage.web_chat_tables import WebCode, WebMedia, WebMessage, WebVisitor

HISTORY_PAGE = 200  # lines one read gives; the page asks again after the last one


@dataclass(frozen=True)
class Line:
    """One line of a chat's history, as the page reads it."""

    seq: int
    kind: str  # "bot", "edit" or "mine"
    target: int | None
    body: dict[str, Any]
    at: datetime
    client: str | None = None  # the page's own id of what the youngster sent


@dataclass(frozen=True)
class StoredFile:
    """A photo or file of a chat, opened."""

    content_type: str
    name: str
    data: str  # base64


async def add_visitor(
    session: AsyncSession, *, token_digest: str, address: str, now: datetime
) -> None:
    """A browser now holds the chat at `address`."""
    await session.execute(
        insert_new(session, table_of(WebVisitor)).values(
            token_digest=token_digest, address=address, created_at=now, seen_at=now
        )
    )


async def visitor_address(session: AsyncSession, *, token_digest: str) -> str | None:
    """The chat a browser's cookie holds, or None (unknown, or erased)."""
    query = select(col(WebVisitor.address)).where(col(WebVisitor.token_digest) == token_digest)
    found: str | None = (await session.execute(query)).scalar_one_or_none()
    return found


async def seen(session: AsyncSession, *, token_digest: str, now: datetime) -> None:
    """The browser was used now (an unused one is purged after its retention)."""
    await session.execute(
        update(WebVisitor).where(col(WebVisitor.token_digest) == token_digest).values(seen_at=now)
    )


async def keep_code(
    session: AsyncSession, *, address: str, code_digest: str, now: datetime
) -> None:
    """A new continue code for the chat; an earlier one stops working."""
    await session.execute(delete(WebCode).where(col(WebCode.address_key).in_(lookups(address))))
    await session.execute(
        insert_new(session, table_of(WebCode)).values(
            code_digest=code_digest, address=address, created_at=now
        )
    )


async def redeem_code(
    session: AsyncSession, *, code_digest: str, token_digest: str, now: datetime
) -> str | None:
    """Use a continue code once: the browser with `token_digest` holds its chat from now on.
    The chat's address, or None for a code that is unknown or used."""
    query = select(col(WebCode.address)).where(col(WebCode.code_digest) == code_digest)
    address: str | None = (await session.execute(query.with_for_update())).scalar_one_or_none()
    if address is None:
        return None
    gone = await session.execute(delete(WebCode).where(col(WebCode.code_digest) == code_digest))
    if int(getattr(gone, "rowcount", 0) or 0) != 1:  # another worker used it meanwhile
        return None
    await add_visitor(session, token_digest=token_digest, address=address, now=now)
    return address


async def append(
    session: AsyncSession,
    *,
    address: str,
    kind: str,
    body: dict[str, Any],
    now: datetime,
    target: int | None = None,
    client_id: str | None = None,
) -> int | None:
    """Add a line to the chat's history; its number, or None when the page's `client_id`
    was kept before (a message sent again after a dropped connection)."""
    statement = (
        insert_new(session, table_of(WebMessage))
        .values(
            address=address,
            kind=kind,
            target=target,
            client_id=client_id,
            body=json.dumps(body, ensure_ascii=False),
            created_at=now,
        )
        .returning(table_of(WebMessage).c.id)
    )
    made: int | None = (await session.execute(statement)).scalar_one_or_none()
    return made


async def history(session: AsyncSession, *, address: str, after: int) -> list[Line]:
    """The chat's lines after line `after`, oldest first (at most HISTORY_PAGE)."""
    query = (
        select(WebMessage)
        .where(col(WebMessage.address_key).in_(lookups(address)), col(WebMessage.id) > after)
        .order_by(col(WebMessage.id))
        .limit(HISTORY_PAGE)
    )
    rows = (await session.execute(query)).scalars().all()
    return [
        Line(
            int(row.id or 0),
            row.kind,
            row.target,
            json.loads(row.body),
            utc(row.created_at),
            row.client_id,
        )
        for row in rows
    ]


async def shown_message(session: AsyncSession, *, address: str, seq: int) -> dict[str, Any] | None:
    """What the page shows now for message `seq` of the chat (its last edit, else itself), or
    None when the chat has no such message: to check that a tapped button is really there."""
    mine = col(WebMessage.address_key).in_(lookups(address))
    query = (
        select(col(WebMessage.body))
        .where(mine, (col(WebMessage.id) == seq) | (col(WebMessage.target) == seq))
        .where(col(WebMessage.kind).in_(("bot", "edit")))
        .order_by(col(WebMessage.id).desc())
        .limit(1)
    )
    body: str | None = (await session.execute(query)).scalar_one_or_none()
    return None if body is None else dict(json.loads(body))


async def keep_file(
    session: AsyncSession,
    *,
    address: str,
    token: str,
    content_type: str,
    name: str,
    data: str,
    now: datetime,
) -> None:
    """Keep a photo or file (base64) for the chat, sealed."""
    await session.execute(
        insert_new(session, table_of(WebMedia)).values(
            token=token,
            address=address,
            content_type=content_type,
            name=name,
            data=data,
            created_at=now,
        )
    )


async def open_file(session: AsyncSession, *, token: str, address: str | None) -> StoredFile | None:
    """A kept photo or file by its token, only when it belongs to the chat at `address`
    (None: any chat's, for the channel's own copy to a coach)."""
    query = select(WebMedia).where(col(WebMedia.token) == token)
    if address is not None:
        query = query.where(col(WebMedia.address_key).in_(lookups(address)))
    row = (await session.execute(query)).scalar_one_or_none()
    return None if row is None else StoredFile(row.content_type, row.name, row.data)


async def forget_web_chat(session: AsyncSession, *, address: str) -> None:
    """Erase the chat's history, photos, files and continue codes (/vergeet). The browsers
    that hold it stay known by their digest only, so the page still shows the one line that
    says everything is erased; the purge removes them after their retention."""
    keys = lookups(address)
    for table in (WebMessage, WebMedia, WebCode):
        await session.execute(delete(table).where(col(table.address_key).in_(keys)))


async def forget_visitors(session: AsyncSession, *, token_digests: list[str]) -> int:
    """Forget these browsers (the purge: unused for long, their chat held by no youngster),
    and what their chats hold once no browser holds them any more; how many browsers."""
    query = select(col(WebVisitor.address)).where(col(WebVisitor.token_digest).in_(token_digests))
    addresses = set((await session.execute(query)).scalars())
    await session.execute(delete(WebVisitor).where(col(WebVisitor.token_digest).in_(token_digests)))
    for address in addresses:
        still = select(col(WebVisitor.token_digest)).where(
            col(WebVisitor.address_key).in_(lookups(address))
        )
        if (await session.execute(still.limit(1))).first() is None:
            await forget_web_chat(session, address=address)
    return len(token_digests)
