"""One person cannot hold up the service: a flood limit per youngster.

Up to `limit` typed messages a minute are handled as always. Above it, every message is
still read (a crisis is always found, answered and alerted) and kept for the coach, but the
youngster gets one kind "even rustig aan" and then quiet, and the coach gets one notice instead
of a ping per message; the kept messages go to the coach together, in one message, as soon as
the youngster writes in a calmer minute (or the release job finds the minute over).

The count is a fixed one-minute window kept on the youngster's own row (locked while their
event is handled), so it holds across workers and costs no extra query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flows.messages import Outbound

WINDOW = timedelta(minutes=1)
# What somebody types or sends; a tap answers one of Klik's own questions, one per keyboard.
COUNTED = frozenset({"start", "text", "command", "media", "edited"})


@dataclass(frozen=True)
class Window:
    """The minute being counted for one youngster, and the messages held since the flood
    began (kept for the coach, not yet passed on)."""

    since: datetime | None = None
    count: int = 0
    held: int = 0


@dataclass(frozen=True)
class Flood:
    """What the limit says about one event."""

    window: Window  # to keep
    over: bool = False  # above the limit: replies hushed, the message held for the coach
    first: bool = False  # the first held message of this flood: the one kind word and notice
    release: bool = False  # messages held earlier go to the coach now, before this one


def counted(
    window: Window, *, kind: str, now: datetime, limit: int, crisis: bool, continued: bool = False
) -> Flood:
    """Count one event against the limit. A crisis message is never held or hushed.
    `continued`: a later part of one long text (Inbound.continued) is not counted again: a
    60 KB paste is 15 to 30 parts, which would make a flood by itself and get the youngster
    a "slow down" for sending one message. It still shares its first part's fate: held when
    that was held (in order, told once), passed on when that was."""
    if kind not in COUNTED:
        return Flood(window)
    fresh = window.since is None or now - window.since >= WINDOW
    since = now if fresh or window.since is None else window.since
    count = (0 if fresh else window.count) + (0 if continued else 1)
    # A command is always answered: /stop and erasing must work in any flood, and a reply to
    # a command goes to the youngster's own chat only, pinging no coach.
    over = count > limit
    if over and not crisis and kind != "command":
        held = window.held + 1
        return Flood(Window(since, count, held), over=True, first=window.held == 0)
    # Held messages go to the coach in a calmer minute: a command or a crisis in the flood
    # does not end it (that would ping the coach and say "slow down" again each time).
    if crisis or window.held == 0 or over:
        return Flood(Window(since, count, window.held))
    return Flood(Window(since, count, 0), release=True)


def calm_again(window: Window, now: datetime) -> bool:
    """Messages were held and the minute they were held in is over: pass them on."""
    return window.held > 0 and window.since is not None and now - window.since >= WINDOW


def hushed(outbound: list[Outbound], flood: Flood, *, kept: bool) -> list[Outbound]:
    """The replies to an event above the limit: the kind word once, then nothing. `kept`:
    the youngster's words are kept for a coach (after consent); before, nothing is."""
    if not flood.over:
        return outbound
    if not flood.first:
        return []
    return [Outbound("flood.slow_down" if kept else "flood.slow_down_early")]


def counted_early(
    kind: str, count: int, *, limit: int, crisis: bool, continued: bool = False
) -> Flood:
    """Before consent nothing is kept, so the count is this process's (`count`: this event
    included, or for a `continued` part its first part's); above the limit the replies are
    hushed the same way, and a command is answered the same way too: /mijngegevens, /stop or
    /help in a flood is never silently lost."""
    if kind not in COUNTED:
        return Flood(Window())
    over = count > limit and not crisis and kind != "command"
    return Flood(Window(), over=over, first=over and count == limit + 1 and not continued)
