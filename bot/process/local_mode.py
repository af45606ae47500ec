"""Local mode: `make run` without a Telegram token, served on this machine only, from the
embedded SQLite database (Settings.mode). Klik then shows both sides in a browser: the web
chat for the youngster and the dashboard for a demo coach and a demo team lead.

The demo accounts are made on the first start, through the same storage verbs and audit
entries as `klik coach add` (found again by name, so a second start makes none); every start
makes a fresh one-time sign-in link for each, since a link lasts ten minutes. The links are
printed on stdout for the person at the terminal and never logged.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.process.config import TELEGRAM_LATER, Settings
from bot.process.staff_commands import choices_of
from bot.services.login_links import make_login_link
from flows.audit import CLI
from flows.content import Content
from flows.dashboard.signin import LINK_VALID
from flows.demo import DemoAccount, demo_accounts, demo_member
from flows.staff import StaffMember, profile_problem
from storage.audit import record_audit
from storage.db import Database
from storage.staff import add_profile, find_by_ref, member_of, names_taken

CHAT_PATH = "/chat"  # the web chat (bot/channels/web/)


@dataclass(frozen=True)
class SignIn:
    """A demo account's fresh one-time link to the dashboard."""

    name: str
    url: str


@dataclass(frozen=True)
class Welcome:
    """What the terminal shows once Klik listens: where to chat, how to sign in, and why an
    account got no link (renamed roles, deactivated)."""

    chat: str
    sign_ins: tuple[SignIn, ...]
    problems: tuple[str, ...]

    def lines(self) -> list[str]:
        """The lines printed, plain text."""
        minutes = int(LINK_VALID.total_seconds() // 60)
        width = max((len(s.name) for s in self.sign_ins), default=0) + 1  # and a colon
        lines = [
            "klik: local mode: Klik runs on this computer only, without Telegram.",
            f"  Chat as a youngster:  {self.chat}",
        ]
        lines += [f"  Dashboard as {s.name + ':':<{width}}  {s.url}" for s in self.sign_ins]
        lines += [f"  Not signed in: {problem}" for problem in self.problems]
        if self.sign_ins:
            again = shlex.quote(self.sign_ins[0].name)
            lines += [
                f"  A sign-in link works once, within {minutes} minutes; new ones: "
                f"klik staff login-link {again}",
                "  Open the chat and the coach's link in two tabs to play youngster and coach.",
            ]
        lines.append(f"  {TELEGRAM_LATER}")
        return lines


async def prepare_local(
    db: Database, content: Content, settings: Settings, now: datetime
) -> Welcome:
    """Make the demo accounts missing, a sign-in link for each, and the welcome to print."""
    base = settings.dashboard_base()
    default = content.questionnaire.default_language
    accounts = demo_accounts(content.texts[default], content.questionnaire.languages)
    sign_ins: list[SignIn] = []
    problems: list[str] = []
    async with db.transaction() as session:
        for account in accounts:
            found = [member_of(row) for row in await find_by_ref(session, ref=account.name)]
            member = demo_member(account, found)
            if member is None:
                member = await _make(session, account, content, now)
            if isinstance(member, str):
                problems.append(member)
                continue
            url = await make_login_link(session, base, member.id, CLI, now)
            sign_ins.append(SignIn(member.name, url))
    return Welcome(base + CHAT_PATH, tuple(sign_ins), tuple(problems))


async def _make(
    session: AsyncSession, account: DemoAccount, content: Content, now: datetime
) -> StaffMember | str:
    """A demo account added as `klik coach add` adds one, audited as the command line; or why
    the content's profile cannot be (a name `klik check-content` cannot judge)."""
    taken = await names_taken(session)
    if problem := profile_problem(account.profile, choices=choices_of(content), taken=taken):
        return problem
    row = await add_profile(session, role=account.role, profile=account.profile, now=now)
    member = member_of(row)
    await record_audit(session, at=now, actor=CLI, action="staff_add", staff_id=member.id)
    return member
