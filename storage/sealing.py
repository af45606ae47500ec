"""Encryption at rest: every free text, relayed message and chat id is stored sealed with
AES-GCM, so a copy of the database file (or a pg_dump) shows none of them.

A sealed value is text, so it fits SQLite and PostgreSQL alike: `<key id>:<base64url of a
random 96-bit nonce + ciphertext + tag>`. The key id names the key that sealed it, so during a
rotation (`klik rotate-key`) values sealed with an older key still open while new ones are
sealed with the current key.

Lookups by chat id cannot compare sealed values (each sealing differs), so the tables keep a
keyed hash of the address beside it (HMAC-SHA256, `address_key`): equal addresses give equal
hashes, and without the key nobody can tell which chat id a hash belongs to. The hash changes
with the key, so during a rotation a lookup matches the hash under every key of the ring
(`lookups`); with one key that is one HMAC.

Nothing is built at import time: the database installs the key ring from the settings when it
is opened (`install`), and the column types read it when a value is bound or read.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Column, String, Text, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BindParameter, ColumnClause, ColumnElement
from sqlalchemy.sql.operators import OperatorType
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, AES-GCM's own size
KEY_ID_CHARS = 8
HASH_CHARS = 22  # 16 bytes of HMAC-SHA256 in base64url: collisions are out of reach
# A lookup hash starts with its key's id, so a rotation finds the rows still to rehash.
LOOKUP_CHARS = KEY_ID_CHARS + HASH_CHARS
LOOKUP_CACHE = 4096  # chats whose hashes are kept in memory
KEY_HINT = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
# Sealing binds the value to Klik's format, so a value from another system never opens here.
_AAD = b"klik sealed v1"


class SealingError(Exception):
    """A data key is missing, malformed or cannot open a stored value."""


class NoKeyRing(SealingError):
    """A sealed column was used before the database was opened with a key ring."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decode_key(text: str) -> bytes:
    """The key bytes of a DATA_KEY value: base64 (urlsafe or standard, padded or not) of at
    least 32 random bytes. Raises ValueError without repeating the value."""
    cleaned = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    try:
        raw = _unb64(cleaned)
    except (binascii.Error, ValueError):
        raise ValueError(f"is not base64; make one with: {KEY_HINT}") from None
    if len(raw) < KEY_BYTES:
        raise ValueError(
            f"too short ({KEY_BYTES} random bytes, 43 characters); make one with: {KEY_HINT}"
        )
    return raw


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=purpose).derive(master)


@dataclass(frozen=True)
class DataKey:
    """One data key and what is derived from it, once: an AES-GCM key, a lookup (HMAC) key
    and a short id stored with every value it seals."""

    id: str
    aead: AESGCM = field(repr=False)
    lookup_key: bytes = field(repr=False)
    # The dashboard's encrypted session cookies (bot/dashboard/): apart from the data's keys.
    session_key: bytes = field(repr=False, default=b"")

    @classmethod
    def from_bytes(cls, master: bytes) -> DataKey:
        key_id = _b64(_derive(master, b"klik key id"))[:KEY_ID_CHARS]
        return cls(
            id=key_id,
            aead=AESGCM(_derive(master, b"klik seal")),
            lookup_key=_derive(master, b"klik lookup"),
            session_key=_derive(master, b"klik dashboard session"),
        )

    def lookup(self, value: str) -> str:
        digest = hmac.digest(self.lookup_key, value.encode("utf-8"), "sha256")
        return self.id + _b64(digest)[:HASH_CHARS]


class KeyRing:
    """The current key (seals, hashes new rows) and older keys (still open and match)."""

    def __init__(self, current: bytes, older: Sequence[bytes] = ()) -> None:
        self.current = DataKey.from_bytes(current)
        self.keys = [self.current] + [DataKey.from_bytes(k) for k in older]
        self._by_id = {key.id: key for key in reversed(self.keys)}
        # A chat's updates and replies ask for its hash several times in a row: computed
        # once per chat while it is active, not per statement.
        self.lookups = lru_cache(maxsize=LOOKUP_CACHE)(self._lookups)  # type: ignore[method-assign]

    @property
    def rotating(self) -> bool:
        """Whether older keys are given: a rotation is (or may be) under way."""
        return len(self.keys) > 1

    def seal(self, value: str) -> str:
        """The value encrypted under the current key, with a fresh random nonce."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.current.aead.encrypt(nonce, value.encode("utf-8"), _AAD)
        return f"{self.current.id}:{_b64(nonce + sealed)}"

    def open(self, sealed: str) -> str:
        """The plain value; SealingError when its key is not in the ring or it was changed."""
        key_id, _, body = sealed.partition(":")
        key = self._by_id.get(key_id)
        if key is None:
            raise SealingError(
                "a stored value was sealed with a key that is not given (DATA_KEY, DATA_KEY_OLD)"
            )
        try:
            raw = _unb64(body)
            plain = key.aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _AAD)
        except (InvalidTag, binascii.Error, ValueError):
            raise SealingError("a stored value does not open with its key: damaged") from None
        return plain.decode("utf-8")

    def lookup(self, value: str) -> str:
        """The keyed hash new rows are stored with."""
        return self.lookups(value)[0]

    def lookups(self, value: str) -> tuple[str, ...]:
        """The hashes a stored row may have for this value: under every key of the ring, so
        rows not yet rehashed by a rotation are still found. The first is the current key's."""
        return self._lookups(value)

    def _lookups(self, value: str) -> tuple[str, ...]:
        return tuple(key.lookup(value) for key in self.keys)


_ring: KeyRing | None = None


def install(ring: KeyRing) -> None:
    """Use this key ring for every sealed column in this process."""
    global _ring
    _ring = ring


def ring() -> KeyRing:
    """The installed key ring."""
    if _ring is None:
        raise NoKeyRing("no data key installed: open the database with the settings' key ring")
    return _ring


def lookup(value: str) -> str:
    """The keyed hash of an address, for a new row."""
    return ring().lookup(value)


def lookups(value: str) -> tuple[str, ...]:
    """The keyed hashes a stored row of this address may carry (one outside a rotation)."""
    return ring().lookups(value)


def matches_lookup(column: Any, *, several: bool) -> ColumnElement[bool]:
    """`column` (a keyed hash) equal to the hash bound as `keys`. With one key, outside a
    rotation, a plain `=`: the statement's text stays the same, where an IN list is rendered
    again on every execution. With several keys (a rotation under way), IN."""
    keys: BindParameter[Any] = bindparam("keys", expanding=True) if several else bindparam("keys")
    match: ColumnElement[bool] = column.in_(keys) if several else column == keys
    return match


def lookup_binding(value: str) -> tuple[bool, str | tuple[str, ...]]:
    """Whether a value has several hashes now, and the `keys` to bind to `matches_lookup`."""
    keys = lookups(value)
    return (True, keys) if len(keys) > 1 else (False, keys[0])


class Sealed(TypeDecorator[str]):
    """Text stored encrypted: bind the plain value, read the plain value back. A sealed
    column can be read and written like any other, but not compared or sorted in SQL; give
    it a keyed-hash column beside it (like `address_key` in storage/models.py) when rows
    must be found by it.

    New encrypted column: `sealed_field()` below, and a migration that adds it as Text and
    seals the rows that exist.
    """

    impl = Text
    cache_ok = True

    class comparator_factory(TypeDecorator.Comparator[str]):
        """Comparing a sealed column in SQL is always a mistake: each sealing of a value
        differs, so `address == x` silently finds nothing. Refused at once instead; only
        `IS NULL` and `IS NOT NULL` mean something."""

        def operate(self, op: OperatorType, *other: Any, **kwargs: Any) -> ColumnElement[Any]:
            # SQLAlchemy itself matches a column to its own annotated copy with `==` (e.g. an
            # update refreshing the rows loaded in the session): a column, never a value.
            same_column = op is operators.eq and all(isinstance(o, ColumnClause) for o in other)
            if op not in (operators.is_, operators.is_not) and not same_column:
                raise TypeError(
                    "a sealed column cannot be compared or sorted in SQL; "
                    "find rows by its keyed hash (address_key) instead"
                )
            return super().operate(op, *other, **kwargs)

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else ring().seal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else ring().open(str(value))


def sealed_field(*, nullable: bool = False, default: str | None = None) -> Any:
    """A column stored encrypted (storage/sealing.py): read and written as plain text."""
    column: Column[str] = Column(Sealed(), nullable=nullable, default=default)
    return Field(default=default, sa_column=column)


def _address_key(context: DefaultExecutionContext) -> str | None:
    # Every insert of an address gets its keyed hash, whichever way it is written.
    address = context.get_current_parameters().get("address")  # type: ignore[no-untyped-call]
    return None if address is None else lookup(address)


def address_key_field(*, nullable: bool = False) -> Any:
    """The keyed hash of the row's address: lookups, uniqueness and indexes use it, never the
    chat id. Filled in from `address` on every insert."""
    column = Column(String(LOOKUP_CHARS), nullable=nullable, default=_address_key)
    return Field(default=None, sa_column=column)
