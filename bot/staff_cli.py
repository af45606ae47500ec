"""`klik coach ...` and `klik teamlead ...`: accounts for the people who answer.

An operator adds a coach; Klik prints a one-time code that the coach sends to the bot
(`/coach KLIK-7F3K-Q9ZD`) to link their Telegram account. Codes work once, for 48 hours.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime, time
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings, settings_or_exit
from bot.matchteam import Matchteam
from bot.runtime import StartupError, content_or_refuse, database_ready, utc_now
from flows.hours import parse_service_hours
from flows.intake import IntakeFlow
from flows.staff import make_invite_code
from storage.db import Database
from storage.models import Staff, utc
from storage.staff import add_invite, add_staff, deactivate_staff, get_staff, list_staff, split


def _list(value: str) -> str:
    return ",".join(part.strip().lower() for part in value.split(",") if part.strip())


def _check(args: argparse.Namespace, settings: Settings) -> str | None:
    """A one-line reason why the profile cannot be right, or None. The focus domains come from
    the content the service runs with (CONTENT_DIR), as installed or edited."""
    questionnaire = content_or_refuse(settings).questionnaire
    domains = {q.id for q in questionnaire.questions if q.kind == "checkin"}
    unknown = [d for d in split(args.focus or "") if d not in domains]
    if unknown:
        return f"unknown focus {', '.join(unknown)}; choose from {', '.join(sorted(domains))}"
    languages = [code for code in split(args.languages or "") if len(code) != 2]
    if languages:
        return f"languages are two-letter codes such as nl,en (not {', '.join(languages)})"
    if args.hours:
        try:
            parse_service_hours(args.hours)
        except ValueError as error:
            return f"--hours: {error}"
    regions = [r for r in split(args.regions or "") if not (r.isdigit() and len(r) == 2)]
    if regions:
        return f"regions are two-digit postcode areas such as 90,91 (not {', '.join(regions)})"
    return None


async def _invite(db: Database, staff_id: int) -> tuple[str, datetime]:
    code = make_invite_code(secrets.SystemRandom())
    async with db.transaction() as session:
        expires = await add_invite(session, staff_id=staff_id, code=code, now=utc_now())
    return code, expires


def _print_invite(name: str, code: str, expires: datetime, settings: Settings) -> None:
    local = expires.astimezone(settings.zone)
    print(f"Invite code for {name}: {code}")
    print(f"Let {name} send this to the bot in Telegram:  /coach {code}")
    print(f"It works once, until {local:%Y-%m-%d %H:%M} ({settings.timezone}).")


async def add(args: argparse.Namespace, settings: Settings, *, role: str) -> int:
    """Add a coach or team lead and print their invite code."""
    problem = _check(args, settings)
    if problem:
        print(f"klik: {problem}", file=sys.stderr)
        return 2
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            staff = await add_staff(
                session,
                staff=Staff(
                    role=role,
                    name=args.name.strip(),
                    intro=(args.intro or "").strip(),
                    languages=_list(args.languages or "nl"),
                    focus=_list(args.focus or ""),
                    gender=args.gender,
                    regions=_list(args.regions or ""),
                    modes=_list(args.modes or "chat"),
                    capacity=args.capacity if role == "coach" else 0,
                    hours=args.hours or "",
                    created_at=utc_now(),
                ),
            )
        assert staff.id is not None
        print(f"{'Coach' if role == 'coach' else 'Team lead'} {staff.name} added (id {staff.id}).")
        code, expires = await _invite(db, staff.id)
        _print_invite(staff.name, code, expires, settings)
    finally:
        await db.close()
    return 0


async def show(args: argparse.Namespace, settings: Settings) -> int:
    """List coaches and team leads."""
    del args
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            rows = await list_staff(session)
    finally:
        await db.close()
    if not rows:
        print("No coaches or team leads yet. Add one with: klik coach add --name Lotte ...")
        return 0
    print(f"{'id':>3}  {'name':<12} {'role':<9} {'languages':<9} {'focus':<22} {'cap':>3}  status")
    for staff, linked in rows:
        status = "inactive" if not staff.active else ("linked" if linked else "invited")
        away = utc(staff.away_until) if staff.away_until else None
        if staff.active and away is not None and away > utc_now():
            status += f", away until {away.astimezone(settings.zone):%Y-%m-%d}"
        print(
            f"{staff.id:>3}  {staff.name:<12} {staff.role:<9} {staff.languages:<9} "
            f"{staff.focus or '-':<22} {staff.capacity:>3}  {status}"
        )
    return 0


async def change(args: argparse.Namespace, settings: Settings, *, action: str) -> int:
    """Deactivate, re-invite or set a coach away, found by id or first name."""
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            staff = await get_staff(session, ref=args.who)
            if staff is None or staff.id is None:
                print(
                    f"klik: no single staff member '{args.who}' (see: klik coach list)",
                    file=sys.stderr,
                )
                return 2
            if action == "deactivate":
                await deactivate_staff(session, staff_id=staff.id)
                moved = await _hand_back(session, settings, staff.id)
                print(f"{staff.name} is deactivated and gets no new youngsters.")
                if moved:
                    print(f"{moved} conversation(s) went back to the front of the queue.")
            elif action == "away":
                until = datetime.combine(args.until, time(0, 0), tzinfo=settings.zone)
                staff.away_until = until.astimezone(UTC)
                print(f"{staff.name} is away until {args.until:%Y-%m-%d}.")
            name, staff_id = staff.name, staff.id
        if action == "invite":
            code, expires = await _invite(db, staff_id)
            _print_invite(name, code, expires, settings)
    finally:
        await db.close()
    return 0


async def _hand_back(session: AsyncSession, settings: Settings, staff_id: int) -> int:
    """Put a leaving coach's youngsters back in the queue; the running bot sends the news."""
    rules = settings.rules()
    flow = IntakeFlow(content_or_refuse(settings), rules)
    return await Matchteam(flow, rules).coach_leaves(session, staff_id=staff_id, now=utc_now())


Action = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


def _runner(action: Action) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        settings = settings_or_exit()
        try:
            # A staff command on a database that is unreachable or not migrated, or with
            # content that does not load, says so and what to do, instead of a traceback.
            asyncio.run(database_ready(settings))
            return asyncio.run(action(args, settings))
        except StartupError as error:
            print(error, file=sys.stderr)
            return 2

    return run


def install(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `coach` and `teamlead` command groups to the CLI."""
    for role, title in (("coach", "coaches"), ("teamlead", "team leads")):
        group = commands.add_parser(role, help=f"manage {title}").add_subparsers(
            dest="action", required=True
        )
        new = group.add_parser("add", help=f"add one of the {title}; prints an invite code")
        new.add_argument("--name", required=True, help="first name, shown to youngsters")
        new.add_argument("--intro", help="one or two sentences youngsters see")
        new.add_argument("--languages", default="nl", help="e.g. nl,en (first is theirs)")
        new.add_argument("--gender", choices=["woman", "man", "other"])
        if role == "coach":
            new.add_argument("--focus", default="", help="domains, e.g. money,home")
            new.add_argument("--capacity", type=int, default=8, help="most active cases")
            new.add_argument("--regions", default="", help="postcode areas, e.g. 90,91")
            new.add_argument("--modes", default="chat", help="chat,call,video,meet")
            new.add_argument("--hours", default="", help="weekly hours, e.g. mon-thu 09:00-17:00")
        else:
            new.set_defaults(focus="", capacity=0, regions="", modes="chat", hours="")
        new.set_defaults(func=_runner(partial(add, role=role)))
        group.add_parser("list", help="list coaches and team leads").set_defaults(
            func=_runner(show)
        )
        for action, text in (
            ("deactivate", "stop offering youngsters and unlink the chat"),
            ("invite", "print a new invite code"),
        ):
            sub = group.add_parser(action, help=text)
            sub.add_argument("who", help="id or first name")
            sub.set_defaults(func=_runner(partial(change, action=action)))
        away = group.add_parser("away", help="out of office until a date")
        away.add_argument("who", help="id or first name")
        away.add_argument("--until", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
        away.set_defaults(func=_runner(partial(change, action="away")))
