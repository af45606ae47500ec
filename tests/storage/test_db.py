"""Migrations and the refusal to run on an unmigrated database."""

from __future__ import annotations

import random
import re
from pathlib import Path

from flows.pseudonyms import make_pseudonym
from storage.db import Database, async_url, current_revision, head_revision, migrate


async def test_an_empty_database_has_no_revision_until_migrated(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/empty.db")
    assert await current_revision(db) is None
    await migrate(db)
    assert await current_revision(db) == head_revision()
    await migrate(db)  # running it again changes nothing
    assert await current_revision(db) == head_revision()
    await db.close()


async def test_the_test_databases_are_at_the_newest_migration(db: Database) -> None:
    assert await current_revision(db) == head_revision()


def test_plain_urls_get_an_async_driver() -> None:
    assert async_url("sqlite:///var/klik.db") == "sqlite+aiosqlite:///var/klik.db"
    assert async_url("postgresql://u:p@h/db") == "postgresql+asyncpg://u:p@h/db"


def test_pseudonyms_are_a_name_and_four_digits_and_not_sequential() -> None:
    rng = random.Random(2026)
    names = [make_pseudonym(rng) for _ in range(200)]
    assert all(re.fullmatch(r"[A-Z][a-z]+-\d{4}", n) for n in names)
    numbers = [int(n.split("-")[1]) for n in names]
    assert numbers != sorted(numbers)
    assert len(set(names)) > 190
