"""The process application without a TELEGRAM_TOKEN: no Telegram channel and no Telegram
sender, everything else running; in local mode (this machine, the embedded SQLite database)
the demo accounts' links sign in to the dashboard."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, select

from bot.process.app import create_app
from bot.process.config import load_settings
from bot.process.keys import SENDER, SERVICE, TELEGRAM, WELCOME
from bot.process.runtime import StartupError
from flows.content import Content
from flows.messages import Inbound
from storage.db import Database
from storage.models import OutboxMessage, Staff
from tests.bot.served import Serve
from tests.bot.team import Team
from tests.conftest import Clock


@pytest.fixture
def local_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated embedded database: local mode is SQLite's alone."""
    path = tmp_path / "local.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def serve_local(local_url: str, clock: Clock, content: Content) -> Serve:
    return Serve(local_url, clock, content)


async def test_without_a_token_the_dashboard_answers_and_telegram_is_never_called(
    serve: Serve,
) -> None:
    async with serve(telegram_token=None) as it:
        answer = await it.client.get("/dashboard/signed-out")
        assert answer.status == 200
        assert it.request.calls == []


async def test_without_a_token_there_is_no_telegram_channel_and_no_telegram_sender(
    serve: Serve,
) -> None:
    async with serve(telegram_token=None) as it:
        assert (TELEGRAM in it.app, SENDER in it.app) == (False, False)


async def test_readyz_without_a_token_is_200_naming_the_mode_when_staff_are_reachable(
    team: Team, serve: Serve
) -> None:
    async with serve(telegram_token=None, http_host="0.0.0.0") as it:
        answer = await it.client.get("/readyz")
        assert (answer.status, await answer.json()) == (200, {"ready": True, "mode": "web"})


async def test_readyz_in_local_mode_never_fails_on_telegram_only_on_what_is_missing(
    serve_local: Serve,
) -> None:
    async with serve_local(telegram_token=None) as it:
        answer = await it.client.get("/readyz")
        assert (answer.status, await answer.json()) == (
            503,
            {"ready": False, "failed": ["staff"], "mode": "local"},
        )


async def test_a_reply_for_a_telegram_chat_waits_in_the_outbox_without_a_token(
    serve: Serve, db: Database
) -> None:
    async with serve(telegram_token=None) as it:
        await it.app[SERVICE].handle(channel="telegram", address="4242", event=Inbound("start"))
        async with db.transaction() as session:
            waiting = (
                await session.execute(select(func.count()).select_from(OutboxMessage))
            ).scalar()
        assert (waiting, it.request.calls) == (1, [])


async def test_in_local_mode_the_demo_coach_s_link_signs_in_to_the_queue(
    serve_local: Serve,
) -> None:
    async with serve_local(telegram_token=None) as it:
        coach = it.app[WELCOME].sign_ins[0]
        assert coach.name == "Demo coach"
        used = await it.client.post(urlparse(coach.url).path, allow_redirects=False)
        assert (used.status, used.headers["Location"]) == (303, "/dashboard")
        queue = await it.client.get("/dashboard/queue")
        assert queue.status == 200


async def test_a_web_only_klik_makes_no_demo_accounts_and_prints_no_links(
    serve: Serve, db: Database
) -> None:
    async with serve(telegram_token=None, http_host="0.0.0.0") as it:
        assert WELCOME not in it.app
    async with db.transaction() as session:
        assert (await session.execute(select(func.count()).select_from(Staff))).scalar() == 0


def test_webhook_mode_without_a_token_is_refused_at_start_naming_telegram_mode(
    local_url: str,
) -> None:
    settings = load_settings(
        telegram_token="",
        database_url=local_url,
        telegram_mode="webhook",
        public_url="https://klik.example.org",
        webhook_secret="a-webhook-secret_long-enough-0123456789",
    )
    with pytest.raises(StartupError, match=r"^klik: setting TELEGRAM_MODE: webhook needs "):
        create_app(settings)


async def test_in_local_mode_a_used_link_says_to_start_klik_again_for_new_links(
    serve_local: Serve,
) -> None:
    async with serve_local(telegram_token=None) as it:
        path = urlparse(it.app[WELCOME].sign_ins[0].url).path
        await it.client.post(path, allow_redirects=False)
        it.client.session.cookie_jar.clear()
        again = await it.client.post(path, allow_redirects=False)
        assert again.status == 400
        assert "Start Klik opnieuw (make run) voor nieuwe links." in await again.text()


async def test_signed_out_in_local_mode_points_to_the_window_where_klik_runs_not_telegram(
    serve_local: Serve,
) -> None:
    async with serve_local(telegram_token=None) as it:
        page = await (await it.client.get("/dashboard/signed-out")).text()
        assert "Log in met een link uit het venster waarin Klik draait." in page
        assert "Telegram" not in page


async def test_signed_out_on_a_web_only_klik_says_to_ask_the_administrator(serve: Serve) -> None:
    async with serve(telegram_token=None, http_host="0.0.0.0") as it:
        page = await (await it.client.get("/dashboard/signed-out")).text()
        assert "Vraag je beheerder om een link om in te loggen." in page
