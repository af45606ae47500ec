"""Coaches and team leads: invite codes, when a coach is available for new youngsters, and
what an operator may set for them (`klik coach ...`).

Pure rules; storage keeps the accounts and bot/ talks to Telegram. An invite code is shown
once and stored only as a digest, so a database copy cannot be used to link an account.
A refusal is one line for the operator, in English like the rest of the CLI, and a text
key for the dashboard (flows/problem.py).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flows.hours import ServiceHours, parse_service_hours
from flows.messages import Inbound, Outbound
from flows.problem import Problem

INVITE_VALID = timedelta(hours=48)
ROLES = ("coach", "teamlead")
TITLES = {"coach": "coach", "teamlead": "team lead"}
GENDERS = ("woman", "man", "other")
NAME_LENGTH = 40  # the column's size; youngsters see it as "Lotte (coach)"
INTRO_LENGTH = 400  # one or two sentences, shown with the coach's first message
# No 0/O, 1/I/L: codes are read aloud and typed over.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


# An invite code is "KLIK-" and six groups of four: the first group names the stored invite
# (not secret: it finds the row), the other twenty characters are the secret, about 99 bits.
# Only a salted, slow hash of the secret is kept (storage/staff.py), so a copy of the
# database gives no code and no guess is cheap.
CODE_ID_LENGTH = 4
SECRET_LENGTH = 20
SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # about 16 MB and tens of milliseconds per check


@dataclass(frozen=True)
class InviteCode:
    """A code read from what somebody typed: the invite it names and the secret part."""

    code_id: str
    secret: str


def make_invite_code(rng: random.Random) -> str:
    """A code like KLIK-7F3K-Q9ZD-...: one group naming the invite, five groups of secret."""
    chars = "".join(rng.choice(_ALPHABET) for _ in range(CODE_ID_LENGTH + SECRET_LENGTH))
    groups = [chars[start : start + 4] for start in range(0, len(chars), 4)]
    return "KLIK-" + "-".join(groups)


def read_code(typed: str) -> InviteCode | None:
    """The code in what somebody typed (lower case, spaces or no dashes still match); None
    when it cannot be one, such as a code of the old, shorter kind."""
    plain = "".join(ch for ch in typed.upper() if ch.isalnum()).removeprefix("KLIK")
    if len(plain) != CODE_ID_LENGTH + SECRET_LENGTH or any(c not in _ALPHABET for c in plain):
        return None
    return InviteCode(plain[:CODE_ID_LENGTH], plain[CODE_ID_LENGTH:])


def secret_digest(secret: str, salt: bytes) -> str:
    """The stored form of a code's secret: scrypt with the invite's own salt."""
    return hashlib.scrypt(secret.encode(), salt=salt, dklen=32, **SCRYPT).hex()


@dataclass(frozen=True)
class StaffMember:
    """A coach or team lead as the rules need to know them."""

    id: int
    role: str
    name: str
    languages: tuple[str, ...]
    focus: tuple[str, ...] = ()
    capacity: int = 0
    active: bool = True
    hours: ServiceHours | None = None  # None: whenever the service is open
    away_until: datetime | None = None


def is_available(
    member: StaffMember, *, now: datetime, timezone: ZoneInfo, service_hours: ServiceHours
) -> bool:
    """Whether a coach can be asked to pick someone up now: active, not away, within hours."""
    if member.role != "coach":
        return False
    return reads_now(member, now=now, timezone=timezone, service_hours=service_hours)


def reads_now(
    member: StaffMember, *, now: datetime, timezone: ZoneInfo, service_hours: ServiceHours
) -> bool:
    """Whether a coach or team lead can be expected to read a crisis alert now: active, not
    away, within their own hours (or the service's). An alert to anyone else reaches nobody."""
    if not member.active:
        return False
    if member.away_until is not None and now < member.away_until:
        return False
    local = now.astimezone(timezone)
    return (member.hours or service_hours).is_open(local)


def staff_language(languages: tuple[str, ...], offered: tuple[str, ...]) -> str:
    """The language Klik speaks to a staff member: their first that the content offers."""
    return next((language for language in languages if language in offered), offered[0])


def staff_reply(event: Inbound) -> list[Outbound]:
    """What a linked coach or team lead gets for a message the bot has no work for yet."""
    del event
    return [Outbound("staff.help")]


def listed(value: str) -> tuple[str, ...]:
    """A comma-separated option as the operator typed it: trimmed, lower case, each once."""
    parts = (part.strip().lower() for part in value.split(","))
    return tuple(dict.fromkeys(part for part in parts if part))


@dataclass(frozen=True)
class Choices:
    """What a profile may name: the content the service runs with, and the known languages."""

    domains: tuple[str, ...]  # the questionnaire's check-in questions: the focus a coach has
    offered: tuple[str, ...]  # the languages Klik talks in
    modes: tuple[str, ...]  # the ways a youngster may ask to meet (contact_mode)
    languages: frozenset[str]  # every language code known (ISO 639)


@dataclass(frozen=True)
class Profile:
    """What an operator sets for a coach or team lead. None leaves a field as it is; an empty
    gender or hours clears it (no gender given; the service's hours)."""

    name: str | None = None
    intro: str | None = None
    languages: tuple[str, ...] | None = None
    gender: str | None = None
    focus: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    modes: tuple[str, ...] | None = None
    capacity: int | None = None
    hours: str | None = None

    def is_empty(self) -> bool:
        """Whether it changes nothing."""
        return all(value is None for value in self.__dict__.values())


def _unknown(given: tuple[str, ...] | None, known: Collection[str]) -> list[str]:
    return [item for item in given or () if item not in known]


def name_problem(name: str, *, taken: Collection[str]) -> Problem | None:
    """Why a name cannot be used, or None. Names are how the CLI finds someone, so they are
    unique (ignoring case) and never just digits, which would read as an id."""
    if not name.strip():
        return Problem("a name cannot be empty", "name_empty")
    if len(name.strip()) > NAME_LENGTH:
        return Problem(
            f"a name has at most {NAME_LENGTH} characters", "name_long", most=NAME_LENGTH
        )
    if not name.isprintable():
        return Problem("a name is one line of plain characters", "name_line")
    if name.strip().isdigit():
        return Problem(
            f"'{name.strip()}' reads as an id; give a name with letters",
            "name_digits",
            name=name.strip(),
        )
    if name.strip().lower() in taken:
        return Problem(
            f"there is already someone called {name.strip()}; add a letter, e.g. {name} B.",
            "name_taken",
            name=name.strip(),
        )
    return None


def profile_problem(
    profile: Profile, *, choices: Choices, taken: Collection[str]
) -> Problem | None:
    """The first reason, in one line, why a profile (new or a change) cannot be right; None if
    it can. `taken` holds the other staff members' names in lower case."""
    if profile.name is not None and (problem := name_problem(profile.name, taken=taken)):
        return problem
    if profile.intro is not None and len(profile.intro.strip()) > INTRO_LENGTH:
        return Problem(
            f"an intro has at most {INTRO_LENGTH} characters (one or two sentences)",
            "intro_long",
            most=INTRO_LENGTH,
        )
    if profile.capacity is not None and profile.capacity <= 0:
        return Problem(
            f"capacity must be 1 or more (not {profile.capacity}); "
            "to take no new youngsters for a while use: klik coach away",
            "capacity",
            capacity=profile.capacity,
        )
    if profile.languages is not None:
        if unknown := _unknown(profile.languages, choices.languages):
            return Problem(
                f"unknown language {', '.join(unknown)}; use codes such as nl, en, fr, ar, tr",
                "language_unknown",
                languages=", ".join(unknown),
            )
        if not set(profile.languages) & set(choices.offered):
            return Problem(
                f"languages must include one Klik talks in: {', '.join(choices.offered)}",
                "language_offered",
                offered=", ".join(choices.offered),
            )
    if profile.gender and profile.gender not in GENDERS:
        return Problem(
            f"unknown gender {profile.gender}; choose from {', '.join(GENDERS)}",
            "gender_unknown",
            gender=profile.gender,
            choices=", ".join(GENDERS),
        )
    if unknown := _unknown(profile.focus, choices.domains):
        return Problem(
            f"unknown focus {', '.join(unknown)}; choose from {', '.join(choices.domains)}",
            "focus_unknown",
            focus=", ".join(unknown),
            choices=", ".join(choices.domains),
        )
    if unknown := _unknown(profile.modes, choices.modes):
        return Problem(
            f"unknown mode {', '.join(unknown)}; choose from {', '.join(choices.modes)}",
            "mode_unknown",
            modes=", ".join(unknown),
            choices=", ".join(choices.modes),
        )
    if profile.modes is not None and not profile.modes:
        return Problem(
            f"give at least one mode: {', '.join(choices.modes)}",
            "mode_none",
            choices=", ".join(choices.modes),
        )
    if bad := [r for r in profile.regions or () if not (r.isdigit() and len(r) == 2)]:
        return Problem(
            f"regions are two-digit postcode areas such as 90,91 (not {', '.join(bad)})",
            "regions",
            regions=", ".join(bad),
        )
    if profile.hours:
        try:
            parse_service_hours(profile.hours)
        except ValueError as error:
            return Problem(f"hours: {error}", "hours", error=str(error))
    return None


def away_problem(until: date, *, today: date) -> Problem | None:
    """An absence ends on a day still to come (today ends it now); a past day is a typo."""
    if until < today:
        return Problem(
            f"{until:%Y-%m-%d} is in the past; give the day they are back, e.g. {today:%Y-%m-%d}",
            "away_past",
            day=f"{until:%Y-%m-%d}",
        )
    return None


def pick(ref: str, role: str, found: Sequence[StaffMember]) -> StaffMember | str:
    """The one staff member an operator means by an id or a name, or why there is no such one
    (several with one name are listed with their ids, and nothing is done)."""
    title, command = TITLES[role], f"klik {role}"
    if not found:
        return f"no {title} '{ref}' (see: {command} list)"
    if len(found) > 1:
        lines = [f"{len(found)} people are called {ref}; give the id instead:"]
        lines += [
            f"  {m.id:>3}  {m.name}  {TITLES[m.role]}{'' if m.active else ', deactivated'}"
            for m in found
        ]
        return "\n".join(lines)
    member = found[0]
    if member.role != role:
        return f"{member.name} is a {TITLES[member.role]}; use: klik {member.role} ..."
    return member


def invite_problem(member: StaffMember) -> Problem | None:
    """A code links a chat to an account, so a deactivated account gets none."""
    if not member.active:
        return Problem(
            f"{member.name} is deactivated; to let them work again use: "
            f"klik {member.role} reactivate {member.id}",
            "deactivated",
            name=member.name,
        )
    return None


def removal_problem(member: StaffMember, *, conversations: int) -> str | None:
    """Removing someone never strands a youngster: their conversations go to a colleague
    (a hand-over in Telegram) or back to the queue (`deactivate`) first."""
    if conversations:
        return (
            f"{member.name} still has {conversations} conversation(s); hand them over in "
            f"Telegram, or put them back in the queue with: klik {member.role} deactivate "
            f"{member.id}; then remove"
        )
    return None
