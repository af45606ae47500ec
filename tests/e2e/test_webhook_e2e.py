"""End to end in webhook mode: the real `klik run` registers its webhook with the Bot API
stand-in, which posts each update to klik's HTTP port as Telegram would (through the proxy
that ends TLS); forged calls are refused, and SIGTERM stops klik with nothing lost. Runs on
SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bot.channels.telegram.polling import ALLOWED_UPDATES
from bot.services.sender import LEASE
from storage.db import Database
from storage.models import InboxEvent, OutboxMessage
from tests.e2e.test_intake_e2e import YOUNGSTER, Klik
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e

PUBLIC_URL = "https://klik.example.org"
SECRET = "e2e-webhook-secret_0123456789abcdefghij"
WELCOME = "Is dat oké voor jou?"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token="123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw") as stand_in:
        stand_in.user(YOUNGSTER, first_name="Jo", language_code="nl")
        yield stand_in


def in_webhook_mode(api: FakeBotApi, klik: Klik) -> None:
    """Start klik in webhook mode; the stand-in posts to its port."""
    klik.env.update(
        {
            "TELEGRAM_MODE": "webhook",
            "PUBLIC_URL": PUBLIC_URL,
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_MAX_CONNECTIONS": "12",
        }
    )
    api.forward_webhooks(f"http://127.0.0.1:{klik.port}")
    klik.start()


def count(database_url: str, table: object) -> int:
    async def counted() -> int:
        db = Database(database_url)
        async with db.transaction() as session:
            found: int = (await session.execute(select(func.count()).select_from(table))).scalar()
        await db.close()
        return found

    return asyncio.run(counted())


def test_klik_registers_its_webhook_and_serves_an_intake_that_telegram_posts(
    api: FakeBotApi, klik: Klik
) -> None:
    in_webhook_mode(api, klik)
    hook = api.wait_until_webhook(timeout=30)
    api.send_command(YOUNGSTER, "/start")
    consent = api.wait_for_message(YOUNGSTER, contains=WELCOME, timeout=20)
    api.tap(YOUNGSTER, consent["message_id"], text="👍 Oké, we beginnen")
    api.wait_for_message(YOUNGSTER, contains="Hoe oud ben je?", timeout=20)

    assert (hook.url, hook.secret_token, hook.max_connections, hook.allowed_updates) == (
        f"{PUBLIC_URL}/telegram/webhook",
        SECRET,
        12,
        ALLOWED_UPDATES,
    )
    assert api.requests("getUpdates") == []
    assert klik.stop() == 0
    log = klik.log()
    assert f"klik: serving http://127.0.0.1:{klik.port}" in log
    assert "klik is running as @klik_test_bot (webhook)" in log
    assert SECRET not in log and "Traceback" not in log


def test_a_call_without_the_secret_or_with_a_forged_one_gets_401_and_nothing_is_kept(
    api: FakeBotApi, klik: Klik, database_url: str
) -> None:
    in_webhook_mode(api, klik)
    api.wait_until_webhook(timeout=30)
    api.send_command(YOUNGSTER, "/start")  # posted by the stand-in: klik is serving now
    api.wait_for_message(YOUNGSTER, contains=WELCOME, timeout=20)
    forged = {
        "update_id": 999_001,
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "/start",
            "chat": {"id": 8002, "type": "private"},
            "from": {"id": 8002, "is_bot": False, "first_name": "Mallory"},
        },
    }

    assert api.post_to_webhook(forged) == 401
    assert api.post_to_webhook(forged, secret="guessed-" + SECRET[8:]) == 401

    assert klik.stop() == 0
    assert count(database_url, InboxEvent) == 1  # the real /start only
    assert [p for _, p in api.requests("sendMessage") if p["chat_id"] != YOUNGSTER] == []
    assert "a webhook call without the right secret was refused (401)" in klik.log()


def test_sigterm_stops_klik_at_once_and_a_reply_not_yet_sent_goes_out_after_a_restart(
    api: FakeBotApi, klik: Klik, database_url: str
) -> None:
    api.rate_limit(YOUNGSTER, retry_after=1)  # the welcome cannot leave for now
    in_webhook_mode(api, klik)
    api.wait_until_webhook(timeout=30)
    api.send_command(YOUNGSTER, "/start")
    api.wait_for(lambda stand_in: stand_in.pending_updates() == 0, timeout=20)  # 200: committed
    api.wait_for(lambda stand_in: len(stand_in.requests("sendMessage")) > 0, timeout=20)

    assert klik.process is not None
    klik.process.send_signal(signal.SIGTERM)
    assert klik.process.wait(timeout=5) == 0
    klik.stop()  # closes its log
    assert count(database_url, OutboxMessage) > 0  # the welcome waits in the outbox

    api.rate_limit(YOUNGSTER, None)
    klik.start()
    # A send cut off by the stop would wait for its lease; the stop lets it finish instead.
    api.wait_for_message(YOUNGSTER, contains=WELCOME, timeout=LEASE.total_seconds())
    assert klik.stop() == 0
    assert api.webhook_deliveries()[-1].status == 200
