"""Where a benchmark's figures go: bench/results.json, merged with what other runs wrote; and
a measurement taken on a fresh PostgreSQL database beside SQLite."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

JSON_RESULTS = Path(__file__).resolve().parent / "results.json"


def keep(figures: dict[str, float]) -> None:
    """Write these figures into bench/results.json, keeping the others there."""
    old = json.loads(JSON_RESULTS.read_text(encoding="utf-8")) if JSON_RESULTS.exists() else {}
    old.update(figures)
    JSON_RESULTS.write_text(json.dumps(old, indent=2) + "\n", encoding="utf-8")


def on_both(measure: Callable[[str | None], Awaitable[dict[str, float]]]) -> dict[str, float]:
    """`measure(url)` with a fresh PostgreSQL database (None when none can be made: SQLite
    only), dropped again afterwards."""
    from bench.run import drop, postgres_database  # bench/run.py imports the benchmarks

    async def both() -> dict[str, float]:
        url = await postgres_database()
        try:
            return await measure(url)
        finally:
            if url is not None:
                await drop(url)

    return asyncio.run(both())
