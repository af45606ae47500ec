"""How fast a channel takes messages: at most so many a second for the whole bot, and a gap
between two messages to one chat (Telegram: 30 a second, one a second per chat, 20 a minute
per group). The sender asks before every message; sending within the limits means Telegram
never has to refuse with "Too Many Requests", which would cost that chat seconds.

Pure bookkeeping with the time passed in, so tests drive it with an injected clock."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

SECOND = timedelta(seconds=1)


def _never_a_group(address: str) -> bool:
    return False


@dataclass(frozen=True)
class Limits:
    """A channel's limits. `per_second` counts every message in any window of one second."""

    per_second: int
    chat_gap: timedelta = SECOND  # between two messages to one chat
    group_gap: timedelta = SECOND  # between two messages to one group chat
    is_group: Callable[[str], bool] = field(default=_never_a_group)
    # Added to every gap and to the second: a message reaches the channel a few milliseconds
    # after it leaves, not always as many, and one that arrives early is refused.
    margin: timedelta = timedelta(0)

    @property
    def window(self) -> timedelta:
        return SECOND + self.margin

    def gap(self, address: str) -> timedelta:
        return (self.group_gap if self.is_group(address) else self.chat_gap) + self.margin


class Pacer:
    """Remembers what was sent lately and says when the next message may go."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._recent: list[datetime] = []  # send times within the last second, oldest first
        self._free: dict[str, datetime] = {}  # address -> when it may get its next message

    def free_at(self, address: str, now: datetime) -> datetime:
        """The first moment a message to `address` may be sent (`now` when it may go now)."""
        return max(self.next_slot(now), self._free.get(address, now))

    def next_slot(self, now: datetime) -> datetime:
        """The first moment any message may be sent."""
        self._forget(now)
        if len(self._recent) < self.limits.per_second:
            return now
        return self._recent[0] + self.limits.window

    def take(self, address: str, now: datetime) -> None:
        """A message to `address` goes now."""
        bisect.insort(self._recent, now)
        self._free[address] = now + self.limits.gap(address)

    def went(self, address: str, taken: datetime, now: datetime) -> None:
        """The message to `address` given its slot at `taken` really left only `now` (the
        process was busy in between): count from then, or the next ones arrive too early."""
        index = bisect.bisect_left(self._recent, taken)
        if index < len(self._recent) and self._recent[index] == taken:
            del self._recent[index]
        bisect.insort(self._recent, now)
        self._free[address] = now + self.limits.gap(address)

    def busy(self, now: datetime) -> list[str]:
        """The addresses that may not get a message yet. Never long: with 30 a second and a
        gap of a second, at most 30 (90 for groups at 20 a minute)."""
        self._forget(now)
        return list(self._free)

    def soonest_free(self, now: datetime) -> datetime | None:
        """When the first busy address may get a message again; None when none is busy."""
        self._forget(now)
        return min(self._free.values(), default=None)

    def _forget(self, now: datetime) -> None:
        start = bisect.bisect_right(self._recent, now - self.limits.window)
        if start:
            del self._recent[:start]
        if self._free:
            for address in [a for a, free in self._free.items() if free <= now]:
                del self._free[address]
