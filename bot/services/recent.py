"""Counts of what each chat did lately, kept in this process only: for limits on something
that is not stored (a chat before consent, a chat guessing invite codes), so no chat id is
written anywhere for them. Several workers each count their own share; what must hold across
workers is counted in the database instead."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta


class RecentCounts:
    """How many times each key did something within the last `window`."""

    def __init__(self, window: timedelta, *, most_keys: int = 10_000) -> None:
        self.window = window
        self.most_keys = most_keys  # memory stays bounded whoever writes
        self._seen: dict[str, deque[datetime]] = {}

    def count(self, key: str, now: datetime) -> int:
        """How many times `key` did it within the window before `now`."""
        times = self._seen.get(key)
        if times is None:
            return 0
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._seen[key]
            return 0
        return len(times)

    def add(self, key: str, now: datetime) -> int:
        """Count one more for `key`; how many within the window, this one included."""
        if key not in self._seen and len(self._seen) >= self.most_keys:
            self._forget_old(now)
        before = self.count(key, now)
        self._seen.setdefault(key, deque()).append(now)
        return before + 1

    def _forget_old(self, now: datetime) -> None:
        for key in list(self._seen):
            self.count(key, now)
        if len(self._seen) >= self.most_keys:  # all recent: drop the quietest longest ago
            oldest = sorted(self._seen, key=lambda k: self._seen[k][-1])
            for key in oldest[: len(oldest) // 2]:
                del self._seen[key]


class RecentValues:
    """One value per key, forgotten after `window`: for what a chat before consent was asked
    (ConversationService), so nothing about that chat is written anywhere. Several workers
    each remember their own share; a message that reaches another one is read as if nothing
    had been asked, as before."""

    def __init__(self, window: timedelta, *, most_keys: int = 10_000) -> None:
        self.window = window
        self.most_keys = most_keys
        self._values: dict[str, tuple[str, datetime]] = {}

    def get(self, key: str, now: datetime) -> str | None:
        """The value kept for `key`, unless it is older than the window."""
        kept = self._values.get(key)
        if kept is None or now - kept[1] >= self.window:
            return None
        return kept[0]

    def put(self, key: str, value: str | None, now: datetime) -> None:
        """Keep `value` for `key` from `now`; None forgets the key."""
        self._values.pop(key, None)
        if value is None:
            return
        if len(self._values) >= self.most_keys:  # the oldest first: dicts keep insertion order
            del self._values[next(iter(self._values))]
        self._values[key] = (value, now)
