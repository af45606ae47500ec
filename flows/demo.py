"""The demo accounts of a local Klik (`make run` without a Telegram token): a coach and a team
lead, named in content (`demo.*`), so one person can try both sides in a browser.

Pure: which accounts there are, and what an account found under a demo name means. They are
found by name, so a second start makes none again; an operator who renamed or deactivated one
gets a line saying so instead of a new one beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flows.staff import Profile, StaffMember, invite_problem, pick

# As `klik coach add` gives a coach when nothing is said: room for eight conversations, chat.
DEMO_CAPACITY = 8
DEMO_MODES = ("chat",)


@dataclass(frozen=True)
class DemoAccount:
    """A demo account as it is made: its role and its profile."""

    role: str
    profile: Profile

    @property
    def name(self) -> str:
        """The name it is made and found by."""
        assert self.profile.name is not None
        return self.profile.name


def demo_accounts(texts: Mapping[str, str], offered: Sequence[str]) -> tuple[DemoAccount, ...]:
    """The demo coach and team lead, named in `texts` (the content's default language). They
    speak every language Klik offers, so a youngster in either language reaches them."""
    languages = tuple(offered)
    coach = Profile(
        name=texts["demo.coach_name"],
        intro=texts["demo.coach_intro"],
        languages=languages,
        capacity=DEMO_CAPACITY,
        modes=DEMO_MODES,
    )
    lead = Profile(
        name=texts["demo.teamlead_name"], intro=texts["demo.teamlead_intro"], languages=languages
    )
    return DemoAccount("coach", coach), DemoAccount("teamlead", lead)


def demo_member(account: DemoAccount, found: Sequence[StaffMember]) -> StaffMember | str | None:
    """What the accounts found under a demo account's name mean: None, none yet (make it);
    the member to give a link to; or why no link can be given (one line for the terminal)."""
    if not found:
        return None
    member = pick(account.name, account.role, found)
    if isinstance(member, str):
        return member
    return invite_problem(member) or member
