"""End to end: two real `klik run` workers in webhook mode on one fresh PostgreSQL database,
behind a load balancer (tests/support/balancer.py) that spreads Telegram's updates over both.

200 youngsters do a short intake (start, okay, age, a first text, then "just talk"); every
fifth sends a second text at the same moment, and every seventh update goes to both workers
at once, as when Telegram sends again while the first is in flight. Two coaches tap the same
offer at once, one on each worker, for 20 cases; 30 other cases have their whole guard ladder
made due (in the database: no clock is moved) while both workers run the guard every second.
Midway one worker is killed with SIGKILL; what got no 200 from it is sent again to the other.

Then it counts: answers lost or out of order, messages Telegram received more often than the
service wrote them (held against a copy of every outbox row), cases claimed twice, and guard
steps that did not fire exactly once.

The kill lands between two messages: the stand-in holds the dying worker's Bot API calls for
a moment first, so none of its messages is with Telegram and still unmarked when it dies. A
kill in that instant sends the message once more, right after itself; the Bot API offers no
way to avoid it, and tests/e2e/test_crash_e2e.py counts how often. What this test counts are
duplicates that two workers would cause.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import secrets
import time
from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.services.render import Renderer
from flows.content import load_content
from flows.messages import outbound_from_json
from storage.db import Database, async_url
from storage.migrate import migrate
from storage.sealing import ring
from tests.bot.team import add
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES, Clock
from tests.e2e.test_crash_e2e import AUDIT, run_statements
from tests.e2e.test_intake_e2e import Klik
from tests.support.balancer import Balancer
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = "klik-" + "w" * 32
YOUNGSTERS = [30_000 + n for n in range(200)]
LOTTE, BRAM = 8001, 8002
RACES = 20  # cases both coaches tap at once, one on each worker
GUARDED = 30  # cases whose whole guard ladder is made due
KILL_AFTER = 100  # youngsters in the queue when one worker is killed
HOLD = 2.0  # seconds the Bot API holds its calls before the kill, so every answered one is marked
WAIT = 600.0  # seconds for the whole run before the test gives up: 200 offers reach each
# coach at one a second (Telegram's limit per chat), after every youngster's replies
OOPS = "error.later"


def first_words(chat: int) -> str:
    return f"ik kan goed tekenen, nummer {chat}"


def second_words(chat: int) -> str:
    return f"en ik slaap slecht, nummer {chat}"


def pairs(chat: int) -> bool:
    """Every fifth youngster sends two texts at the same moment."""
    return chat % 5 == 0


# -- a fresh database --------------------------------------------------------------------


async def _create(name: str) -> str | None:
    admin = create_async_engine(async_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:  # any reason the server cannot be used
        return None
    finally:
        await admin.dispose()
    url = make_url(async_url(POSTGRES_URL)).set(database=name).render_as_string(False)
    db = Database(url)
    await migrate(db)
    await db.close()
    return url


async def _drop(name: str) -> None:
    admin = create_async_engine(async_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A database of its own on the test server, migrated, with a copy of every outbox row."""
    name = f"klik_workers_{secrets.token_hex(4)}"
    url = asyncio.run(_create(name))
    if url is None:
        reason = f"PostgreSQL not reachable at {POSTGRES_URL}: two workers need one"
        if REQUIRE_POSTGRES:
            pytest.fail(f"KLIK_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    asyncio.run(run_statements(url, AUDIT))
    yield url
    asyncio.run(_drop(name))


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        for chat in YOUNGSTERS:
            stand_in.user(chat, first_name="Jo", language_code="nl")
        stand_in.user(LOTTE, first_name="Lotte", language_code="nl")
        stand_in.user(BRAM, first_name="Bram", language_code="nl")
        yield stand_in


async def add_coaches(url: str) -> None:
    db = Database(url)
    clock = Clock(datetime.now(UTC))
    for chat, name in ((LOTTE, "Lotte"), (BRAM, "Bram")):
        # The workers run on the wall clock: both coaches work every hour, whenever CI runs.
        await add(
            db,
            clock,
            str(chat),
            role="coach",
            name=name,
            languages="nl",
            focus="money,home",
            capacity=500,
            hours="mon-sun 00:00-24:00",
        )
    await db.close()


class Worker(Klik):
    """`klik run` in webhook mode, one of several on the database."""

    def __init__(self, api: FakeBotApi, database_url: str, workdir: Path) -> None:
        workdir.mkdir()
        super().__init__(api, database_url, workdir)
        self.env.update(
            TELEGRAM_MODE="webhook",
            PUBLIC_URL="https://klik.example",
            WEBHOOK_SECRET=SECRET,
            SERVICE_HOURS="mon-sun 00:00-24:00",
            GUARD_EVERY="2",
            LOG_LEVEL="INFO",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram/webhook"

    def kill(self) -> None:
        self.cpu = self.cpu_seconds()
        super().kill()

    def stop(self) -> int:
        self.cpu = self.cpu_seconds()
        return super().stop()

    def cpu_seconds(self) -> float:
        """CPU the process used so far (user and system), from /proc."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the youngsters ------------------------------------------------------------------------

Wait = tuple[str, int | None]  # a text to wait for, after which message


def intake(api: FakeBotApi, chat: int) -> Generator[Wait, dict[str, Any], None]:
    """One youngster's taps and texts; yields what to wait for, gets the message."""
    api.send_command(chat, "/start")
    consent = yield ("Is dat oké voor jou?", None)
    api.tap(chat, consent["message_id"], text="👍 Oké, we beginnen")
    age = yield ("Hoe oud ben je?", consent["message_id"])
    api.tap(chat, age["message_id"], text="16 - 17")
    opener = yield ("Vraag 1 van 6", age["message_id"])
    api.send_text(chat, first_words(chat))
    if pairs(chat):
        api.send_text(chat, second_words(chat))
    last = yield ("Vraag 2 van 6", opener["message_id"])
    if pairs(chat):  # the second text stays with the question on screen
        yield ("Bewaard", last["message_id"])
    api.tap(chat, last["message_id"], text="💬 Ik wil gewoon met iemand praten")
    yield ("Je staat in de wachtrij ✅", last["message_id"])


@dataclass
class Youngsters:
    """Drives every youngster's intake from one thread: each takes its next step as soon as
    the message it waits for has arrived."""

    api: FakeBotApi
    steps: dict[int, Generator[Wait, dict[str, Any], None]] = field(default_factory=dict)
    waiting: dict[int, Wait] = field(default_factory=dict)
    queued: set[int] = field(default_factory=set)

    def start(self, chats: list[int]) -> None:
        for chat in chats:
            self.steps[chat] = intake(self.api, chat)
            self.waiting[chat] = next(self.steps[chat])

    def step(self) -> None:
        for chat, (contains, after) in list(self.waiting.items()):
            found = self.api.message_after(chat, contains=contains, after_message_id=after)
            if found is None:
                continue
            try:
                self.waiting[chat] = self.steps[chat].send(found)
            except StopIteration:
                del self.waiting[chat]
                self.queued.add(chat)


# -- reading the database afterwards ----------------------------------------------------------


async def rows(url: str, query: str) -> list[Any]:
    db = Database(url)
    async with db.transaction() as session:
        found = list((await session.execute(text(query))).all())
    await db.close()
    return found


def offers_for(api: FakeBotApi, coach: int) -> dict[int, dict[str, Any]]:
    """The offer messages a coach got, by case id (from their claim button)."""
    found: dict[int, dict[str, Any]] = {}
    for message in api.messages(coach):
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data", "")
                if data.startswith("claim:"):
                    found.setdefault(int(data.split(":")[1]), message)
    return found


def test_two_workers_behind_a_load_balancer_lose_nothing_and_do_nothing_twice(
    api: FakeBotApi, postgres_url: str, tmp_path: Path
) -> None:
    asyncio.run(add_coaches(postgres_url))
    workers = [Worker(api, postgres_url, tmp_path / f"w{n}") for n in range(2)]
    routes: dict[int, int] = {}  # chat -> worker, for the coaches' taps in the race
    balancer = Balancer(
        api,
        [w.url for w in workers],
        SECRET,
        twice=7,
        route=lambda update: routes.get(
            (update.get("callback_query") or {}).get("from", {}).get("id", 0)
        ),
    )
    started = time.monotonic()
    for worker in workers:
        worker.start()
    youngsters = Youngsters(api)
    try:
        api.wait_for(lambda a: len(a.accepted("setWebhook")) == 2, timeout=30)
        balancer.start()
        youngsters.start(YOUNGSTERS)
        deadline = time.monotonic() + WAIT
        raced: list[int] = []
        guarded: list[int] = []
        killed = False
        # Offers leave after the youngsters' replies (flows/urgency.py), at one a second per
        # coach's chat: the race may only start once the intakes are done.
        while (youngsters.waiting or not guarded) and time.monotonic() < deadline:
            youngsters.step()
            if not raced:
                raced = race(api, routes)
            if raced and not guarded:
                guarded = make_guard_due(postgres_url, raced)
            if not killed and len(youngsters.queued) >= KILL_AFTER:
                kill_between_messages(api, workers[1])
                killed = True
            time.sleep(0.05)
        while not done(api, balancer, postgres_url) and time.monotonic() < deadline:
            time.sleep(0.2)
        elapsed = time.monotonic() - started
    finally:
        balancer.stop()
        for worker in workers:
            if worker.process is not None and worker.process.poll() is None:
                worker.stop()

    stuck = Counter(contains for contains, _ in youngsters.waiting.values())
    print(
        f"\n{len(youngsters.queued)} queued, waiting for: {dict(stuck)}; {elapsed:.0f} s; CPU: "
        f"workers {workers[0].cpu:.1f} s + {workers[1].cpu:.1f} s, this test and the stand-in "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_utime:.1f} s; balancer: {balancer.stats}"
    )
    assert killed and not stuck
    lost, reordered, pair_reordered = count_answers(postgres_url)
    written, delivered = count_messages(api, postgres_url)
    twice = sum((delivered - written).values())
    never = sum((written - delivered).values())
    claims = count_claims(api, postgres_url, raced)
    guard = count_guard(postgres_url, guarded)
    print(
        f"2 workers, {len(YOUNGSTERS)} intakes, 1 SIGKILL: "
        f"{lost} answers lost, {reordered} out of order ({pair_reordered} of "
        f"{sum(map(pairs, YOUNGSTERS))} pairs sent at once came in the other order), "
        f"{twice} messages delivered twice, {never} never delivered, "
        f"{claims.double} double claims in {len(raced)} races, "
        f"guard steps: {guard.fired} fired once, {guard.not_once} not exactly once"
    )
    assert lost == 0 and reordered == 0
    assert twice == 0 and never == 0, [
        (chat, words[:40]) for chat, words in (delivered - written) + (written - delivered)
    ]
    assert len(raced) == RACES and claims.double == 0 and claims.won == RACES
    assert len(guarded) == GUARDED and guard.not_once == 0 and guard.fired == 4 * GUARDED


def kill_between_messages(api: FakeBotApi, worker: Worker) -> None:
    """SIGKILL while none of the worker's messages is with Telegram unmarked: hold every Bot
    API call for a moment (those answered already get marked sent), kill, then let the held
    calls through; the dead worker's are gone with it, as if it died just before sending."""
    api.hold()
    try:
        time.sleep(HOLD)
        worker.kill()
        time.sleep(0.2)  # the stand-in sees the dead worker's connections close
    finally:
        api.release()


def race(api: FakeBotApi, routes: dict[int, int]) -> list[int]:
    """Both coaches tap the same offer at once, Lotte's tap to one worker and Bram's to the
    other, for RACES cases; [] while fewer offers have reached both of them."""
    lotte, bram = offers_for(api, LOTTE), offers_for(api, BRAM)
    both = sorted(set(lotte) & set(bram))
    if len(both) < RACES:
        return []
    routes.update({LOTTE: 0, BRAM: 1})
    cases = both[:RACES]
    for case in cases:
        api.tap(LOTTE, lotte[case]["message_id"], data=f"claim:{case}")
        api.tap(BRAM, bram[case]["message_id"], data=f"claim:{case}")
    return cases


def make_guard_due(url: str, raced: list[int]) -> list[int]:
    """Every step of the guard's ladder due now for GUARDED waiting cases nobody raced for;
    [] while there are not enough yet."""
    found = asyncio.run(
        rows(
            url,
            "SELECT c.id FROM cases c WHERE c.state = 'queued' AND c.id NOT IN "
            f"({', '.join(map(str, raced))}) AND (SELECT count(*) FROM guard_steps g"
            " WHERE g.case_id = c.id) = 4 ORDER BY c.id",
        )
    )
    cases = [row[0] for row in found][:GUARDED]
    if len(cases) < GUARDED:
        return []
    asyncio.run(
        rows(
            url,
            "UPDATE guard_steps SET due_at = now() - interval '1 minute' WHERE case_id IN "
            f"({', '.join(map(str, cases))}) RETURNING id",
        )
    )
    return cases


def done(api: FakeBotApi, balancer: Balancer, url: str) -> bool:
    """Every update delivered, every due guard step taken, the outbox empty."""
    if not balancer.idle():
        return False
    ((outbox, due),) = asyncio.run(
        rows(
            url,
            "SELECT (SELECT count(*) FROM outbox),"
            " (SELECT count(*) FROM guard_steps WHERE done_at IS NULL AND due_at < now())",
        )
    )
    return bool(outbox == 0 and due == 0)


def count_answers(url: str) -> tuple[int, int, int]:
    """Answers lost; answers out of order (apart from pairs sent at once); pairs reordered."""
    found = asyncio.run(
        rows(
            url,
            "SELECT c.address, y.age_band, a.question, a.text FROM contacts c"
            " JOIN youngsters y ON y.id = c.youngster_id"
            " LEFT JOIN intake_answers a ON a.youngster_id = y.id",
        )
    )
    ages: dict[int, str | None] = {}
    texts: dict[int, dict[str, str]] = {}
    for sealed, age_band, question, sealed_words in found:
        address = ring().open(sealed)
        words = ring().open(sealed_words) if sealed_words is not None else None
        ages[int(address)] = age_band
        if question is not None:
            texts.setdefault(int(address), {})[question] = words
    lost = reordered = pair_reordered = 0
    for chat in YOUNGSTERS:
        lost += ages.get(chat) != "16_17"
        answers = texts.get(chat, {})
        said = [first_words(chat), second_words(chat)] if pairs(chat) else [first_words(chat)]
        kept = [answers.get(q, "") for q in ("strengths", "health")][: len(said)]
        lost += len(set(said) - set(kept))
        if set(kept) == set(said) and kept != said:
            if pairs(chat):
                pair_reordered += 1
            else:
                reordered += 1
    return lost, reordered, pair_reordered


def count_messages(api: FakeBotApi, url: str) -> tuple[Counter[tuple[int, str]], ...]:
    """Per chat and text: how often the service wrote it (every outbox row ever) and how
    often Telegram accepted it."""
    renderer = Renderer(load_content(), timezone=ZoneInfo("Europe/Brussels"), country="BE")
    written: Counter[tuple[int, str]] = Counter()
    for address, language, payload in asyncio.run(
        rows(url, "SELECT address, language, payload FROM outbox_audit")
    ):
        address = ring().open(address)
        message = outbound_from_json(json.loads(ring().open(payload)))
        if not message.edit and not message.copy:
            written[(int(address), renderer.render(message, language).text)] += 1
    oops = renderer.content.text("nl", OOPS)
    delivered = Counter(
        (int(params["chat_id"]), params["text"])
        for _, params in api.accepted("sendMessage")
        if params["text"] != oops
    )
    return written, delivered


@dataclass
class Claims:
    won: int
    double: int


def count_claims(api: FakeBotApi, url: str, raced: list[int]) -> Claims:
    """Race cases given to a coach, and coaches told 'you have it' beyond one per case."""
    if not raced:
        return Claims(0, 0)
    found = asyncio.run(
        rows(
            url,
            "SELECT count(*) FROM cases WHERE state = 'active' AND coach_id IS NOT NULL"
            f" AND id IN ({', '.join(map(str, raced))})",
        )
    )
    introductions = sum(
        "Stel je nu voor" in m.get("text", "") for c in (LOTTE, BRAM) for m in api.messages(c)
    )
    return Claims(won=int(found[0][0]), double=introductions - len(raced))


@dataclass
class Guard:
    fired: int
    not_once: int


def count_guard(url: str, guarded: list[int]) -> Guard:
    """Steps fired, and steps not taken exactly once: not done, skipped, or their messages
    written more than once (a youngster told twice that the promise ran out)."""
    if not guarded:
        return Guard(0, 0)
    cases = ", ".join(map(str, guarded))
    steps = asyncio.run(
        rows(
            url, f"SELECT outcome, count(*) FROM guard_steps WHERE case_id IN ({cases}) GROUP BY 1"
        )
    )
    by_outcome = {outcome: int(n) for outcome, n in steps}
    written = asyncio.run(
        rows(
            url,
            "SELECT c.youngster_id, o.payload FROM outbox_audit o JOIN contacts c ON"
            " c.address_key = o.address_key JOIN cases k ON k.youngster_id = c.youngster_id"
            f" WHERE k.id IN ({cases})",
        )
    )
    # The payloads are sealed: which ones tell of the late promise is read here.
    counted = Counter(who for who, payload in written if "guard.late" in ring().open(payload))
    late = list(counted.items())
    told_twice = sum(int(n) - 1 for _, n in late if int(n) > 1) + (GUARDED - len(late))
    fired = by_outcome.get("fired", 0)
    return Guard(fired=fired, not_once=4 * len(guarded) - fired + told_twice)
