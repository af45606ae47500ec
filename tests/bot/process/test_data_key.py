"""The data key: refused when missing for PostgreSQL, a placeholder or too short (never
repeated in the refusal); made once for a local database, readable by its owner only; and
`klik rotate-key` moving every row to a new key."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.process.config import SettingsError, load_settings
from storage import sealing
from storage.db import Database
from storage.intakes import find_youngster
from storage.models import Contact
from storage.sealing import KeyRing, decode_key
from tests.bot.process.test_cli import klik
from tests.storage.test_sealing import _case_with_message

POSTGRES = "postgresql://klik@127.0.0.1:9/klik"
OLD_KEY = "b2xkLWtleS1vZi10aGlydHktdHdvLWJ5dGVzLWZvci10ZXN0cw"
NEW_KEY = "bmV3LWtleS1vZi10aGlydHktdHdvLWJ5dGVzLWZvci10ZXN0cw"


@pytest.fixture
def restore_keys(data_keys: KeyRing) -> Iterator[None]:
    yield
    sealing.install(data_keys)


def test_postgresql_without_a_data_key_is_refused_naming_data_key() -> None:
    with pytest.raises(SettingsError, match=r"^klik: setting DATA_KEY: missing; PostgreSQL needs"):
        load_settings(database_url=POSTGRES, data_key="")


@pytest.mark.parametrize(
    "key",
    [
        "changeme",
        "x" * 43,
        "changeme-changeme-changeme-changeme-changeme",
        "your-data-key",
        "c2hvcnQta2V5",  # 9 bytes
    ],
)
def test_a_placeholder_or_short_data_key_is_refused_without_repeating_it(key: str) -> None:
    with pytest.raises(SettingsError) as refusal:
        load_settings(database_url=POSTGRES, data_key=key)
    said = str(refusal.value)
    assert said.startswith("klik: setting DATA_KEY: ") and key not in said


def test_a_data_key_and_a_data_key_file_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"^klik: setting DATA_KEY: and DATA_KEY_FILE"):
        load_settings(data_key=NEW_KEY, data_key_file=tmp_path / "data.key")


def test_a_real_key_is_accepted_for_postgresql() -> None:
    settings = load_settings(database_url=POSTGRES, data_key=NEW_KEY)
    assert settings.data_key is not None


def test_an_old_key_that_is_a_placeholder_is_refused_naming_data_key_old() -> None:
    with pytest.raises(SettingsError, match=r"^klik: setting DATA_KEY_OLD: is a placeholder"):
        load_settings(data_key=NEW_KEY, data_key_old="changeme")


def test_the_first_migrate_of_a_local_database_makes_a_key_only_its_owner_can_read(
    tmp_path: Path,
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/klik.db", "DATA_KEY": ""}
    first = klik("migrate", env=env)
    key = tmp_path / "klik.key"
    assert first.returncode == 0, first.stderr
    assert f"made a data key for the local database: {key}" in first.stderr
    assert "Back it up" in first.stderr
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    decode_key(key.read_text())  # a real key
    again = klik("migrate", env=env)
    assert again.returncode == 0 and "made a data key" not in again.stderr


@pytest.mark.usefixtures("restore_keys")
def test_a_lost_local_key_is_not_replaced_while_the_database_holds_texts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/klik.db"
    env = {"DATABASE_URL": url, "DATA_KEY": ""}
    assert klik("migrate", env=env).returncode == 0
    key = KeyRing(decode_key((tmp_path / "klik.key").read_text()))
    asyncio.run(_add_contact(url, key))
    (tmp_path / "klik.key").unlink()
    refused = klik("migrate", env=env)
    assert refused.returncode == 2
    assert "the data key" in refused.stderr and "Put the key back" in refused.stderr
    assert not (tmp_path / "klik.key").exists()


async def _add_contact(url: str, keys: KeyRing) -> None:
    db = Database(url, keys=keys)
    await _case_with_message(db, "Zebrapaardje42")
    async with db.transaction() as session:
        session.add(Contact(youngster_id="y1", channel="telegram", address="987654321012"))
    await db.close()


def test_a_data_key_file_is_read_and_a_missing_one_named(tmp_path: Path) -> None:
    from bot.process.data_key import key_ring

    path = tmp_path / "data.key"
    missing = load_settings(database_url=POSTGRES, data_key_file=path, data_key="")
    with pytest.raises(SettingsError, match=r"^klik: setting DATA_KEY_FILE: .* does not exist"):
        key_ring(missing)
    path.write_text(NEW_KEY + "\n")
    ring = key_ring(load_settings(database_url=POSTGRES, data_key_file=path, data_key=""))
    assert ring.current.id == KeyRing(decode_key(NEW_KEY)).current.id


@pytest.mark.usefixtures("restore_keys")
def test_rotate_key_says_how_many_rows_it_reencrypted_and_the_new_key_alone_opens_them(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/klik.db"
    assert klik("migrate", env={"DATABASE_URL": url, "DATA_KEY": OLD_KEY}).returncode == 0
    asyncio.run(_add_contact(url, KeyRing(decode_key(OLD_KEY))))
    rotated = klik(
        "rotate-key", env={"DATABASE_URL": url, "DATA_KEY": NEW_KEY, "DATA_KEY_OLD": OLD_KEY}
    )
    assert rotated.returncode == 0, rotated.stderr
    # the contact and the youngster's message
    assert "klik: re-encrypted 2 rows under the current data key" in rotated.stdout
    assert asyncio.run(_read_back(url, KeyRing(decode_key(NEW_KEY)))) == "987654321012"


async def _read_back(url: str, keys: KeyRing) -> str | None:
    db = Database(url, keys=keys)
    async with db.transaction() as session:
        found = await find_youngster(session, channel="telegram", address="987654321012")
        address = (await session.execute(select(Contact.address))).scalar_one()
    await db.close()
    return address if found is not None else None


@pytest.mark.usefixtures("restore_keys")
def test_rotate_key_without_the_old_key_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/klik.db"
    assert klik("migrate", env={"DATABASE_URL": url, "DATA_KEY": OLD_KEY}).returncode == 0
    asyncio.run(_add_contact(url, KeyRing(decode_key(OLD_KEY))))
    refused = klik("rotate-key", env={"DATABASE_URL": url, "DATA_KEY": NEW_KEY})
    assert refused.returncode == 2
    assert "not given (DATA_KEY, DATA_KEY_OLD)" in refused.stderr
    assert asyncio.run(_read_back(url, KeyRing(decode_key(OLD_KEY)))) == "987654321012"
