"""The web chat as kept: history lines in order and sealed at rest, a resend kept once, a
button checked against what the page shows, continue codes used once, and the purge of
browsers nobody used for long."""

from __future__ import annotations

import random

from sqlalchemy import func, select, text

from bot.services.purge import purge
from flows.retention import KINDS, Retention
from flows.state import CaseView, Intake
from storage.db import Database
from storage.intakes import create_youngster
from storage.web_chat import (
    add_visitor,
    append,
    history,
    keep_code,
    keep_file,
    open_file,
    redeem_code,
    shown_message,
    visitor_address,
)
from storage.web_chat_tables import WebMessage, WebVisitor
from storage.youngster_cases import open_case
from tests.conftest import Clock

CHAT = "wTestChatAddress0001"
NOTHING = dict.fromkeys(KINDS, 0)


async def test_a_line_is_sealed_at_rest_and_read_back_in_order(db: Database, clock: Clock) -> None:
    async with db.transaction() as session:
        await append(session, address=CHAT, kind="bot", body={"text": "eerste"}, now=clock())
        await append(session, address=CHAT, kind="mine", body={"text": "geheim"}, now=clock())
    async with db.transaction() as session:
        lines = await history(session, address=CHAT, after=0)
        raw = (await session.execute(text("SELECT body, address FROM web_messages"))).all()
    assert [line.body["text"] for line in lines] == ["eerste", "geheim"]
    assert not any("geheim" in body or CHAT in address for body, address in raw)


async def test_a_line_sent_again_with_the_same_page_id_is_kept_once(
    db: Database, clock: Clock
) -> None:
    async with db.transaction() as session:
        first = await append(
            session, address=CHAT, kind="mine", body={"text": "a"}, now=clock(), client_id="p1"
        )
        again = await append(
            session, address=CHAT, kind="mine", body={"text": "a"}, now=clock(), client_id="p1"
        )
        kept = await session.execute(select(func.count()).select_from(WebMessage))
    assert first is not None
    assert again is None
    assert kept.scalar_one() == 1


async def test_a_message_shows_its_last_edit(db: Database, clock: Clock) -> None:
    async with db.transaction() as session:
        seq = await append(
            session,
            address=CHAT,
            kind="bot",
            body={"text": "?", "buttons": [[["Ja", "y"]]]},
            now=clock(),
        )
        assert seq is not None
        await append(
            session, address=CHAT, kind="edit", target=seq, body={"text": "? ja"}, now=clock()
        )
        shown = await shown_message(session, address=CHAT, seq=seq)
        elsewhere = await shown_message(session, address="wSomeoneElse0000001", seq=seq)
    assert shown == {"text": "? ja"}
    assert elsewhere is None


async def test_a_continue_code_works_once(db: Database, clock: Clock) -> None:
    async with db.transaction() as session:
        await add_visitor(session, token_digest="a" * 64, address=CHAT, now=clock())
        await keep_code(session, address=CHAT, code_digest="c" * 64, now=clock())
    async with db.transaction() as session:
        first = await redeem_code(session, code_digest="c" * 64, token_digest="b" * 64, now=clock())
        second = await redeem_code(
            session, code_digest="c" * 64, token_digest="d" * 64, now=clock()
        )
        holds = await visitor_address(session, token_digest="b" * 64)
    assert (first, second, holds) == (CHAT, None, CHAT)


async def test_a_browser_unused_for_thirty_days_is_purged_with_its_chat(
    db: Database, clock: Clock
) -> None:
    async with db.transaction() as session:
        await add_visitor(session, token_digest="a" * 64, address=CHAT, now=clock())
        await append(session, address=CHAT, kind="bot", body={"text": "hoi"}, now=clock())
    clock.advance(days=31)
    assert await purge(db, Retention(), clock) == {**NOTHING, "web_chats": 1}
    async with db.transaction() as session:
        lines = await session.execute(select(func.count()).select_from(WebMessage))
        browsers = await session.execute(select(func.count()).select_from(WebVisitor))
    assert (lines.scalar_one(), browsers.scalar_one()) == (0, 0)


async def test_a_browser_whose_chat_a_youngster_holds_is_not_purged(
    db: Database, clock: Clock
) -> None:
    async with db.transaction() as session:
        await add_visitor(session, token_digest="a" * 64, address=CHAT, now=clock())
        row = await create_youngster(
            session,
            channel="web",
            address=CHAT,
            intake=Intake(state="queued", language="nl"),
            now=clock(),
            rng=random.Random(1),
        )
        await open_case(session, youngster_id=row.id, case=CaseView(clock(), clock()))
    clock.advance(days=31)
    removed = await purge(db, Retention(), clock)
    async with db.transaction() as session:
        holds = await visitor_address(session, token_digest="a" * 64)
    assert removed["web_chats"] == 0
    assert holds == CHAT


async def test_a_kept_photo_is_sealed_at_rest(db: Database, clock: Clock) -> None:
    async with db.transaction() as session:
        await keep_file(
            session,
            address=CHAT,
            token="t1",
            content_type="image/png",
            name="",
            data="UElYRUxT",
            now=clock(),
        )
        raw = (await session.execute(text("SELECT data, address FROM web_media"))).one()
        kept = await open_file(session, token="t1", address=CHAT)
    assert "UElYRUxT" not in raw.data and CHAT not in raw.address
    assert kept is not None and kept.data == "UElYRUxT"
