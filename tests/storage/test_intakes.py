"""Kept voice notes, photos and files on SQLite and PostgreSQL: a reference, never the file."""

from __future__ import annotations

import random
from dataclasses import replace

from sqlalchemy import func, select

from flows.messages import MediaRef
from flows.state import Intake, KeptMedia, MediaNote
from storage.db import Database
from storage.intakes import (
    create_youngster,
    find_youngster,
    kept_media,
    load_intake,
    save_intake,
)
from storage.models import IntakeMedia
from storage.own_data import forget_youngster
from tests.conftest import Clock

ADDRESS = "5550001"
VOICE = MediaNote("31", "voice", "health")
PHOTO = MediaNote("32", "photo", "waiting", "mijn kamer")


async def youngster_with(db: Database, clock: Clock, media: list[MediaNote]) -> str:
    """A youngster who consented and whose intake now holds these media; their id."""
    async with db.transaction() as session:
        intake = Intake(state="q.health", language="nl")
        row = await create_youngster(
            session,
            channel="telegram",
            address=ADDRESS,
            intake=intake,
            now=clock(),
            rng=random.Random(3),
        )
        await save_intake(session, youngster=row, intake=intake, before=None)
        before = replace(intake, media=[])
        await save_intake(
            session, youngster=row, intake=replace(intake, media=media), before=before
        )
        return row.id


async def saved_again(db: Database, change: list[MediaNote]) -> None:
    """Load the intake, give it these media, save it, as the service does for one event."""
    async with db.transaction() as session:
        row = await find_youngster(session, channel="telegram", address=ADDRESS)
        assert row is not None
        before = await load_intake(session, youngster=row)
        await save_intake(
            session, youngster=row, intake=replace(before, media=change), before=before
        )


async def rows(db: Database) -> int:
    async with db.transaction() as session:
        return (await session.execute(select(func.count()).select_from(IntakeMedia))).scalar_one()


async def test_kept_media_come_back_with_the_intake_in_the_order_they_were_sent(
    db: Database, clock: Clock
) -> None:
    await youngster_with(db, clock, [VOICE, PHOTO])
    async with db.transaction() as session:
        row = await find_youngster(session, channel="telegram", address=ADDRESS)
        assert row is not None
        assert (await load_intake(session, youngster=row)).media == [VOICE, PHOTO]


async def test_a_kept_medium_is_copied_from_the_youngster_s_own_chat(
    db: Database, clock: Clock
) -> None:
    youngster_id = await youngster_with(db, clock, [VOICE, PHOTO])
    async with db.transaction() as session:
        kept = await kept_media(session, youngster_id=youngster_id)
    assert kept == [
        KeptMedia(VOICE, MediaRef("telegram", ADDRESS, "31", "voice")),
        KeptMedia(PHOTO, MediaRef("telegram", ADDRESS, "32", "photo")),
    ]


async def test_a_medium_taken_off_the_summary_is_deleted_not_hidden(
    db: Database, clock: Clock
) -> None:
    await youngster_with(db, clock, [VOICE, PHOTO])
    await saved_again(db, [PHOTO])
    assert await rows(db) == 1
    async with db.transaction() as session:
        row = await find_youngster(session, channel="telegram", address=ADDRESS)
        assert row is not None
        assert (await load_intake(session, youngster=row)).media == [PHOTO]


async def test_a_medium_sent_while_waiting_moves_to_the_summary_when_the_youngster_leaves_the_queue(
    db: Database, clock: Clock
) -> None:
    await youngster_with(db, clock, [PHOTO])
    await saved_again(db, [replace(PHOTO, question="extra")])
    async with db.transaction() as session:
        row = await find_youngster(session, channel="telegram", address=ADDRESS)
        assert row is not None
        assert (await load_intake(session, youngster=row)).media == [
            MediaNote("32", "photo", "extra", "mijn kamer")
        ]


async def test_erasing_a_youngster_removes_every_kept_medium(db: Database, clock: Clock) -> None:
    youngster_id = await youngster_with(db, clock, [VOICE, PHOTO])
    async with db.transaction() as session:
        await forget_youngster(session, youngster_id=youngster_id)
    assert await rows(db) == 0
