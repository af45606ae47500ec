"""`klik feedback`: how "klikte het?" was answered, per week and in total, for the whole
service; with --lines also the youngsters' own lines. Never per coach: nothing kept could say
whose an answer is (flows/feedback.py), and a week with only a few answers is not shown apart."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from bot.process.config import Settings
from bot.process.privacy_cli import REFUSED, with_database
from bot.process.runtime import utc_now
from flows.feedback import ANSWERS, week_of
from storage.db import Database
from storage.feedback import feedback_counts, feedback_lines, feedback_weeks

WEEKS = 12
# A week with fewer answers is not shown apart: who knows which coach closed the few cases of
# a quiet week would read that coach's answers in it. It still counts in the total.
FEWEST = 5


def _row(label: str, counts: dict[str, int]) -> str:
    cells = "".join(f"{counts.get(answer, 0):>8}" for answer in ANSWERS)
    return f"{label:<12}{cells}{sum(counts.values()):>8}"


async def _feedback(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    if args.weeks < 1:
        print(f"klik feedback: --weeks {args.weeks}: give one or more", file=sys.stderr)
        return REFUSED
    since = week_of(utc_now() - timedelta(weeks=args.weeks - 1), settings.zone)
    async with db.transaction() as session:
        weeks = await feedback_weeks(session, since=since)
        total = await feedback_counts(session, since=since)
        lines = await feedback_lines(session, since=since) if args.lines else []
    print(f"Klikte het? Answers since the week of {since:%Y-%m-%d}, the whole service:")
    print(f"{'week':<12}{''.join(f'{answer:>8}' for answer in ANSWERS)}{'all':>8}")
    for week, counts in weeks.items():
        shown = sum(counts.values()) >= FEWEST
        print(
            _row(f"{week:%Y-%m-%d}", counts) if shown else f"{week:%Y-%m-%d}  fewer than {FEWEST}"
        )
    print(_row("total", total) if sum(total.values()) >= FEWEST else f"total  fewer than {FEWEST}")
    if args.lines:
        print(f"\nTheir own lines ({len(lines)}):")
        for line in lines:
            print("  " + " ".join(line.split()))  # one line each, however it was typed
    return 0


def install(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `feedback` to the CLI."""
    feedback = commands.add_parser(
        "feedback", help='how "klikte het?" was answered: per week, the whole service'
    )
    feedback.add_argument(
        "--weeks", type=int, default=WEEKS, help=f"this many weeks back (default {WEEKS})"
    )
    feedback.add_argument("--lines", action="store_true", help="also the youngsters' own lines")
    feedback.set_defaults(func=with_database(_feedback))
