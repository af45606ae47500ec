"""/coach CODE through the real Telegram handlers: guessing is stopped per chat and for all
chats together, with a kind answer, and the right code still links once the hour is over."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest

from bot.services.render import Renderer
from flows.intake import IntakeFlow, Rules
from flows.staff import make_invite_code
from storage.db import Database
from storage.models import Staff
from storage.staff import add_invite, add_staff
from tests.bot.channels.telegram.test_handlers import Harness
from tests.bot.channels.telegram.wired import wired
from tests.conftest import Clock

CODE = "KLIK-7F3K-Q9ZD-4MNP-R8WX-YT2H-ABCD"
WRONG = "KLIK-7F3K-Q9ZD-4MNP-R8WX-YT2H-ABCE"
GUESSER = 717171
LIMITED = (
    "Er zijn te veel codes geprobeerd die niet klopten. Probeer het over een uur opnieuw, "
    "of vraag je teamleider om hulp."
)
WELCOME = "Welkom Lotte! Dit Telegram-account is nu gekoppeld aan Klik."
NOT_A_CODE = (
    "Dat is geen Klik-code. Een code begint met KLIK- en heeft daarna zes groepjes van vier "
    "tekens. Kopieer hem precies zoals je teamleider hem gaf."
)


@pytest.fixture
async def harness(
    db: Database, flow: IntakeFlow, rules: Rules, renderer: Renderer, clock: Clock
) -> AsyncIterator[Harness]:
    async with db.transaction() as session:
        staff = await add_staff(
            session, staff=Staff(role="coach", name="Lotte", capacity=8, created_at=clock())
        )
        assert staff.id is not None
        await add_invite(session, staff_id=staff.id, code=CODE, now=clock())
    async with wired(db, flow, rules, renderer, clock) as w:
        yield Harness(w.application, w.handlers, w.sender, w.request)


async def test_after_five_wrong_codes_a_chat_gets_a_kind_answer_and_even_the_right_code_waits(
    harness: Harness,
) -> None:
    for _ in range(5):
        await harness.write(f"/coach {WRONG}", chat=GUESSER)
    await harness.write(f"/coach {CODE}", chat=GUESSER)
    assert harness.texts()[-1] == LIMITED
    assert WELCOME not in harness.texts()


async def test_a_limited_chat_links_with_the_right_code_an_hour_later(
    harness: Harness, clock: Clock
) -> None:
    for _ in range(6):
        await harness.write(f"/coach {WRONG}", chat=GUESSER)
    clock.advance(hours=1, seconds=1)
    await harness.write(f"/coach {CODE}", chat=GUESSER)
    assert harness.texts()[-2] == WELCOME


async def test_fifty_wrong_codes_from_many_chats_stop_guessing_from_every_chat(
    harness: Harness,
) -> None:
    for chat in range(50):
        guess = make_invite_code(random.Random(chat))
        await harness.write(f"/coach {guess}", chat=800000 + chat)
    await harness.write(f"/coach {CODE}", chat=GUESSER)
    assert harness.texts()[-1] == LIMITED


async def test_a_code_of_the_wrong_shape_is_told_what_a_code_looks_like(harness: Harness) -> None:
    await harness.write("/coach KLIK-0000", chat=GUESSER)
    assert harness.texts()[-1] == NOT_A_CODE


async def test_junk_codes_from_many_chats_do_not_stop_the_right_code_elsewhere(
    harness: Harness,
) -> None:
    for chat in range(60):
        await harness.write(f"/coach KLIK-{chat:04d}", chat=800000 + chat)
    await harness.write(f"/coach {CODE}", chat=GUESSER)
    assert harness.texts()[-2] == WELCOME


async def test_junk_codes_still_count_toward_their_own_chat_s_limit(harness: Harness) -> None:
    for _ in range(5):
        await harness.write("/coach KLIK-0000", chat=GUESSER)
    await harness.write(f"/coach {CODE}", chat=GUESSER)
    assert harness.texts()[-1] == LIMITED


async def test_a_wrong_code_in_another_chat_does_not_stop_the_right_one(harness: Harness) -> None:
    for _ in range(5):
        await harness.write(f"/coach {WRONG}", chat=GUESSER)
    await harness.write(f"/coach {CODE}", chat=GUESSER + 1)
    assert harness.texts()[-2] == WELCOME


@pytest.mark.parametrize("gap", ["\n", "\u00a0", "  "])
async def test_a_code_pasted_on_a_new_line_or_after_a_no_break_space_still_links(
    harness: Harness, gap: str
) -> None:
    await harness.write(f"/coach{gap}{CODE.lower()}", chat=GUESSER)
    assert harness.texts()[-2] == WELCOME


async def test_a_youngster_typing_coach_without_a_code_gets_their_own_help_not_the_code_answer(
    harness: Harness,
) -> None:
    await harness.write("/start", chat=GUESSER)
    await harness.tap("consent:yes:nl:", chat=GUESSER)
    await harness.write("/coach ik wil een coach", chat=GUESSER)
    assert harness.texts()[-1].startswith("Zo werkt Klik")
