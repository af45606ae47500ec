"""What each `klik coach ...` and `klik teamlead ...` command does.

An operator adds a coach; Klik prints a one-time code that the coach sends to the bot
(`/coach KLIK-7F3K-Q9ZD`) to link their Telegram account. Codes work once, for 48 hours.
Bad input gets one line and exit status 2; the rules are in flows/staff.py, the writes in
storage/staff.py. The command line itself (options, help) is in bot/process/staff_cli.py.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from dataclasses import replace
from datetime import UTC, datetime, time

from babel.localedata import locale_identifiers
from sqlalchemy.ext.asyncio import AsyncSession

from bot.process.config import Settings
from bot.process.runtime import content_or_refuse, utc_now
from bot.services.login_links import make_login_link
from bot.services.staff import StaffService
from flows.audit import CLI
from flows.content import Content
from flows.dashboard.signin import LINK_VALID
from flows.intake import IntakeFlow
from flows.staff import (
    TITLES,
    Choices,
    Profile,
    StaffMember,
    away_problem,
    invite_problem,
    listed,
    make_invite_code,
    pick,
    profile_problem,
    removal_problem,
)
from storage.audit import record_audit
from storage.db import Database
from storage.models import utc
from storage.queue import active_cases_of
from storage.staff import (
    add_invite,
    add_profile,
    deactivate_staff,
    edit_staff,
    find_by_ref,
    list_staff,
    member_of,
    names_taken,
    reactivate_staff,
    remove_staff,
    set_away,
)

REFUSED = 2


def refuse(problem: str) -> int:
    """Say why nothing was done (one line, or a short list), exit status 2."""
    print(f"klik: {problem}", file=sys.stderr)
    return REFUSED


def _choices(settings: Settings) -> Choices:
    """What a profile may name, from the content the service runs with (CONTENT_DIR)."""
    return choices_of(content_or_refuse(settings))


def choices_of(content: Content) -> Choices:
    """What a profile may name in this content (the dashboard's staff page asks the same)."""
    questionnaire = content.questionnaire
    modes = next((p.options for p in questionnaire.preferences if p.id == "contact_mode"), ())
    return Choices(
        domains=tuple(q.id for q in questionnaire.questions if q.kind == "checkin"),
        offered=tuple(questionnaire.languages),
        modes=tuple(modes),
        # Babel's locale data names every language it knows; a territory (nl_BE) is no language.
        languages=frozenset(code for code in locale_identifiers() if "_" not in code),
    )


def profile_of(args: argparse.Namespace) -> Profile:
    """The profile an `add` or `edit` describes; an option not given is None."""

    def items(name: str) -> tuple[str, ...] | None:
        value = getattr(args, name, None)
        return None if value is None else listed(value)

    gender = getattr(args, "gender", None)
    return Profile(
        name=args.name,
        intro=args.intro,
        languages=items("languages"),
        gender="" if gender == "none" else gender,
        focus=items("focus"),
        regions=items("regions"),
        modes=items("modes"),
        capacity=getattr(args, "capacity", None),
        hours=getattr(args, "hours", None),
    )


async def _audit(session: AsyncSession, action: str, staff_id: int) -> None:
    """An account change in the audit log, in the change's own transaction."""
    await record_audit(session, at=utc_now(), actor=CLI, action=action, staff_id=staff_id)


async def _invite(db: Database, staff_id: int) -> tuple[str, datetime]:
    code = make_invite_code(secrets.SystemRandom())
    async with db.transaction() as session:
        expires = await add_invite(session, staff_id=staff_id, code=code, now=utc_now())
        await _audit(session, "staff_invite", staff_id)
    return code, expires


async def _print_invite(db: Database, member: StaffMember, settings: Settings) -> None:
    code, expires = await _invite(db, member.id)
    local = expires.astimezone(settings.zone)
    print(f"Invite code for {member.name}: {code}")
    print(f"Let {member.name} send this to the bot in Telegram:  /coach {code}")
    print(f"It works once, until {local:%Y-%m-%d %H:%M} ({settings.timezone}).")


async def add(args: argparse.Namespace, settings: Settings, db: Database, *, role: str) -> int:
    """Add a coach or team lead and print their invite code."""
    profile, choices = profile_of(args), _choices(settings)
    if profile.languages is None:
        profile = replace(profile, languages=choices.offered[:1])  # the content's default
    async with db.transaction() as session:
        taken = await names_taken(session)
        problem = profile_problem(profile, choices=choices, taken=taken)
        if problem:
            return refuse(problem)
        member = member_of(await add_profile(session, role=role, profile=profile, now=utc_now()))
        await _audit(session, "staff_add", member.id)
    print(f"{TITLES[role].capitalize()} {member.name} added (id {member.id}).")
    await _print_invite(db, member, settings)
    return 0


async def show(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    """List coaches and team leads."""
    del args
    async with db.transaction() as session:
        rows = await list_staff(session)
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


async def _one(session: AsyncSession, args: argparse.Namespace, role: str) -> StaffMember | str:
    """The one staff member `who` names, in this role, or why not."""
    found = [member_of(row) for row in await find_by_ref(session, ref=args.who)]
    return pick(args.who, role, found)


async def edit(args: argparse.Namespace, settings: Settings, db: Database, *, role: str) -> int:
    """Change what `add` set; what is not given stays."""
    profile = profile_of(args)
    if profile.is_empty():
        return refuse(f"nothing to change; see: klik {role} edit --help")
    async with db.transaction() as session:
        member = await _one(session, args, role)
        if isinstance(member, str):
            return refuse(member)
        taken = await names_taken(session, other_than=member.id)
        problem = profile_problem(profile, choices=_choices(settings), taken=taken)
        if problem:
            return refuse(problem)
        await edit_staff(session, staff_id=member.id, profile=profile)
        await _audit(session, "staff_edit", member.id)
        held = len(await active_cases_of(session, staff_id=member.id))
    name = profile.name.strip() if profile.name else member.name
    print(f"{name} (id {member.id}) is changed.")
    if profile.capacity is not None and held > profile.capacity:
        print(f"{name} has {held} conversations now: no new youngsters until fewer than that.")
    return 0


async def invite(args: argparse.Namespace, settings: Settings, db: Database, *, role: str) -> int:
    """Print a new invite code, for an active account only."""
    async with db.transaction() as session:
        member = await _one(session, args, role)
    if isinstance(member, str):
        return refuse(member)
    if problem := invite_problem(member):
        return refuse(problem)
    await _print_invite(db, member, settings)
    return 0


async def deactivate(
    args: argparse.Namespace, settings: Settings, db: Database, *, role: str
) -> int:
    """Stop offering youngsters; their conversations go back to the front of the queue."""
    async with db.transaction() as session:
        member = await _one(session, args, role)
        if isinstance(member, str):
            return refuse(member)
        await deactivate_staff(session, staff_id=member.id)
        await _audit(session, "staff_deactivate", member.id)
        moved = await _hand_back(session, settings, member.id)
    print(f"{member.name} is deactivated and gets no new youngsters.")
    if moved:
        print(f"{moved} conversation(s) went back to the front of the queue.")
    return 0


async def _hand_back(session: AsyncSession, settings: Settings, staff_id: int) -> int:
    """Put a leaving coach's youngsters back in the queue; the running bot sends the news."""
    rules = settings.rules()
    flow = IntakeFlow(content_or_refuse(settings), rules)
    return await StaffService(flow, rules).coach_leaves(session, staff_id=staff_id, now=utc_now())


async def reactivate(
    args: argparse.Namespace, settings: Settings, db: Database, *, role: str
) -> int:
    """Let a deactivated account work again; deactivation unlinked the chat, so a new code."""
    async with db.transaction() as session:
        member = await _one(session, args, role)
        if isinstance(member, str):
            return refuse(member)
        if member.active:
            print(f"{member.name} is active already; nothing changed.")
            return 0
        await reactivate_staff(session, staff_id=member.id)
        await _audit(session, "staff_reactivate", member.id)
    print(f"{member.name} is active again.")
    await _print_invite(db, member, settings)
    return 0


async def away(args: argparse.Namespace, settings: Settings, db: Database, *, role: str) -> int:
    """Out of office until a day (in the service's time zone); today ends an absence."""
    if problem := away_problem(args.until, today=utc_now().astimezone(settings.zone).date()):
        return refuse(problem)
    async with db.transaction() as session:
        member = await _one(session, args, role)
        if isinstance(member, str):
            return refuse(member)
        until = datetime.combine(args.until, time(0, 0), tzinfo=settings.zone)
        await set_away(session, staff_id=member.id, until=until.astimezone(UTC))
        await _audit(session, "staff_away", member.id)
    print(f"{member.name} is away until {args.until:%Y-%m-%d}.")
    return 0


async def login_link(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    """Print a one-time link to the dashboard for an active coach or team lead (as /dashboard
    in Telegram gives), e.g. for the first team lead, or someone without Telegram at hand."""
    base = settings.dashboard_base()
    if not base:
        return refuse(
            "the dashboard is reached only on this machine (HTTP_HOST 127.0.0.1) or at "
            "PUBLIC_URL; set PUBLIC_URL to give links"
        )
    now = utc_now()
    async with db.transaction() as session:
        found = [member_of(row) for row in await find_by_ref(session, ref=args.who)]
        role = found[0].role if len(found) == 1 else "coach"
        member = pick(args.who, role, found)
        if isinstance(member, str):
            return refuse(member)
        if not member.active:
            return refuse(f"{member.name} is deactivated; reactivate first")
        url = await make_login_link(session, base, member.id, CLI, now)
    minutes = int(LINK_VALID.total_seconds() // 60)
    print(f"Dashboard link for {member.name} (works once, for {minutes} minutes):")
    print(url)
    return 0


async def remove(args: argparse.Namespace, settings: Settings, db: Database, *, role: str) -> int:
    """Delete an account for good, once it holds no conversation; past ones stay, nameless."""
    del settings
    async with db.transaction() as session:
        member = await _one(session, args, role)
        if isinstance(member, str):
            return refuse(member)
        held = len(await active_cases_of(session, staff_id=member.id))
        if problem := removal_problem(member, conversations=held):
            return refuse(problem)
        if not args.yes:
            return refuse(
                f"this deletes {member.name} (id {member.id}) for good; their past "
                f"conversations stay, without their name. Add --yes to go ahead, or keep the "
                f"account with: klik {role} deactivate {member.id}"
            )
        past = await remove_staff(session, staff_id=member.id)
        await _audit(session, "staff_remove", member.id)
    print(f"{member.name} is removed; {past} past conversation(s) kept.")
    return 0
