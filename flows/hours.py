"""Service hours: when coaches are around, when they are back, and how much open time lies
ahead. Pure functions of the local time they are given."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(r"^(\w{3})(?:-(\w{3}))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Opening:
    """One weekday's opening: from `start` up to (not including) `end`, local time."""

    weekday: int  # Monday is 0
    start: time
    end: time


@dataclass(frozen=True)
class ServiceHours:
    """The weekly opening hours of the coaches, in the service's time zone."""

    openings: tuple[Opening, ...]

    @property
    def always_open(self) -> bool:
        """Whether coaches are around day and night, every day ("mon-sun 00:00-24:00")."""
        for weekday in range(7):
            reach = time(0)
            for opening in sorted(
                (o for o in self.openings if o.weekday == weekday), key=lambda o: o.start
            ):
                if opening.start > reach:
                    break
                reach = max(reach, opening.end)
            if reach != time.max:
                return False
        return True

    def is_open(self, local: datetime) -> bool:
        """Whether coaches are around at this local time."""
        return any(
            o.weekday == local.weekday() and o.start <= local.time() < o.end for o in self.openings
        )

    def next_opening(self, local: datetime) -> datetime | None:
        """The next local moment coaches are around, or None when there are no hours at all."""
        if self.is_open(local):
            return local
        for days_ahead in range(8):
            day = (local + timedelta(days=days_ahead)).date()
            starts = sorted(
                datetime.combine(day, o.start, tzinfo=local.tzinfo)
                for o in self.openings
                if o.weekday == day.weekday()
            )
            for start in starts:
                if start > local:
                    return start
        return None

    def after_open_time(self, local: datetime, span: timedelta) -> datetime:
        """The moment `span` of open time has passed since `local` (aware, in the service's
        zone); time while closed does not count. Reckoned in UTC, so a change of clock
        (summer time) neither adds nor takes an hour. A span that runs out exactly at closing
        time ends there, not at the next opening."""
        zone = local.tzinfo
        if zone is None or not self.openings:
            raise ValueError("needs an aware local time and at least one opening")
        begin, left, day = local.astimezone(UTC), span, local.date()
        while True:
            for start, end in self.stretches(day, zone):
                start = max(start, begin)
                if end <= start:
                    continue
                if end - start >= left:
                    return (start + left).astimezone(zone)
                left -= end - start
            day += timedelta(days=1)

    def open_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much open time lies between two aware moments; zero when `end` is not later.
        `start` is in the service's zone; reckoned in UTC, as `after_open_time` is."""
        zone = start.tzinfo
        if zone is None or end.tzinfo is None:
            raise ValueError("needs aware times")
        begin, finish = start.astimezone(UTC), end.astimezone(UTC)
        total, day = timedelta(0), start.date()
        while datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC) < finish:
            for stretch_start, stretch_end in self.stretches(day, zone):
                overlap = min(stretch_end, finish) - max(stretch_start, begin)
                total += max(overlap, timedelta(0))
            day += timedelta(days=1)
        return total

    def stretches(self, day: date, zone: tzinfo) -> list[tuple[datetime, datetime]]:
        """The day's openings as UTC stretches, in order, overlapping ones merged so no open
        hour counts twice ("mon-fri 09:00-17:00, mon 12:00-20:00")."""
        stretches: list[tuple[datetime, datetime]] = []
        for opening in sorted(
            (o for o in self.openings if o.weekday == day.weekday()), key=lambda o: o.start
        ):
            start = datetime.combine(day, opening.start, tzinfo=zone).astimezone(UTC)
            # "24:00" is kept as the day's last moment; as a stretch it ends at midnight.
            if opening.end == time.max:
                end_local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
            else:
                end_local = datetime.combine(day, opening.end, tzinfo=zone)
            end = end_local.astimezone(UTC)
            if stretches and start <= stretches[-1][1]:
                stretches[-1] = (stretches[-1][0], max(stretches[-1][1], end))
            else:
                stretches.append((start, end))
        return stretches


class OpenClock:
    """Open time counted once for a run of days, so that many waits are each two look-ups
    (the statistics measure thousands): the open stretches of every day from `first` to
    `last` (local dates in `zone`), with the open time before each. A moment outside those
    days is counted as far as the days reach; the caller covers every wait it measures."""

    def __init__(self, hours: ServiceHours, zone: tzinfo, first: date, last: date) -> None:
        self.starts: list[datetime] = []
        self.ends: list[datetime] = []
        self.before: list[timedelta] = []  # open time of all stretches before this one
        total, day = timedelta(0), first
        while day <= last:
            for start, end in hours.stretches(day, zone):
                self.starts.append(start)
                self.ends.append(end)
                self.before.append(total)
                total += end - start
            day += timedelta(days=1)

    def _until(self, moment: datetime) -> timedelta:
        """Open time from the first day's start up to `moment`."""
        at = bisect_right(self.starts, moment) - 1
        if at < 0:
            return timedelta(0)
        return self.before[at] + min(moment, self.ends[at]) - self.starts[at]

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The same as `ServiceHours.open_time_between`, for moments within the days."""
        counted = self._until(end.astimezone(UTC)) - self._until(start.astimezone(UTC))
        return max(counted, timedelta(0))


def parse_service_hours(spec: str) -> ServiceHours:
    """Read hours like "mon-fri 09:00-21:00, sat 12:00-17:00"; raise ValueError on nonsense."""
    openings: list[Opening] = []
    for part in (p.strip().lower() for p in spec.split(",")):
        match = _PART.match(part)
        if not match:
            raise ValueError(f"'{part}' is not like 'mon-fri 09:00-17:00'")
        first, last, h1, m1, h2, m2 = match.groups()
        if first not in DAYS or (last or first) not in DAYS:
            raise ValueError(f"'{part}': days are {', '.join(DAYS)}")
        try:
            start = time(int(h1), int(m1))
            # "24:00" closes at midnight: the day's last moment, so a whole day can be written.
            end = time.max if (h2, m2) == ("24", "00") else time(int(h2), int(m2))
        except ValueError as error:
            raise ValueError(f"'{part}': {error}") from None
        if end <= start:
            raise ValueError(f"'{part}': the end must come after the start")
        a, b = DAYS.index(first), DAYS.index(last or first)
        days = range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)]
        openings.extend(Opening(day, start, end) for day in days)
    if not openings:
        raise ValueError("no opening hours given")
    return ServiceHours(tuple(openings))
