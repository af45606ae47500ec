"""Encryption at rest: sealed columns read back what was written, store none of it, and open
only with the key that sealed them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import StatementError
from sqlmodel import col

from storage import sealing
from storage.db import Database
from storage.intakes import find_youngster
from storage.models import Case, CaseMessage, SentMessage, Youngster
from storage.sealing import KeyRing, NoKeyRing, SealingError, decode_key

OTHER_KEY = b"another-key-of-thirty-two-bytes-or-more!"
NOW = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


@pytest.fixture
def restore_keys(data_keys: KeyRing) -> Iterator[None]:
    """Tests that install another key ring give the test ring back afterwards."""
    yield
    sealing.install(data_keys)


async def _case_with_message(db: Database, words: str) -> int:
    async with db.transaction() as session:
        session.add(
            Youngster(
                id="y1",
                pseudonym="Sam-4821",
                language="nl",
                state="queued",
                journey="j1",
                created_at=NOW,
                last_seen=NOW,
            )
        )
        await session.flush()
        case = Case(youngster_id="y1", state="queued", queued_at=NOW, deadline=NOW)
        session.add(case)
        await session.flush()
        assert case.id is not None
        session.add(CaseMessage(case_id=case.id, sender="youngster", text=words, created_at=NOW))
        return case.id


async def test_a_sealed_text_reads_back_as_written_and_is_not_stored_as_written(
    db: Database,
) -> None:
    await _case_with_message(db, "Zebrapaardje42 heeft schulden")
    async with db.transaction() as session:
        read = (await session.execute(select(col(CaseMessage.text)))).scalar_one()
        stored = (await session.execute(text("SELECT text FROM case_messages"))).scalar_one()
    assert read == "Zebrapaardje42 heeft schulden"
    assert "Zebrapaardje42" not in stored


def test_the_same_text_sealed_twice_looks_different_each_time(data_keys: KeyRing) -> None:
    assert data_keys.seal("987654321012") != data_keys.seal("987654321012")


async def test_a_sealed_column_is_written_by_an_update_while_its_row_is_loaded(
    db: Database,
) -> None:
    # An ORM update matches the loaded rows' columns by equality: that must not count as
    # comparing the sealed column in SQL (a coach's /blokkeer writes its reason this way).
    await _case_with_message(db, "hoi")
    async with db.transaction() as session:
        youngster = (await session.execute(select(Youngster))).scalar_one()
        await session.execute(
            update(Youngster).where(col(Youngster.id) == "y1").values(block_reason="scheldt")
        )
        assert youngster.block_reason == "scheldt"
    async with db.transaction() as session:
        read = (await session.execute(select(col(Youngster.block_reason)))).scalar_one()
    assert read == "scheldt"


def test_a_value_sealed_with_another_key_is_refused(data_keys: KeyRing) -> None:
    sealed = KeyRing(OTHER_KEY).seal("Zebrapaardje42")
    with pytest.raises(SealingError):
        data_keys.open(sealed)


def test_a_changed_sealed_value_is_refused_instead_of_read_wrongly(data_keys: KeyRing) -> None:
    sealed = data_keys.seal("Zebrapaardje42")
    key_id, _, body = sealed.partition(":")
    flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    with pytest.raises(SealingError):
        data_keys.open(f"{key_id}:{flipped}")


@pytest.mark.usefixtures("restore_keys")
async def test_without_a_key_ring_no_text_is_written_at_all(db: Database) -> None:
    sealing._ring = None  # as in a process that never opened the database with its settings
    with pytest.raises(StatementError) as refused:
        await _case_with_message(db, "Zebrapaardje42")
    assert isinstance(refused.value.orig, NoKeyRing)


@pytest.mark.usefixtures("restore_keys")
async def test_a_database_opened_with_the_wrong_key_cannot_read_the_texts(
    db: Database, database_url: str
) -> None:
    await _case_with_message(db, "Zebrapaardje42")
    wrong = Database(database_url, keys=KeyRing(OTHER_KEY))
    with pytest.raises(SealingError):
        async with wrong.transaction() as session:
            await session.execute(select(col(CaseMessage.text)))
    await wrong.close()


def test_a_lookup_hash_is_the_same_for_one_address_and_differs_per_key(
    data_keys: KeyRing,
) -> None:
    assert data_keys.lookup("987654321012") == data_keys.lookup("987654321012")
    assert data_keys.lookup("987654321012") != data_keys.lookup("987654321013")
    assert data_keys.lookup("987654321012") != KeyRing(OTHER_KEY).lookup("987654321012")
    assert "987654321012" not in data_keys.lookup("987654321012")


async def test_a_youngster_is_found_by_chat_id_though_it_is_stored_sealed(db: Database) -> None:
    from storage.models import Contact

    await _case_with_message(db, "hoi")
    async with db.transaction() as session:
        session.add(Contact(youngster_id="y1", channel="telegram", address="987654321012"))
    async with db.transaction() as session:
        found = await find_youngster(session, channel="telegram", address="987654321012")
        other = await find_youngster(session, channel="telegram", address="987654321013")
        stored = (await session.execute(text("SELECT address, address_key FROM contacts"))).one()
    assert found is not None and found.id == "y1" and other is None
    assert "987654321012" not in "".join(stored)


@pytest.mark.parametrize("key", ["c2hvcnQ", "not base64 at all!!", ""])
def test_a_short_or_malformed_key_is_refused_without_repeating_it(key: str) -> None:
    with pytest.raises(ValueError) as refused:
        decode_key(key)
    assert key not in str(refused.value) or not key


def test_comparing_a_sealed_column_in_sql_is_refused_instead_of_finding_nothing() -> None:
    with pytest.raises(TypeError, match="keyed hash"):
        _ = col(SentMessage.address) == "987654321012"
