"""The process's metrics in the Prometheus text format, at GET /metrics.

Counts only. Every label is one of a few fixed words (an update's kind, an error's kind, a
guard step, a crisis category), never a pseudonym, an id, an address, a name or a text; a
value outside its set is counted as "other", so nothing a youngster wrote can become a label.
Each application has a registry of its own (not prometheus_client's global one), so tests
and several applications in one process never share a count.

The services count through `bot.services.observer.Observer`, which `Metrics` is. The figures
kept in the database (the outbox, the queue) are read when Prometheus asks, with cheap
indexed queries (storage/outbox.py, storage/queue.py), so every worker reports the same.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.services.conversation import Clock
from bot.services.observer import ERROR_KINDS, UPDATE_KINDS, Call, Dropped, Observer, Outcome
from flows.crisis.lexicon import CATEGORIES, LEVELS
from flows.retention import KINDS as PURGE_KINDS
from flows.sla import LADDER, service_time_left
from flows.state import Rules
from storage.db import Database
from storage.outbox import outbox_depth
from storage.queue import QueueFigures, queue_figures

log = logging.getLogger(__name__)

# Seconds; the goal is p99 under 50 ms, so the buckets are finest there.
HANDLING_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
OUTCOMES: tuple[Outcome, ...] = ("handled", "duplicate", "failed")
CALLS: tuple[Call, ...] = ("send", "tap", "poll")
STEPS = tuple(rung.name for rung in LADDER)
STEP_OUTCOMES = ("fired", "skipped")
# A channel is a short name ("telegram"); anything else is "other".
_WORD = re.compile(r"[a-z][a-z_]{0,31}")


def _one_of(value: str, allowed: Iterable[str]) -> str:
    return value if value in allowed else "other"


def _word(value: str) -> str:
    return value if _WORD.fullmatch(value) else "other"


@dataclass(frozen=True)
class Stored:
    """The figures read from the database at one scrape."""

    at: datetime
    outbox: int
    oldest_outbox: datetime | None
    queue: QueueFigures
    promise_left: float | None  # service seconds left of the first deadline; negative: overdue


class _StoredFigures(Collector):
    """Serves the last figures read from the database as gauges; none before the first read.
    `klik_metrics_database_up` says whether the last read worked."""

    def __init__(self) -> None:
        self.figures: Stored | None = None
        self.up = False

    def collect(self) -> Iterable[Metric]:
        yield GaugeMetricFamily(
            "klik_metrics_database_up",
            "1 when the database figures below were read at this scrape, 0 when it failed.",
            value=1 if self.up else 0,
        )
        stored = self.figures if self.up else None
        if stored is None:
            return
        queue = stored.queue
        yield GaugeMetricFamily(
            "klik_outbox_depth", "Messages in the outbox waiting to be sent.", value=stored.outbox
        )
        yield GaugeMetricFamily(
            "klik_outbox_oldest_age_seconds",
            "Seconds since the oldest message in the outbox was saved; 0 when it is empty.",
            value=_age(stored.at, stored.oldest_outbox),
        )
        waiting = GaugeMetricFamily(
            "klik_queue_length", "Cases waiting for a coach.", labels=["urgent"]
        )
        waiting.add_metric(["true"], queue.urgent)
        waiting.add_metric(["false"], queue.waiting - queue.urgent)
        yield waiting
        yield GaugeMetricFamily(
            "klik_queue_oldest_wait_seconds",
            "Seconds the longest-waiting case has waited (clock time); 0 when nobody waits.",
            value=_age(stored.at, queue.oldest_queued_at),
        )
        left = GaugeMetricFamily(
            "klik_queue_promise_left_seconds",
            "Service time (open hours only) until the first waiting case's promise runs out; "
            "negative: overdue by that much service time. Absent when nobody waits.",
        )
        if stored.promise_left is not None:
            left.add_metric([], stored.promise_left)
        yield left


def _age(now: datetime, since: datetime | None) -> float:
    return max((now - since).total_seconds(), 0.0) if since is not None else 0.0


class Metrics(Observer):
    """The metrics of one application, and the services' observer (bot/services/observer.py).
    Give it to `add_metrics_routes`, to the services as their `observer`, and, once the
    database is open, tell it where to read the stored figures (`watch`)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self._updates = Counter(
            "klik_updates",
            "Inbound updates by kind (message, edit, tap, command, media) and outcome "
            "(handled, duplicate: seen before, failed: comes again).",
            ["kind", "outcome"],
            registry=registry,
        )
        self._handling = Histogram(
            "klik_update_handling_seconds",
            "Time to handle and commit one update (handled ones only).",
            buckets=HANDLING_BUCKETS,
            registry=registry,
        )
        self._errors = Counter(
            "klik_telegram_errors",
            "Calls Telegram refused, by call (send: the outbox, tap: answering a tap or its "
            "keyboard, poll: getUpdates) and kind (400, 403, 429, network, timeout, other).",
            ["call", "kind"],
            registry=registry,
        )
        self._sent = Counter(
            "klik_messages_sent",
            "Messages delivered from the outbox.",
            ["channel"],
            registry=registry,
        )
        self._dropped = Counter(
            "klik_messages_dropped",
            "Messages that left the outbox without arriving (undeliverable: blocked or gone; "
            "gave_up: refused for a day).",
            ["channel", "reason"],
            registry=registry,
        )
        self._guard = Counter(
            "klik_guard_steps",
            "Guard steps taken, by step and outcome (fired; skipped: the case no longer waits).",
            ["step", "outcome"],
            registry=registry,
        )
        self._signals = Counter(
            "klik_crisis_signals",
            "Crisis signals raised in what youngsters wrote, by level and category.",
            ["level", "category"],
            registry=registry,
        )
        self._alerts = Counter(
            "klik_crisis_alerts",
            "Crisis alerts to the team, by whether somebody could read them then.",
            ["reached"],
            registry=registry,
        )
        self._purged = Counter(
            "klik_purged",
            "Rows the retention purge removed, by kind (unfinished_intake and ended_youngster "
            "count youngsters erased whole).",
            ["kind"],
            registry=registry,
        )
        self._stored = _StoredFigures()
        registry.register(self._stored)
        self._source: tuple[Database, Rules, Clock] | None = None
        self._zeros()

    def _zeros(self) -> None:
        """Show every fixed series from the start, at 0, so a rate has a beginning."""
        for kind in UPDATE_KINDS:
            for outcome in OUTCOMES:
                self._updates.labels(kind, outcome)
        for call in CALLS:
            for error in ERROR_KINDS:
                self._errors.labels(call, error)
        for step in STEPS:
            for result in STEP_OUTCOMES:
                self._guard.labels(step, result)
        for level in LEVELS:
            for category in CATEGORIES:
                self._signals.labels(level, category)
        for reached in ("somebody", "nobody"):
            self._alerts.labels(reached)
        for kind in PURGE_KINDS:
            self._purged.labels(kind)

    # -- the services' observer ----------------------------------------------------------

    def update(self, kind: str, outcome: Outcome, seconds: float | None = None) -> None:
        self._updates.labels(_one_of(kind, UPDATE_KINDS), _one_of(outcome, OUTCOMES)).inc()
        if seconds is not None:
            self._handling.observe(seconds)

    def crisis_signal(self, level: str, category: str) -> None:
        self._signals.labels(_one_of(level, LEVELS), _one_of(category, CATEGORIES)).inc()

    def crisis_alert(self, reached: int) -> None:
        self._alerts.labels("nobody" if reached == 0 else "somebody").inc()

    def channel_error(self, call: Call, kind: str) -> None:
        self._errors.labels(_one_of(call, CALLS), _one_of(kind, ERROR_KINDS)).inc()

    def sent(self, channel: str) -> None:
        self._sent.labels(_word(channel)).inc()

    def dropped(self, channel: str, reason: Dropped) -> None:
        self._dropped.labels(_word(channel), _one_of(reason, ("undeliverable", "gave_up"))).inc()

    def guard_step(self, step: str, outcome: str) -> None:
        self._guard.labels(_one_of(step, STEPS), _one_of(outcome, STEP_OUTCOMES)).inc()

    def purged(self, kind: str, count: int) -> None:
        self._purged.labels(_one_of(kind, PURGE_KINDS)).inc(count)

    # -- the stored figures --------------------------------------------------------------

    def watch(self, db: Database, rules: Rules, clock: Clock) -> None:
        """Read the outbox and queue figures from this database at every scrape."""
        self._source = (db, rules, clock)

    async def refresh(self) -> None:
        """Read the stored figures now; on failure the scrape says the database is down
        (klik_metrics_database_up 0) and still serves every count."""
        if self._source is None:
            return
        db, rules, clock = self._source
        try:
            async with db.at_once() as session:
                now = clock()
                outbox, oldest = await outbox_depth(session)
                queue = await queue_figures(session)
        except Exception as error:  # whatever it is, the counts are still worth serving
            log.warning("event=metrics_database_unreadable error=%s", type(error).__name__)
            self._stored.up = False
            return
        left = None
        if queue.first_deadline is not None:
            left = service_time_left(queue.first_deadline, now, rules).total_seconds()
        self._stored.figures = Stored(now, outbox, oldest, queue, left)
        self._stored.up = True

    def exposition(self) -> bytes:
        """Every metric in the Prometheus text format."""
        return generate_latest(self.registry)


METRICS = web.AppKey("metrics", Metrics)


def add_metrics_routes(app: web.Application, metrics: Metrics, *, path: str = "/metrics") -> None:
    """Serve `metrics` at GET `path` (Prometheus text format); call before the app starts."""
    app[METRICS] = metrics

    async def scrape(_: web.Request) -> web.Response:
        await metrics.refresh()
        return web.Response(
            body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    app.router.add_get(path, scrape)
