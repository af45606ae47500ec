"""`klik purge` (what is past its retention, now; with --dry-run only counted) and `klik audit`
(who did what: the latest audit log entries, for team leads).

Both print counts, codes and ids only: never a text, a chat id or a pseudonym.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine
from datetime import date, datetime, time
from typing import Any

from bot.process.config import Settings, settings_or_exit
from bot.process.runtime import StartupError, database_or_refuse, utc_now
from bot.services.purge import due_counts, purge
from flows.retention import KINDS
from storage.audit import AuditLine, latest
from storage.db import Database
from storage.staff import list_staff

REFUSED = 2
AUDIT_LINES = 50


async def _purge(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    retention = settings.retention()
    if args.dry_run:
        counts = await due_counts(db, retention, utc_now)
        print("Would remove now (nothing is changed):")
    else:
        counts = await purge(db, retention, utc_now)
        print("Removed:")
    for kind in KINDS:
        print(f"  {kind:<18} {counts[kind]:>7}")
    return 0


def _when(value: str, settings: Settings) -> datetime:
    """A day (YYYY-MM-DD, from its start in the service's time zone) or a moment (ISO)."""
    try:
        day = date.fromisoformat(value)
        return datetime.combine(day, time(0, 0), tzinfo=settings.zone)
    except ValueError:
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=settings.zone)


def _who(role: str, staff_id: int | None, names: dict[int, str]) -> str:
    if staff_id is None:
        return role
    return f"{role} {names.get(staff_id, '(removed)')} #{staff_id}"


def _line(line: AuditLine, names: dict[int, str], settings: Settings) -> str:
    staff = f"{names.get(line.staff_id, '(removed)')} #{line.staff_id}" if line.staff_id else "-"
    return (
        f"{line.at.astimezone(settings.zone):%Y-%m-%d %H:%M}  "
        f"{_who(line.actor, line.actor_staff_id, names):<24} {line.action:<17} "
        f"{line.case_id if line.case_id is not None else '-':>6}  {staff:<18} {line.detail or ''}"
    ).rstrip()


async def _audit(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    try:
        since = _when(args.since, settings) if args.since else None
    except ValueError:
        print(f"klik audit: --since {args.since!r}: give a day, YYYY-MM-DD", file=sys.stderr)
        return REFUSED
    async with db.transaction() as session:
        lines = await latest(
            session, limit=args.limit, since=since, case_id=args.case, staff_id=args.staff
        )
        names = {row.id: row.name for row, _ in await list_staff(session) if row.id is not None}
    if not lines:
        print("No audit entries match.")
        return 0
    print(f"{'when':<16}  {'who':<24} {'action':<17} {'case':>6}  {'about':<18} detail")
    for line in lines:
        print(_line(line, names, settings))
    return 0


Action = Callable[[argparse.Namespace, Settings, Database], Coroutine[Any, Any, int]]


def with_database(action: Action) -> Callable[[argparse.Namespace], int]:
    """A command's action run with the settings and the database, refused in one line
    (exit 2) when the database is unfit."""

    def run(args: argparse.Namespace) -> int:
        settings = settings_or_exit()

        async def go() -> int:
            try:
                db = await database_or_refuse(settings)
            except StartupError as error:
                print(error, file=sys.stderr)
                return REFUSED
            try:
                return await action(args, settings, db)
            finally:
                await db.close()

        return asyncio.run(go())

    return run


def install(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `purge` and `audit` to the CLI."""
    purging = commands.add_parser(
        "purge", help="remove what is past its retention now (RETENTION_* settings)"
    )
    purging.add_argument(
        "--dry-run", action="store_true", help="only count, per kind, what would go"
    )
    purging.set_defaults(func=with_database(_purge))
    audit = commands.add_parser("audit", help="who did what: the latest audit log entries")
    audit.add_argument("--since", help="from this day (YYYY-MM-DD) on")
    audit.add_argument("--case", type=int, help="only entries about this case id")
    audit.add_argument("--staff", type=int, help="only what this staff id did or was done about")
    audit.add_argument(
        "-n", "--limit", type=int, default=AUDIT_LINES, help=f"at most (default {AUDIT_LINES})"
    )
    audit.set_defaults(func=with_database(_audit))
