"""The web chat's tables (bot/channels/web/): the browsers that hold a chat (a digest of their
cookie only), the codes that continue a chat on another device (a digest only), the chat's
history as the page reads it, and the photos and files in it. Imported by storage/models.py,
so every table is still registered in one place; words, addresses and files are sealed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel

from storage.sealing import address_key_field, sealed_field


def _when(*, nullable: bool = False) -> datetime:
    return Field(  # type: ignore[no-any-return]
        default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable)
    )


class WebVisitor(SQLModel, table=True):
    """A browser that holds a web chat: the SHA-256 of its cookie's random token, and the
    chat's random address (the youngster's address on the "web" channel)."""

    __tablename__ = "web_visitors"
    __table_args__ = (Index("ix_web_visitors_address", "address_key"),)

    token_digest: str = Field(primary_key=True, max_length=64)
    address: str = sealed_field()
    address_key: str | None = address_key_field()
    created_at: datetime = _when()
    seen_at: datetime = _when()


class WebCode(SQLModel, table=True):
    """A code to continue a chat on another device: its SHA-256 only, used once; a new one
    replaces the old."""

    __tablename__ = "web_codes"
    __table_args__ = (Index("ix_web_codes_address", "address_key"),)

    code_digest: str = Field(primary_key=True, max_length=64)
    address: str = sealed_field()
    address_key: str | None = address_key_field()
    created_at: datetime = _when()


class WebMessage(SQLModel, table=True):
    """One line of a web chat's history, in the order the page shows them (`id` is the page's
    `after`): a message to the youngster ("bot"), an edit of one ("edit", `target`), or what
    the youngster wrote ("mine", with the page's own id for it, so a resend is kept once)."""

    __tablename__ = "web_messages"
    __table_args__ = (
        Index("ix_web_messages_address", "address_key", "id"),
        Index("ix_web_messages_client", "address_key", "client_id", unique=True),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    address: str = sealed_field()
    address_key: str | None = address_key_field()
    kind: str = Field(max_length=8)
    target: int | None = None
    client_id: str | None = Field(default=None, max_length=64)
    body: str = sealed_field()  # JSON: text, buttons, media or file
    created_at: datetime = _when()


class WebMedia(SQLModel, table=True):
    """A photo or file in a web chat, sealed (base64 inside), served only to the browsers of
    its own chat by its random `token`."""

    __tablename__ = "web_media"
    __table_args__ = (Index("ix_web_media_address", "address_key"), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=32, unique=True)
    address: str = sealed_field()
    address_key: str | None = address_key_field()
    content_type: str = Field(max_length=64)
    name: str = Field(default="", max_length=64)
    data: str = sealed_field()
    created_at: datetime = _when()
