"""The anonymous facts the statistics are made of, as storage hands them over: events by
journey key (never a youngster), case times, category counts. No names, no ids of people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Period:
    """From `start` up to, not including, `end` (aware times)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class JourneyEvent:
    """One statistics event of a journey started in the period."""

    journey: str
    kind: str
    step: str | None
    value: str | None
    hour: datetime


@dataclass(frozen=True)
class CaseTimes:
    """When a case queued in the period was claimed and first and last written to by a coach."""

    queued_at: datetime
    claimed_at: datetime | None
    first_reply_at: datetime | None
    last_reply_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class Journey:
    """One journey that started in the period, as the stages its events show it reached."""

    consented: bool
    finished: bool  # through the last question, or "talk now"
    queued: bool
    claims: int  # a second claim is a change of coach (after /andere_coach or a coach left)
    first_message: bool  # a coach wrote to them
    handovers: int  # accepted warm hand-overs
    furthest: int  # place of the furthest question answered or skipped (-1: none), age first
