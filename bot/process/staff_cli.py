"""`klik coach ...` and `klik teamlead ...`: accounts for the people who answer.

The command line (options, help, one-line errors) and running a command only on a database
that is reachable and migrated; bot/process/staff_commands.py is what each command does.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine
from datetime import date
from functools import partial
from typing import Any, NoReturn

from bot.process import staff_commands
from bot.process.config import Settings, settings_or_exit
from bot.process.runtime import StartupError, database_or_refuse
from flows.staff import GENDERS, ROLES, TITLES
from storage.db import Database

Action = Callable[[argparse.Namespace, Settings, Database], Coroutine[Any, Any, int]]


class OneLineParser(argparse.ArgumentParser):
    """A wrong option is one line naming it, exit status 2, like every refusal of the CLI."""

    def error(self, message: str) -> NoReturn:
        self.exit(staff_commands.REFUSED, f"{self.prog}: {message} (see: {self.prog} --help)\n")


def _runner(action: Action) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        return asyncio.run(_run(action, args, settings_or_exit()))

    return run


async def _run(action: Action, args: argparse.Namespace, settings: Settings) -> int:
    # A database that is unreachable or not migrated, or content that is broken, is said in
    # one line with what to do, instead of a traceback.
    try:
        db = await database_or_refuse(settings)
    except StartupError as error:
        print(error, file=sys.stderr)
        return staff_commands.REFUSED
    try:
        return await action(args, settings, db)
    except StartupError as error:
        print(error, file=sys.stderr)
        return staff_commands.REFUSED
    finally:
        await db.close()


def _profile_options(parser: argparse.ArgumentParser, role: str, *, adding: bool) -> None:
    """The options `add` sets and `edit` changes; in `edit` an option left out stays."""
    parser.add_argument("--name", required=adding, help="first name, shown to youngsters; unique")
    parser.add_argument("--intro", help="one or two sentences youngsters see")
    parser.add_argument("--languages", help="e.g. nl,en (first is theirs; default: nl)")
    genders = GENDERS if adding else (*GENDERS, "none")
    parser.add_argument("--gender", choices=genders)
    parser.add_argument(
        "--hours", help="own weekly hours, e.g. mon-thu 09:00-17:00 ('' = the service's)"
    )
    if role != "coach":
        return
    parser.add_argument("--focus", help="domains from the questionnaire, e.g. money,home")
    parser.add_argument(
        "--capacity", type=int, default=8 if adding else None, help="most active conversations"
    )
    parser.add_argument("--regions", help="two-digit postcode areas, e.g. 90,91")
    parser.add_argument("--modes", default="chat" if adding else None, help="chat,call,video,meet")


def install(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `coach`, `teamlead` and `staff` command groups to the CLI."""
    anyone = commands.add_parser("staff", help="coaches and team leads alike").add_subparsers(
        dest="action", required=True, parser_class=OneLineParser
    )
    link = anyone.add_parser("login-link", help="print a one-time link to the dashboard")
    link.add_argument("who", help="id or name")
    link.set_defaults(func=_runner(staff_commands.login_link))
    for role in ROLES:
        title = TITLES[role]
        group = commands.add_parser(role, help=f"manage {title}s").add_subparsers(
            dest="action", required=True, parser_class=OneLineParser
        )
        new = group.add_parser("add", help=f"add a {title}; prints an invite code")
        _profile_options(new, role, adding=True)
        new.set_defaults(func=_runner(partial(staff_commands.add, role=role)))
        group.add_parser("list", help="list coaches and team leads").set_defaults(
            func=_runner(staff_commands.show)
        )
        change = group.add_parser("edit", help=f"change what add set for a {title}")
        change.add_argument("who", help="id or name")
        _profile_options(change, role, adding=False)
        change.set_defaults(func=_runner(partial(staff_commands.edit, role=role)))
        for name, action, text in (
            ("invite", staff_commands.invite, "print a new invite code"),
            (
                "deactivate",
                staff_commands.deactivate,
                "no new youngsters; conversations back in queue",
            ),
            ("reactivate", staff_commands.reactivate, "active again; prints an invite code"),
        ):
            sub = group.add_parser(name, help=text)
            sub.add_argument("who", help="id or name")
            sub.set_defaults(func=_runner(partial(action, role=role)))
        away = group.add_parser("away", help="out of office until a date")
        away.add_argument("who", help="id or name")
        away.add_argument(
            "--until",
            required=True,
            type=date.fromisoformat,
            help="YYYY-MM-DD, the day they are back; today's date ends an absence",
        )
        away.set_defaults(func=_runner(partial(staff_commands.away, role=role)))
        gone = group.add_parser(
            "remove", help="delete for good (only without conversations; past ones stay, nameless)"
        )
        gone.add_argument("who", help="id or name")
        gone.add_argument("--yes", action="store_true", help="yes, delete this account")
        gone.set_defaults(func=_runner(partial(staff_commands.remove, role=role)))
