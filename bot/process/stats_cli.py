"""`klik stats --from DAY --to DAY [--csv FILE] [--svg DIR]`: the figures of a period beside the
team's targets (the same figures the dashboard shows), and `klik targets`: the targets file
checked and shown. Aggregates only: small groups are "< 5", nothing is per coach."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml

from bot.process.config import Settings, settings_or_exit
from bot.process.runtime import StartupError, content_or_refuse, database_or_refuse
from bot.process.statistics_export import Words, as_csv, plain, write_charts
from flows.statistics.facts import Period
from flows.statistics.report import Report, Shape, shape_of
from flows.statistics.targets import Targets, TargetsError, read_targets
from storage.statistics import read_statistics

REFUSED = 2  # as every klik command that refuses


def load_targets(path: Path) -> Targets:
    """The targets written down in `path`; none yet when there is no such file."""
    if not path.is_file():
        return Targets()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise TargetsError([f"{path}: not YAML ({type(error).__name__})"]) from error
    return read_targets(data)


def period_of(start: str, end: str, settings: Settings) -> Period:
    """From the start of the first day to the end of the last, in the service's time zone."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    if last < first:
        raise ValueError("--to is before --from")
    zone = settings.zone
    return Period(
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone),
    )


async def _read(settings: Settings, period: Period, shape: Shape, targets: Targets) -> Report:
    db = await database_or_refuse(settings)
    try:
        async with db.transaction() as session:
            return await read_statistics(session, period, shape, targets)
    finally:
        await db.close()


def _stats(args: argparse.Namespace) -> int:
    settings = settings_or_exit()
    try:
        period = period_of(args.start, args.end, settings)
    except ValueError as error:
        print(f"klik stats: give days as YYYY-MM-DD ({error})", file=sys.stderr)
        return REFUSED
    try:
        content = content_or_refuse(settings)
        targets = load_targets(settings.targets_file)
        shape = shape_of(content.questionnaire, settings.rules())
        report = asyncio.run(_read(settings, period, shape, targets))
    except (StartupError, TargetsError) as error:
        print(error, file=sys.stderr)
        return REFUSED
    words = Words(content, args.language)
    print(plain(report, words), end="")
    if not targets.reach and not targets.aims:
        print(words.say("no_targets"))
    if args.csv:
        Path(args.csv).write_text(as_csv(report, words), encoding="utf-8")
        print(f"CSV: {args.csv}")
    if args.svg:
        written = write_charts(report, words, Path(args.svg))
        print(f"Charts: {len(written) // 2} SVG files, each with its table as CSV, in {args.svg}")
    return 0


def _targets(args: argparse.Namespace) -> int:
    """Check the targets file and show what it says."""
    path = settings_or_exit().targets_file
    try:
        targets = load_targets(path)
    except TargetsError as error:
        print(f"{path}:\n{error}", file=sys.stderr)
        return REFUSED
    if not path.is_file():
        print(f"No targets yet: write them in {path} (see README, 'Targets').")
        return 0
    print(f"Targets in {path}:")
    for dimension, shares in targets.reach.items():
        listed = ", ".join(f"{category} {share:g}%" for category, share in shares.items())
        print(f"  reach {dimension}: {listed}")
    for name, value in targets.aims.items():
        print(f"  aim {name}: {value:g}")
    return 0


def install(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `stats` and `targets` to the CLI."""
    stats = commands.add_parser("stats", help="the figures of a period, beside the targets")
    stats.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    stats.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    stats.add_argument("--csv", help="also write every table to this CSV file")
    stats.add_argument("--svg", help="also write a chart per table (SVG + CSV) into this folder")
    stats.add_argument("--language", choices=("nl", "en"), default="nl", help="default nl")
    stats.set_defaults(func=_stats)
    targets = commands.add_parser("targets", help="check and show the targets file")
    targets.set_defaults(func=_targets)
