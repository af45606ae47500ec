"""A text longer than one message in the web chat: taken whole and handled as the parts
Telegram's own apps would send, counted as one message by the flood limit; a text larger than
the chat takes is refused in the page's language and nothing of it is kept."""

from __future__ import annotations

import asyncio
import json

import regex
from sqlalchemy import func, select
from sqlmodel import col

from flows.messages import Inbound, outbound_from_json
from storage.db import Database
from storage.models import CaseMessage, InboxEvent, OutboxMessage
from storage.web_chat_tables import WebMessage
from tests.bot.channels.web.page import Browser
from tests.bot.served import Serve
from tests.bot.team import LOTTE, MONEY_AND_HOME, Team

SENTENCE = "Op school gaat het wel 👩‍👩‍👧 maar thuis is het 👍🏽 soms druk. "
STORY = (SENTENCE * 50).strip()
# 10,000 characters: a story, a run of emoji with no space to cut at, the story again.
TYPED = f"{STORY}\n\n{'🙂👍🏽' * 1700} {STORY}"[:10_000]


async def claimed(browser: Browser, team: Team) -> None:
    """Through the intake in the chat, then Lotte takes the case: she reads what comes."""
    await browser.intake(*MONEY_AND_HOME)
    case = await team.case()
    await team.say(LOTTE, Inbound("choice", choice=f"claim:{case.id}"))


async def relayed(team: Team) -> list[str]:
    """The youngster's words as Lotte got them, in order."""
    return [
        message.params["text"]
        for message in await team.outbox(LOTTE)
        if message.key in ("relay.from_youngster", "relay.from_youngster_signal")
    ]


async def keys_sent(db: Database) -> list[str]:
    async with db.transaction() as session:
        rows = (await session.execute(select(OutboxMessage.payload))).scalars()
        return [outbound_from_json(json.loads(payload)).key for payload in rows]


def characters(text: str) -> list[str]:
    """The characters as a reader sees them (an emoji with its skin tone is one), without the
    whitespace a cut between parts drops."""
    return [character for character in regex.findall(r"\X", text) if not character.isspace()]


async def test_a_10000_character_text_with_emoji_reaches_the_coach_whole_in_parts_in_order(
    serve: Serve, team: Team
) -> None:
    assert len(TYPED) == 10_000
    async with serve() as it:
        browser = Browser(it.client)
        await claimed(browser, team)
        status, _ = await browser.say(TYPED)
    parts = await relayed(team)
    assert status == 200
    assert [len(part) <= 4096 for part in parts] == [True, True, True]
    assert characters("".join(parts)) == characters(TYPED)


async def test_the_chat_shows_the_long_text_as_one_message_as_it_was_typed(
    serve: Serve, team: Team
) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        await claimed(browser, team)
        await browser.say(TYPED)
        mine = [line["text"] for line in await browser.lines() if line["kind"] == "mine"]
    assert mine == [TYPED]


PASTE = "\n\n".join(f"Stuk {n}: " + "bla " * 523 for n in range(30))  # 30 parts of 2,100


async def test_a_paste_of_thirty_parts_is_no_flood(serve: Serve, team: Team, db: Database) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        await claimed(browser, team)
        status, _ = await browser.say(PASTE)
    parts = await relayed(team)
    sent = await keys_sent(db)
    assert status == 200
    assert [part.split(":")[0] for part in parts] == [f"Stuk {n}" for n in range(30)]
    assert "flood.slow_down" not in sent
    assert "relay.flood_started" not in sent


async def outbox_emptied(db: Database) -> None:
    """Returns once the sender has written every waiting reply into the chat."""
    async with asyncio.timeout(10):
        while True:
            async with db.transaction() as session:
                if not await session.scalar(select(func.count()).select_from(OutboxMessage)):
                    return
            await asyncio.sleep(0.05)


async def test_before_consent_a_paste_is_answered_once_not_once_per_part(
    serve: Serve, db: Database
) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        assert await browser.start() == 200
        status, _ = await browser.say(PASTE)  # returns once all 30 parts are handled
        await browser.wait_for(lambda line: line.get("text", "").startswith("Ik heb nu niets"))
        await outbox_emptied(db)
        lines = await browser.lines()
    answers = [line for line in lines if line.get("text", "").startswith("Ik heb nu niets")]
    assert status == 200
    assert len(answers) == 1


async def test_a_long_text_sent_again_after_a_dropped_connection_reaches_the_coach_once(
    serve: Serve, team: Team
) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        await claimed(browser, team)
        await browser.say(TYPED, client="long-resend-01")
        await browser.say(TYPED, client="long-resend-01")
    assert len(await relayed(team)) == 3


async def stored(db: Database) -> tuple[int, int, int]:
    """How many events, lines the youngster wrote in the chat, and case messages are kept
    (Klik's own lines are written by the sender while the test runs, so not counted)."""
    count = select(func.count())
    async with db.transaction() as session:
        events = await session.scalar(count.select_from(InboxEvent))
        mine = await session.scalar(count.where(col(WebMessage.kind) == "mine"))
        notes = await session.scalar(count.select_from(CaseMessage))
    return events or 0, mine or 0, notes or 0


async def test_a_text_over_the_body_limit_is_refused_in_english_and_nothing_is_kept(
    serve: Serve, team: Team, db: Database
) -> None:
    async with serve() as it:
        browser = Browser(it.client)
        await claimed(browser, team)
        before = await stored(db)
        status, said = await browser.post(
            "/chat/send?lang=en", {"id": browser.new_id(), "text": "😀" * 20_000}
        )
        after = await stored(db)
    assert (status, said) == (
        413,
        {
            "notice": "Your message is too long to send at once. "
            "It is still in the text box: make it shorter or send it in parts."
        },
    )
    assert after == before
    assert await relayed(team) == []
