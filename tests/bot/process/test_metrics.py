"""GET /metrics from a real aiohttp server, after real updates went through the service and the
outbox sender against the Bot API stand-in, on SQLite and PostgreSQL: the counts, the figures
read from the database, and never a pseudonym, chat id or text."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select
from sqlmodel import col
from telegram import Bot

from bot.channels.telegram.transport import TelegramTransport
from bot.process.metrics import Metrics, add_metrics_routes
from bot.services.conversation import ConversationService
from bot.services.guard import run_guard
from bot.services.purge import purge
from bot.services.render import Renderer
from bot.services.sender import OutboxSender
from bot.services.staff import StaffService
from flows.intake import IntakeFlow, Rules
from flows.messages import Inbound
from flows.retention import Retention
from storage.db import Database
from storage.models import OutboxMessage, Youngster
from storage.outbox import first_time_seen
from tests.bot.team import MONEY_AND_HOME, Team
from tests.conftest import Clock
from tests.support.botapi import FakeBotApi

TOKEN = "123456:TEST-token"
SAM, KIM = 5550001, 5550002  # chat ids
ACUTE = "ik sta op de brug en ik ga springen"


class Scrape:
    """One /metrics answer, read back with prometheus_client's own parser."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.samples = {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(body)
            for sample in family.samples
        }

    def __call__(self, name: str, **labels: str) -> float | None:
        return self.samples.get((name, tuple(sorted(labels.items()))))


async def scrape(metrics: Metrics) -> Scrape:
    app = web.Application()
    add_metrics_routes(app, metrics)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/metrics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        return Scrape(await response.text())


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        stand_in.user(SAM, first_name="Saartje")
        stand_in.user(KIM, first_name="Kimberley")
        yield stand_in


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url) as client:
        yield client


@pytest.fixture
def metrics() -> Metrics:
    return Metrics()


@dataclass
class Service:
    """The conversation service and the outbox sender, both telling `metrics`."""

    conversation: ConversationService
    sender: OutboxSender

    async def say(self, chat: int, event: Inbound) -> None:
        await self.conversation.handle(channel="telegram", address=str(chat), event=event)

    async def youngster(self, chat: int, *taps: str) -> None:
        await self.say(chat, Inbound("start"))
        for data in ("consent:yes:nl:", *taps):
            await self.say(chat, Inbound("choice", choice=data))


@pytest.fixture
def service(
    db: Database,
    flow: IntakeFlow,
    rules: Rules,
    renderer: Renderer,
    bot: Bot,
    clock: Clock,
    metrics: Metrics,
) -> Service:
    """No coach or team lead is linked: a crisis alert reaches nobody."""
    conversation = ConversationService(
        db,
        flow,
        clock=clock,
        rng=random.Random(5),
        matchteam=StaffService(flow, rules),
        observer=metrics,
    )
    transport = TelegramTransport(bot)
    sender = OutboxSender(db, renderer, transport, clock=clock, observer=metrics)
    metrics.watch(db, rules, clock)
    return Service(conversation, sender)


@pytest.fixture
async def scraped(service: Service, api: FakeBotApi, metrics: Metrics) -> Scrape:
    """Sam does the whole intake and waits; Kim writes an acute crisis text after the age
    question; Telegram answers every message to Sam with 429; then Prometheus scrapes."""
    await service.youngster(SAM, *MONEY_AND_HOME)
    await service.youngster(KIM, "age:16_17")
    await service.say(KIM, Inbound("text", text=ACUTE))
    api.rate_limit(SAM, retry_after=30)
    await service.sender.drain()
    return await scrape(metrics)


async def test_a_scrape_counts_the_updates_by_kind_and_times_each_handled_one(
    scraped: Scrape,
) -> None:
    assert scraped("klik_updates_total", kind="command", outcome="handled") == 2
    assert scraped("klik_updates_total", kind="tap", outcome="handled") == 1 + 8 + 1 + 1
    assert scraped("klik_updates_total", kind="message", outcome="handled") == 1
    assert scraped("klik_updates_total", kind="media", outcome="handled") == 0
    assert scraped("klik_update_handling_seconds_count") == 14


async def test_a_scrape_counts_the_crisis_signal_and_the_alert_that_reached_nobody(
    scraped: Scrape,
) -> None:
    assert scraped("klik_crisis_signals_total", level="acute", category="suicide") == 1
    assert scraped("klik_crisis_signals_total", level="worry", category="suicide") == 0
    assert scraped("klik_crisis_alerts_total", reached="nobody") == 1
    assert scraped("klik_crisis_alerts_total", reached="somebody") == 0


async def test_a_scrape_counts_telegram_s_429_and_the_messages_it_took(
    scraped: Scrape, api: FakeBotApi
) -> None:
    assert scraped("klik_telegram_errors_total", call="send", kind="429") == 1
    assert scraped("klik_telegram_errors_total", call="send", kind="403") == 0
    assert scraped("klik_messages_sent_total", channel="telegram") == len(api.messages(KIM))
    assert len(api.messages(KIM)) > 0 and api.messages(SAM) == []


async def test_a_scrape_reads_the_outbox_and_the_queue_from_the_database(
    scraped: Scrape, db: Database
) -> None:
    async with db.transaction() as session:
        waiting = (await session.execute(select(func.count(col(OutboxMessage.id))))).scalar_one()
    assert waiting > 0  # every reply to Sam waits behind the first, refused with 429
    assert scraped("klik_metrics_database_up") == 1
    assert scraped("klik_outbox_depth") == waiting
    assert scraped("klik_outbox_oldest_age_seconds") == 0  # the clock stood still
    assert scraped("klik_queue_length", urgent="true") == 1  # Kim, queued by the crisis
    assert scraped("klik_queue_length", urgent="false") == 1  # Sam
    assert scraped("klik_queue_oldest_wait_seconds") == 0
    # Monday 14:00 in Brussels: the whole promise of 24 service hours is left.
    assert scraped("klik_queue_promise_left_seconds") == 24 * 3600


async def test_a_scrape_names_no_pseudonym_chat_id_name_or_text(
    scraped: Scrape, db: Database
) -> None:
    async with db.transaction() as session:
        youngsters = (await session.execute(select(Youngster))).scalars().all()
    secrets = [str(SAM), str(KIM), "Saartje", "Kimberley", "brug", "springen", TOKEN[7:]]
    for youngster in youngsters:
        secrets += [youngster.id, youngster.pseudonym]
    for secret in secrets:
        assert secret not in scraped.body
    # A pseudonym's four digits alone could be any figure's (a timestamp holds many): they
    # must not name a series, which is where a person would show.
    labels = {value for _, pairs in scraped.samples for _, value in pairs}
    for youngster in youngsters:
        assert not any(youngster.pseudonym.split("-")[1] in value for value in labels)


async def test_the_promise_left_goes_negative_by_the_service_time_overdue(
    service: Service, metrics: Metrics, clock: Clock
) -> None:
    await service.youngster(SAM, *MONEY_AND_HOME)  # Monday 14:00; the deadline Wednesday 14:00
    clock.advance(days=2, hours=3)  # Wednesday 17:00: three service hours late
    scraped = await scrape(metrics)
    assert scraped("klik_queue_promise_left_seconds") == -3 * 3600
    assert scraped("klik_queue_oldest_wait_seconds") == (2 * 24 + 3) * 3600


async def test_a_message_to_a_chat_that_blocked_the_bot_counts_a_403_and_a_dropped_message(
    service: Service, metrics: Metrics, api: FakeBotApi
) -> None:
    await service.say(SAM, Inbound("start"))
    api.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    await service.sender.drain()
    scraped = await scrape(metrics)
    assert scraped("klik_telegram_errors_total", call="send", kind="403") == 1
    assert scraped("klik_messages_dropped_total", channel="telegram", reason="undeliverable") == 1


async def test_an_update_seen_before_counts_as_a_duplicate_not_as_handled(
    service: Service, metrics: Metrics
) -> None:
    for _ in range(2):
        await service.conversation.handle(
            channel="telegram", address=str(SAM), event=Inbound("start"), event_id="tg:7"
        )
    scraped = await scrape(metrics)
    assert scraped("klik_updates_total", kind="command", outcome="handled") == 1
    assert scraped("klik_updates_total", kind="command", outcome="duplicate") == 1
    assert scraped("klik_update_handling_seconds_count") == 1


async def test_each_guard_step_is_counted_once_by_step(
    team: Team, flow: IntakeFlow, rules: Rules, metrics: Metrics
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)  # Monday 14:00; the promise ends Wednesday
    matchteam = StaffService(flow, rules)
    for _ in range(49 * 2):  # to Wednesday 15:00, every half hour
        team.clock.advance(minutes=30)
        await run_guard(team.db, matchteam, team.clock, metrics)
    scraped = await scrape(metrics)
    for step in ("remind_suggested", "remind_available", "alert_teamleads", "tell_youngster"):
        assert scraped("klik_guard_steps_total", step=step, outcome="fired") == 1
        assert scraped("klik_guard_steps_total", step=step, outcome="skipped") == 0


async def test_a_label_outside_its_fixed_set_is_counted_as_other(metrics: Metrics) -> None:
    metrics.crisis_signal("acute", "Sam-4821 zei iets")
    metrics.update("ik wil dood", "handled", 0.001)
    scraped = await scrape(metrics)
    assert scraped("klik_crisis_signals_total", level="acute", category="other") == 1
    assert scraped("klik_updates_total", kind="other", outcome="handled") == 1
    assert "Sam-4821" not in scraped.body and "dood" not in scraped.body


async def test_without_a_readable_database_a_scrape_still_serves_the_counts_and_says_so(
    metrics: Metrics, rules: Rules, clock: Clock
) -> None:
    # A port nobody listens on: refused at once, and no driver thread is left behind (a
    # SQLite file that cannot be opened leaves aiosqlite's thread to report to a closed loop).
    unreachable = Database("postgresql://postgres@127.0.0.1:9/klik")
    metrics.watch(unreachable, rules, clock)
    metrics.update("tap", "handled", 0.002)
    try:
        scraped = await scrape(metrics)
    finally:
        await unreachable.close()
    assert scraped("klik_metrics_database_up") == 0
    assert scraped("klik_outbox_depth") is None
    assert scraped("klik_updates_total", kind="tap", outcome="handled") == 1


async def test_two_applications_count_apart(metrics: Metrics) -> None:
    other = Metrics()
    other.update("tap", "handled", 0.002)
    assert (await scrape(metrics))("klik_updates_total", kind="tap", outcome="handled") == 0
    assert (await scrape(other))("klik_updates_total", kind="tap", outcome="handled") == 1


async def test_a_scrape_counts_what_the_purge_removed_by_kind(
    db: Database, clock: Clock, metrics: Metrics
) -> None:
    async with db.transaction() as session:
        for n in range(3):
            await first_time_seen(session, event_id=f"tg:{n}", now=clock())
    clock.advance(days=8)
    await purge(db, Retention(), clock, metrics)
    scraped = await scrape(metrics)
    assert scraped("klik_purged_total", kind="inbox") == 3
    assert scraped("klik_purged_total", kind="unfinished_intake") == 0
