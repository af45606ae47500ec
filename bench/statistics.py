"""How long the statistics take with 10,000 cases: `read_statistics` (storage/statistics.py)
over a 30-day period holding all of them, on SQLite and on PostgreSQL.

The month is written with Core inserts (one statement per table, in chunks): 10,000 youngsters
who consented, each with the events of a finished intake, a case queued in the month (nine in
ten claimed, after 5 minutes to 30 hours), one or two coach messages, reach answers; plus
crisis and appointment events. Timings are for comparing (machines are shared and noisy); run
alone with `python -m bench.statistics`, which also writes its figures into results.json.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from bench.keys import install_bench_key
from bench.results import keep
from flows.content import load_content
from flows.hours import parse_service_hours
from flows.state import Rules
from flows.statistics.facts import Period
from flows.statistics.report import shape_of
from flows.statistics.targets import Targets
from storage.db import Database
from storage.migrate import migrate
from storage.models import (
    Case,
    CaseMessage,
    IntakeAnswer,
    Staff,
    StatEvent,
    Youngster,
    table_of,
)
from storage.statistics import read_statistics

CASES = 10_000
START = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 30
RUNS = 3
CHUNK = 2_000
QUESTIONS = ("strengths", "health", "home", "goals", "money", "network")


def event(
    journey: str, hour: datetime, kind: str, step: str | None = None, value: str | None = None
) -> dict[str, Any]:
    """A statistics event row: every column given (one insert statement for all rows)."""
    return {"journey": journey, "hour": hour, "kind": kind, "step": step, "value": value}


def month(cases: int, seed: int = 18) -> dict[Any, list[dict[str, Any]]]:
    """The rows of a month with `cases` cases, per table."""
    rng = random.Random(seed)
    rows: dict[Any, list[dict[str, Any]]] = {
        Staff: [{"role": "coach", "name": f"Coach {n}", "created_at": START} for n in range(40)],
        Youngster: [],
        IntakeAnswer: [],
        StatEvent: [],
        Case: [],
        CaseMessage: [],
    }
    events = rows[StatEvent]
    for n in range(cases):
        started = START + timedelta(minutes=rng.randrange(DAYS * 24 * 60 - 3000))
        hour = started.replace(minute=0, second=0, microsecond=0)
        journey = f"{n:032x}"
        rows[Youngster].append(
            {
                "id": journey,
                "pseudonym": f"Sam-{n}",
                "language": rng.choice(("nl", "nl", "nl", "en")),
                "state": "queued",
                "age_band": rng.choice(("12_15", "16_17", "18_20", "21_25")),
                "journey": journey,
                "created_at": started,
                "last_seen": started,
            }
        )
        rows[IntakeAnswer].append(
            {"youngster_id": journey, "question": "region", "choice": f"{rng.randrange(10, 40)}"}
        )
        events.append(event(journey, hour, "consent_given"))
        events.append(event(journey, hour, "answered", "age", "16_17"))
        for question in QUESTIONS:
            value = str(rng.randrange(1, 6))
            events.append(
                {
                    "journey": journey,
                    "hour": hour,
                    "kind": "answered",
                    "step": question,
                    "value": value,
                }
            )
        events.append(event(journey, hour, "queued"))
        claimed = started + timedelta(minutes=rng.randrange(5, 1800)) if n % 10 else None
        rows[Case].append(
            {
                "id": n + 1,
                "youngster_id": journey,
                "state": "active" if claimed else "queued",
                "queued_at": started,
                "deadline": started + timedelta(hours=24),
                "coach_id": rng.randrange(1, 41) if claimed else None,
                "claimed_at": claimed,
            }
        )
        if claimed is None:
            continue
        events.append(event(journey, claimed.replace(minute=0, second=0), "claimed"))
        first = claimed + timedelta(minutes=rng.randrange(1, 60))
        events.append(event(journey, first.replace(minute=0, second=0), "coach_first_message"))
        for at in (first, first + timedelta(days=rng.randrange(0, 3))):
            rows[CaseMessage].append(
                {"case_id": n + 1, "sender": "coach", "text": "hoi", "created_at": at}
            )
        if n % 7 == 0:
            events.append(event(journey, hour, "crisis", value="suicide"))
        if n % 3 == 0:
            kind = rng.choice(("appointment_done", "appointment_missed"))
            events.append(event(journey, hour, kind))
    return rows


async def seed(db: Database, rows: dict[Any, list[dict[str, Any]]]) -> None:
    async with db.transaction() as session:
        for model, table_rows in rows.items():
            for at in range(0, len(table_rows), CHUNK):
                await session.execute(insert(table_of(model)), table_rows[at : at + CHUNK])


async def time_statistics(url: str, cases: int) -> float:
    """The median time of `read_statistics` over the month, in milliseconds."""
    db = Database(url)
    await migrate(db)
    await seed(db, month(cases))
    content = load_content()
    rules = Rules(24, 12, ZoneInfo("Europe/Brussels"), parse_service_hours("mon-fri 09:00-21:00"))
    shape = shape_of(content.questionnaire, rules)
    period = Period(START, START + timedelta(days=DAYS))
    times = []
    try:
        for _ in range(RUNS):
            began = time.perf_counter()
            async with db.transaction() as session:
                await read_statistics(session, period, shape, Targets())
            times.append((time.perf_counter() - began) * 1000)
    finally:
        await db.close()
    return statistics.median(times)


async def bench_statistics(
    fresh_postgres: Callable[[], Awaitable[str | None]],
    drop: Callable[[str], Awaitable[None]],
) -> tuple[list[str], dict[str, float]]:
    """The figures on SQLite and, with a server, PostgreSQL."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        figures["statistics_10000_cases_sqlite_ms"] = await time_statistics(
            f"sqlite:///{folder}/statistics.db", CASES
        )
    url = await fresh_postgres()
    if url is not None:
        try:
            figures["statistics_10000_cases_pg_ms"] = await time_statistics(url, CASES)
        finally:
            await drop(url)
    lines = [f"statistics of a month with {CASES:,} cases (read_statistics, median of {RUNS}):"]
    lines += [f"  {name}: {value:8.0f} ms" for name, value in figures.items()]
    return lines, figures


def main() -> None:
    # Imported here: bench/run.py imports this module for `make bench`.
    from bench.run import drop, fresh_postgres

    install_bench_key()
    lines, figures = asyncio.run(bench_statistics(fresh_postgres, drop))
    print("\n".join(lines))
    keep(figures)


if __name__ == "__main__":
    main()
