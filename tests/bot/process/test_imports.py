"""What a worker loads at start: the libraries a worker serving youngsters never needs wait
until they are first used."""

from __future__ import annotations

import json
import subprocess
import sys

LATER = ("pygal", "icalendar", "dateparser")


def _loaded_after(code: str) -> list[str]:
    shown = f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(LATER)!r})))"
    found = subprocess.run(
        [sys.executable, "-c", f"import json, sys, bot.process.app; {code}; {shown}"],
        capture_output=True,
        text=True,
        check=True,
    )
    names: list[str] = json.loads(found.stdout)
    return names


def test_a_worker_starts_without_the_chart_calendar_and_date_reading_libraries() -> None:
    # Together some 15 MB in every worker (issue 15: RSS < 128 MB).
    assert _loaded_after("pass") == []


def test_reading_a_typed_moment_loads_dateparser_when_it_is_first_needed() -> None:
    code = (
        "from datetime import datetime, UTC; from zoneinfo import ZoneInfo; "
        "from flows.appointments.moments import parse_moment; "
        "parse_moment('morgen 15u', datetime(2026, 12, 7, 9, tzinfo=UTC), "
        "ZoneInfo('Europe/Brussels'))"
    )
    assert _loaded_after(code) == ["dateparser"]
