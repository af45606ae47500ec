"""The data key ring from the settings: DATA_KEY, or DATA_KEY_FILE, or, for the embedded
SQLite database, a key file beside it that the first run makes (mode 0600).

Losing the key loses every text and chat id in the database; the first run says so, once,
with where the key is, so it gets backed up."""

from __future__ import annotations

import os
import secrets
import sqlite3
import sys
from pathlib import Path

from bot.process.config import Settings, SettingsError
from storage.location import key_file_beside, sqlite_file
from storage.sealing import KEY_HINT, KeyRing, decode_key

MADE = """\
klik: made a data key for the local database: {path}
  It encrypts every text and chat id. Back it up with the database: without it the texts
  cannot be read, by anybody. For PostgreSQL set DATA_KEY instead (docs/operating.md)."""


def key_ring(settings: Settings, *, create: bool = False) -> KeyRing:
    """The settings' key ring; SettingsError (one line, never the key) when there is none.
    `create`: make the local key file when the embedded database has none yet."""
    if settings.data_key is not None:
        current = decode_key(settings.data_key.get_secret_value())
    else:
        current = _read_file(_key_file(settings, create=create))
    older = []
    if settings.data_key_old is not None:
        parts = settings.data_key_old.get_secret_value().split(",")
        older = [decode_key(part) for part in parts if part.strip()]
    return KeyRing(current, older)


def _key_file(settings: Settings, *, create: bool) -> Path:
    if settings.data_key_file is not None:
        return settings.data_key_file
    database = sqlite_file(settings.database_url)
    if database is None:  # the settings refuse this already; kept for the type checker
        raise SettingsError("klik: setting DATA_KEY: missing")
    path = key_file_beside(database)
    if path.is_file() or not create:
        return path
    if _holds_sealed_rows(database):
        # A new key would not open the old texts: better to stop than to mix two keys.
        raise SettingsError(
            f"klik: the data key {path} is missing, and the database {database} holds texts "
            "sealed with it. Put the key back from your backup (or set DATA_KEY)."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secrets.token_urlsafe(32) + "\n")
    print(MADE.format(path=path), file=sys.stderr)
    return path


def _read_file(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise SettingsError(
            f"klik: setting DATA_KEY_FILE: {path} does not exist; run klik migrate to make a "
            f"local one, or make one with: {KEY_HINT}"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(
            f"klik: setting DATA_KEY_FILE: cannot read {path}: {type(error).__name__}"
        ) from None
    try:
        return decode_key(text)
    except ValueError as error:
        raise SettingsError(f"klik: setting DATA_KEY_FILE: the key in {path} {error}") from None


def _holds_sealed_rows(database: Path) -> bool:
    """Whether a SQLite file has rows sealed with a key (migrated to sealing, with contacts)."""
    if not database.is_file():
        return False
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(contacts)")}
        if "address_key" not in columns:
            return False
        return connection.execute("SELECT 1 FROM contacts LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        return False
    finally:
        connection.close()
