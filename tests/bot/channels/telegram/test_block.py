"""The block list through the real Telegram handlers: a coach blocks with a reason, the
youngster hears it once and is then ignored, a crisis still reaches the team lead, and only a
team lead undoes it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.services.render import Renderer
from flows.intake import IntakeFlow, Rules
from storage.db import Database
from storage.models import CaseMessage, Youngster
from tests.bot.channels.telegram.test_flood import COACH, to, with_coach
from tests.bot.channels.telegram.test_handlers import CHAT, Harness
from tests.bot.channels.telegram.wired import wired
from tests.bot.team import add
from tests.conftest import Clock

LEAD = 626262
NOTICE = "Je berichten worden niet meer doorgegeven aan een coach."


@pytest.fixture
async def harness(
    db: Database, flow: IntakeFlow, rules: Rules, renderer: Renderer, clock: Clock
) -> AsyncIterator[Harness]:
    async with wired(db, flow, rules, renderer, clock) as w:
        harness = Harness(w.application, w.handlers, w.sender, w.request)
        await add(db, clock, str(LEAD), role="teamlead", name="Ahmed", languages="nl")
        await with_coach(harness, db, clock)
        yield harness


async def _pseudonym(db: Database) -> str:
    async with db.transaction() as session:
        return str((await session.execute(select(Youngster.pseudonym))).scalar_one())


async def _kept(db: Database) -> int:
    async with db.transaction() as session:
        query = select(func.count()).select_from(CaseMessage)
        return int(
            (await session.execute(query.where(CaseMessage.sender == "youngster"))).scalar_one()
        )


async def test_a_coach_blocks_their_current_conversation_with_a_reason(
    harness: Harness, db: Database
) -> None:
    await harness.write("/blokkeer scheldt en bedreigt", chat=COACH)
    assert to(harness, COACH)[-1].startswith(f"{await _pseudonym(db)} is geblokkeerd.")


async def test_a_block_without_a_reason_asks_for_one_and_blocks_nobody(
    harness: Harness, db: Database
) -> None:
    await harness.write("/blokkeer", chat=COACH)
    await harness.write("hallo")
    assert to(harness, COACH)[-2] == "Zet er kort bij waarom, bv. /blokkeer scheldt en bedreigt."
    assert to(harness, COACH)[-1].endswith(":\nhallo")


async def test_a_blocked_youngster_hears_it_once_and_then_nothing(harness: Harness) -> None:
    await harness.write("/block insults", chat=COACH)
    await harness.write("hallo?")
    await harness.write("hallo??")
    replies = to(harness, CHAT)
    assert len(replies) == 1 and replies[0].startswith(NOTICE)


async def test_a_blocked_youngster_s_words_are_neither_relayed_nor_kept(
    harness: Harness, db: Database
) -> None:
    await harness.write("/blokkeer scheldt", chat=COACH)
    before = len(to(harness, COACH))
    kept = await _kept(db)
    await harness.write("je bent dom")
    assert len(to(harness, COACH)) == before
    assert await _kept(db) == kept


async def test_a_blocked_youngster_in_crisis_gets_the_help_lines_and_the_team_lead_hears(
    harness: Harness, db: Database
) -> None:
    await harness.write("/blokkeer scheldt", chat=COACH)
    await harness.write("ik wil dood, ik heb de pillen al klaargelegd")
    assert any(t.startswith("Wat je schrijft klinkt heel zwaar.") for t in to(harness, CHAT))
    pseudonym = await _pseudonym(db)
    assert any(t.startswith(f"🚨 {pseudonym} is geblokkeerd, maar") for t in to(harness, LEAD))


async def test_a_coach_cannot_undo_a_block(harness: Harness, db: Database) -> None:
    await harness.write("/blokkeer scheldt", chat=COACH)
    await harness.write(f"/deblokkeer {await _pseudonym(db)}", chat=COACH)
    assert to(harness, COACH)[-1] == "Alleen een teamleider kan een blokkering ongedaan maken."


async def test_a_team_lead_undoes_a_block_and_the_messages_come_through_again(
    harness: Harness, db: Database
) -> None:
    await harness.write("/blokkeer scheldt", chat=COACH)
    pseudonym = await _pseudonym(db)
    await harness.write(f"/deblokkeer {pseudonym.lower()}", chat=LEAD)
    await harness.write("sorry")
    assert to(harness, COACH)[-2] == (
        f"{pseudonym} is niet meer geblokkeerd. Berichten van {pseudonym} komen weer door."
    )
    assert to(harness, COACH)[-1].endswith(":\nsorry")


async def test_a_blocked_youngster_can_still_stop(harness: Harness) -> None:
    await harness.write("/blokkeer scheldt", chat=COACH)
    await harness.write("/stop")
    assert to(harness, CHAT) and not to(harness, CHAT)[-1].startswith(NOTICE)


async def test_a_blocked_youngster_asking_for_another_coach_is_not_queued_again(
    harness: Harness, db: Database
) -> None:
    from storage.models import Case

    await harness.write("/blokkeer scheldt", chat=COACH)
    await harness.write("/andere_coach")
    async with db.transaction() as session:
        (state,) = (await session.execute(select(Case.state))).scalars().all()
    assert state == "active"
    assert len(to(harness, CHAT)) == 1 and to(harness, CHAT)[0].startswith(NOTICE)


async def test_a_block_reason_of_a_long_sentence_is_kept_whole(
    harness: Harness, db: Database
) -> None:
    reason = "scheldt en bedreigt, ook na twee waarschuwingen, en stuurde foto's die niet oké zijn"
    await harness.write(f"/blokkeer {reason}", chat=COACH)
    async with db.transaction() as session:
        assert (await session.execute(select(Youngster.block_reason))).scalar_one() == reason
