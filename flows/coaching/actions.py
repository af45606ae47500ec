"""What a coach or team lead asks for: a command word or button data, read into one `Action`
(the rules for each are in claims.py, talk.py and life.py)."""

from __future__ import annotations

from dataclasses import dataclass

from flows.command_words import CommandWords
from flows.messages import Inbound
from flows.queue import claim_target


@dataclass(frozen=True)
class Claim:
    case_id: int


@dataclass(frozen=True)
class Open:
    which: str  # a pseudonym or case id, lower case; "" lists them


@dataclass(frozen=True)
class Queue:
    pass


@dataclass(frozen=True)
class Command:
    """/pauze, /afsluiten, /overdragen on the current conversation."""

    action: str  # pause | close | handover


@dataclass(frozen=True)
class Block:
    """/blokkeer <reason>: on the case of the message replied to, or the current one."""

    reason: str


@dataclass(frozen=True)
class Unblock:
    """/deblokkeer Sam-4821 (team leads)."""

    which: str


@dataclass(frozen=True)
class CloseTap:
    case_id: int
    reason: str


@dataclass(frozen=True)
class HandoverTap:
    case_id: int
    colleague_id: int | None  # None: data that names nobody


@dataclass(frozen=True)
class AcceptTap:
    case_id: int


@dataclass(frozen=True)
class DeclineTap:
    case_id: int


@dataclass(frozen=True)
class Write:
    """A text, an edit or media: for the youngster of a case."""


@dataclass(frozen=True)
class Help:
    """Anything else: what the bot can do for staff."""


@dataclass(frozen=True)
class Unknown:
    """Button data Klik never sends (forged, or from an older version)."""


@dataclass(frozen=True)
class Propose:
    """/afspraak with what followed it (flows/appointments/propose.py reads it)."""

    argument: str


@dataclass(frozen=True)
class AppointmentButton:
    """A tap on an appointment's button: `apt:...` (flows/appointments/taps.py reads it)."""

    data: str


@dataclass(frozen=True)
class OpenTap:
    which: str


@dataclass(frozen=True)
class Dashboard:
    """/dashboard: a one-time link to sign in on the web dashboard."""


Action = (
    Claim
    | Open
    | OpenTap
    | Queue
    | Command
    | Block
    | Unblock
    | CloseTap
    | HandoverTap
    | AcceptTap
    | DeclineTap
    | Write
    | Help
    | Unknown
    | Propose
    | AppointmentButton
    | Dashboard
)


def read(event: Inbound, words: CommandWords) -> Action:
    """What a linked coach's or team lead's event asks for."""
    if event.kind == "choice":
        return _tap(event.choice)
    if event.kind == "command":
        action = words.action(event.command)
        if action == "queue":
            return Queue()
        if action == "open":
            return Open(event.argument.strip().lower())
        if action == "appointment":
            return Propose(event.argument)
        if action == "dashboard":
            return Dashboard()
        if action in ("pause", "close", "handover"):
            return Command(action)
        if action == "block":
            return Block(event.argument)
        if action == "unblock":
            return Unblock(event.argument.strip())
        return Help()
    if event.kind in ("text", "media", "edited"):
        return Write()
    return Help()


def _tap(data: str) -> Action:
    head, _, rest = data.partition(":")
    if head == "open":
        return OpenTap(rest)
    if head == "apt":
        return AppointmentButton(data)
    if head in ("close", "handover", "accept", "decline"):
        parts = rest.split(":")
        if not parts[0].isdigit() or len(parts[0]) > 12:
            return Unknown()
        case_id = int(parts[0])
        if head == "accept":
            return AcceptTap(case_id)
        if head == "decline":
            return DeclineTap(case_id)
        if len(parts) != 2:
            return Unknown()
        if head == "close":
            return CloseTap(case_id, parts[1])
        colleague = int(parts[1]) if parts[1].isdigit() and len(parts[1]) < 12 else None
        return HandoverTap(case_id, colleague)
    target = claim_target(data)
    return Unknown() if target is None else Claim(target)
