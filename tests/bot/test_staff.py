"""Coach accounts through the service and the CLI: invite codes link a chat once."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.service import ConversationService
from flows.content import DEFAULT_CONTENT_DIR
from flows.intake import IntakeFlow
from flows.messages import Inbound, outbound_from_json
from storage.db import Database
from storage.models import OutboxMessage, Staff, StaffContact, Youngster
from storage.staff import add_invite, add_staff
from tests.bot.test_cli import klik
from tests.conftest import Clock

CODE = "KLIK-7F3K-Q9ZD"


@pytest.fixture
def service(db: Database, flow: IntakeFlow, clock: Clock) -> ConversationService:
    return ConversationService(db, flow, clock=clock)


@pytest.fixture
async def lotte(db: Database, clock: Clock) -> int:
    async with db.transaction() as session:
        staff = await add_staff(
            session,
            staff=Staff(
                role="coach", name="Lotte", languages="nl,en", capacity=8, created_at=clock()
            ),
        )
        assert staff.id is not None
        await add_invite(session, staff_id=staff.id, code=CODE, now=clock())
        return staff.id


async def replies(db: Database, address: str) -> list[str]:
    async with db.transaction() as session:
        rows = (
            await session.execute(
                select(OutboxMessage)
                .where(col(OutboxMessage.address) == address)
                .order_by(col(OutboxMessage.id))
            )
        ).scalars()
        return [outbound_from_json(json.loads(r.payload)).key for r in rows]


async def link(service: ConversationService, address: str, code: str = CODE) -> None:
    await service.handle(
        channel="telegram",
        address=address,
        event=Inbound("command", command="coach", argument=code),
    )


async def test_a_valid_code_links_the_chat_to_the_coach(
    service: ConversationService, db: Database, lotte: int
) -> None:
    await link(service, "9001")
    async with db.transaction() as session:
        contact = (await session.execute(select(StaffContact))).scalar_one()
    assert (contact.staff_id, contact.address) == (lotte, "9001")
    assert await replies(db, "9001") == ["staff.linked", "staff.help"]


async def test_a_code_works_only_once(
    service: ConversationService, db: Database, lotte: int
) -> None:
    await link(service, "9001")
    await link(service, "9002")
    assert await replies(db, "9002") == ["staff.bad_code"]


async def test_a_code_expires_after_48_hours(
    service: ConversationService, db: Database, lotte: int, clock: Clock
) -> None:
    clock.advance(hours=48, seconds=1)
    await link(service, "9001")
    assert await replies(db, "9001") == ["staff.bad_code"]


async def test_two_chats_using_one_code_at_once_link_only_one(
    service: ConversationService, db: Database, lotte: int
) -> None:
    await asyncio.gather(link(service, "9001"), link(service, "9002"))
    async with db.transaction() as session:
        assert len((await session.execute(select(StaffContact))).scalars().all()) == 1


async def test_a_wrong_code_gets_a_clear_answer_and_keeps_nothing(
    service: ConversationService, db: Database, lotte: int
) -> None:
    await link(service, "9001", "KLIK-AAAA-AAAA")
    assert await replies(db, "9001") == ["staff.bad_code"]
    async with db.transaction() as session:
        assert (await session.execute(select(StaffContact))).first() is None
        assert (await session.execute(select(Youngster))).first() is None


async def test_a_linked_coach_is_not_taken_for_a_youngster(
    service: ConversationService, db: Database, lotte: int
) -> None:
    await link(service, "9001")
    await service.handle(channel="telegram", address="9001", event=Inbound("start"))
    await service.handle(channel="telegram", address="9001", event=Inbound("text", text="hallo"))
    assert await replies(db, "9001") == ["staff.linked", "staff.help", "staff.help", "staff.help"]
    async with db.transaction() as session:
        assert (await session.execute(select(Youngster))).first() is None


def test_coach_add_prints_a_code_that_the_list_then_shows_as_invited(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/k.db"}
    assert klik("migrate", env=env, cwd=tmp_path).returncode == 0
    added = klik(
        "coach",
        "add",
        "--name",
        "Lotte",
        "--languages",
        "nl,en",
        "--focus",
        "money,home",
        "--capacity",
        "8",
        env=env,
        cwd=tmp_path,
    )
    assert added.returncode == 0, added.stderr
    assert re.search(r"/coach KLIK-[A-Z0-9]{4}-[A-Z0-9]{4}", added.stdout)
    listed = klik("coach", "list", env=env, cwd=tmp_path).stdout
    assert re.search(r"1\s+Lotte\s+coach\s+nl,en\s+money,home\s+8\s+invited", listed)


def test_coach_add_refuses_an_unknown_focus(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/k.db"}
    klik("migrate", env=env, cwd=tmp_path)
    result = klik("coach", "add", "--name", "X", "--focus", "cooking", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown focus cooking" in result.stderr


def test_coach_add_takes_the_focus_domains_from_content_dir(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    questionnaire = content / "questionnaire.yaml"
    # The service's own content without the money question: the CLI must read this copy.
    questionnaire.write_text(
        questionnaire.read_text(encoding="utf-8").replace("  - {id: money, kind: checkin}\n", ""),
        encoding="utf-8",
    )
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/k.db", "CONTENT_DIR": str(content)}
    klik("migrate", env=env, cwd=tmp_path)
    refused = klik("coach", "add", "--name", "X", "--focus", "money", env=env, cwd=tmp_path)
    assert refused.returncode == 2, refused.stdout
    assert "unknown focus money" in refused.stderr
    added = klik("coach", "add", "--name", "Y", "--focus", "home", env=env, cwd=tmp_path)
    assert added.returncode == 0, added.stderr


def test_coach_add_with_a_content_dir_that_is_not_there_says_so_without_a_traceback(
    tmp_path: Path,
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/k.db", "CONTENT_DIR": str(tmp_path / "nowhere")}
    klik("migrate", env=env, cwd=tmp_path)
    result = klik("coach", "add", "--name", "X", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"klik: content in {tmp_path}/nowhere has 4 problem(s):\n")
    assert "Traceback" not in result.stderr
