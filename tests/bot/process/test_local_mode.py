"""Local mode's first start and every start after it: the demo coach and team lead made once,
as `klik coach add` makes staff, a fresh sign-in link for each every time, and what the
terminal shows."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from bot.process.config import Settings, load_settings
from bot.process.local_mode import SignIn, Welcome, prepare_local
from flows.content import Content
from flows.dashboard.signin import link_digest
from storage.audit import latest
from storage.dashboard_tables import LoginLink
from storage.db import Database
from storage.models import Staff
from storage.staff import deactivate_staff, find_by_ref
from tests.conftest import Clock

PORT = 8123


def local(database_url: str) -> Settings:
    return load_settings(telegram_token="", database_url=database_url, http_port=PORT)


async def staff_rows(db: Database) -> list[tuple[str, str, str, int]]:
    async with db.transaction() as session:
        rows = (await session.execute(select(Staff).order_by(col(Staff.id)))).scalars()
        return [(row.name, row.role, row.languages, row.capacity) for row in rows]


async def test_the_first_start_makes_a_demo_coach_and_a_demo_team_lead_named_in_content(
    db: Database, database_url: str, content: Content, clock: Clock
) -> None:
    await prepare_local(db, content, local(database_url), clock())
    assert await staff_rows(db) == [
        ("Demo coach", "coach", "nl,en", 8),
        ("Demo teamleider", "teamlead", "nl,en", 0),
    ]


async def test_a_second_start_makes_no_second_demo_account(
    db: Database, database_url: str, content: Content, clock: Clock
) -> None:
    await prepare_local(db, content, local(database_url), clock())
    clock.advance(minutes=30)
    await prepare_local(db, content, local(database_url), clock())
    assert [name for name, *_ in await staff_rows(db)] == ["Demo coach", "Demo teamleider"]


async def test_every_start_gives_new_sign_in_links(
    db: Database, database_url: str, content: Content, clock: Clock
) -> None:
    first = await prepare_local(db, content, local(database_url), clock())
    again = await prepare_local(db, content, local(database_url), clock())
    assert len({s.url for s in first.sign_ins + again.sign_ins}) == 4


async def test_the_links_point_to_this_machine_and_only_their_digest_is_stored(
    db: Database, database_url: str, content: Content, clock: Clock
) -> None:
    welcome = await prepare_local(db, content, local(database_url), clock())
    prefix = f"http://127.0.0.1:{PORT}/dashboard/in/"
    assert [s.url.startswith(prefix) for s in welcome.sign_ins] == [True, True]
    async with db.transaction() as session:
        stored = set((await session.execute(select(col(LoginLink.digest)))).scalars())
    assert stored == {link_digest(s.url.removeprefix(prefix)) for s in welcome.sign_ins}


async def test_the_demo_accounts_are_audited_as_made_at_the_command_line(
    db: Database, database_url: str, content: Content, clock: Clock
) -> None:
    await prepare_local(db, content, local(database_url), clock())
    async with db.transaction() as session:
        lines = await latest(session, limit=10)
    assert sorted((line.actor, line.action) for line in lines) == [
        ("cli", "login_link"),
        ("cli", "login_link"),
        ("cli", "staff_add"),
        ("cli", "staff_add"),
    ]


async def test_a_deactivated_demo_coach_gets_no_link_and_no_new_account_but_a_line_why(
    db: Database, database_url: str, content: Content, clock: Clock
) -> None:
    await prepare_local(db, content, local(database_url), clock())
    async with db.transaction() as session:
        (coach,) = await find_by_ref(session, ref="Demo coach")
        assert coach.id is not None
        await deactivate_staff(session, staff_id=coach.id)
    welcome = await prepare_local(db, content, local(database_url), clock())
    assert [s.name for s in welcome.sign_ins] == ["Demo teamleider"]
    assert welcome.problems == (
        f"Demo coach is deactivated; to let them work again use: klik coach reactivate {coach.id}",
    )
    assert len(await staff_rows(db)) == 2


def test_the_terminal_shows_the_chat_each_link_how_to_get_new_ones_and_telegram_later() -> None:
    welcome = Welcome(
        "http://127.0.0.1:8080/chat",
        (
            SignIn("Demo coach", "http://127.0.0.1:8080/dashboard/in/AAA"),
            SignIn("Demo teamleider", "http://127.0.0.1:8080/dashboard/in/BBB"),
        ),
        (),
    )
    assert welcome.lines() == [
        "klik: local mode: Klik runs on this computer only, without Telegram.",
        "  Chat as a youngster:  http://127.0.0.1:8080/chat",
        "  Dashboard as Demo coach:       http://127.0.0.1:8080/dashboard/in/AAA",
        "  Dashboard as Demo teamleider:  http://127.0.0.1:8080/dashboard/in/BBB",
        "  A sign-in link works once, within 10 minutes; new ones: "
        "klik staff login-link 'Demo coach'",
        "  Open the chat and the coach's link in two tabs to play youngster and coach.",
        "  To connect Telegram later: get a token from @BotFather (send /newbot), put "
        "TELEGRAM_TOKEN=<the token> in .env and start again.",
    ]
