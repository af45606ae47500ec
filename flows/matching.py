"""The coach queue's helpers: the order of waiting cases and coach suggestions for one case.

Coaches choose whom they pick up (the matchteam model); this module only orders and suggests.
Both functions are pure: no clock, no storage. A suggestion explains itself as text keys with
parameters (`Ref`), so the coach reads the reasons in their own language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flows.messages import Param, Ref

# -- weights --------------------------------------------------------------------------------
# A suggestion's score is the sum of the bonuses below. Only differences between coaches for
# the same case matter; the numbers are meant to be read and argued about by a team lead.

# Check-in answers 1..3 are needs; the lower the answer, the more a coach's focus on that
# domain counts. Answers 4 and 5 ("goed", "heel goed") ask nothing of the coach.
NEED_WEIGHT: Mapping[int, float] = {1: 3.0, 2: 2.0, 3: 1.0}
# Talking in your own language comes before any other wish: without it there is no coaching.
LANGUAGE = 2.0
# An explicit wish about the coach is worth honouring, but a good domain fit weighs more.
GENDER = 1.5
# Meeting in person is easier nearby; for chat it hardly matters, so it stays a small bonus.
REGION = 1.0
# The youngster's way of contact (chat, call, video, meet) can be switched later: small bonus.
MODE = 1.0
# Spread the work (principle 8, "behapbaar"): an empty caseload earns this much, a half-full
# one half of it. A share, not a count, so a part-timer with few places is not always last.
FREE_SHARE = 0.5

NO_PREFERENCE = "any"
MAX_DOMAINS_NAMED = 3  # a reason line stays short; the score still counts every covered need


@dataclass(frozen=True)
class WaitingCase:
    """A youngster waiting in the queue, as matching needs to know them."""

    case_id: int
    urgent: bool
    queued_at: datetime
    deadline: datetime  # the promise: a coach answers before this moment
    language: str  # the language the youngster talks to the bot in ("nl"/"en")
    checkins: Mapping[str, int]  # domain -> 1..5, only answered domains, in questionnaire order
    coach_gender: str | None = None  # "woman" | "man" | "any" | None
    coach_language: str | None = None  # "nl" | "en" | "any" | None
    contact_mode: str | None = None  # "chat" | "call" | "video" | "meet" | None
    region: str | None = None  # two-digit postcode area, e.g. "90"
    priority: bool = False  # asked for another coach: before the others, after urgent cases


@dataclass(frozen=True)
class CoachProfile:
    """A coach as matching sees them; the caller decides `available` (hours, leave, active)."""

    coach_id: int
    name: str
    languages: tuple[str, ...]
    focus: tuple[str, ...]  # domains the coach likes to work on
    capacity: int
    active_cases: int
    available: bool
    gender: str | None = None
    regions: tuple[str, ...] = ()  # two-digit postcode areas
    modes: tuple[str, ...] = ("chat",)


@dataclass(frozen=True)
class Suggestion:
    """A coach suggested for a case, with the reasons in words (as text keys)."""

    coach_id: int
    score: float
    reasons: tuple[Ref, ...]


def queue_order(cases: Sequence[WaitingCase]) -> list[WaitingCase]:
    """Urgent first, then those asking for another coach, then the nearest promise, then the
    longest waiting, then case id."""
    return sorted(
        cases, key=lambda c: (not c.urgent, not c.priority, c.deadline, c.queued_at, c.case_id)
    )


def suggest(
    case: WaitingCase, coaches: Sequence[CoachProfile], *, limit: int = 3
) -> list[Suggestion]:
    """The best coaches for one case, best first, at most `limit`."""
    if limit < 1:
        return []
    candidates = [c for c in coaches if c.available and c.active_cases < c.capacity]
    language = _wanted_language(case)
    if _chosen_language(case) is not None:
        speakers = [c for c in candidates if language in c.languages]
        if speakers:
            candidates = speakers
        else:
            # Nobody free speaks the chosen language: better any coach than no answer at all.
            language = None
    scored = [(_suggestion(case, coach, language), coach) for coach in candidates]
    scored.sort(key=lambda pair: (-pair[0].score, -_free(pair[1]), pair[1].coach_id))
    return [suggestion for suggestion, _ in scored[:limit]]


def needs(case: WaitingCase) -> list[str]:
    """The domains the youngster needs help with, the lowest check-in first.

    Equal answers keep the order of `checkins` (the questionnaire's order).
    """
    low = [(value, domain) for domain, value in case.checkins.items() if value in NEED_WEIGHT]
    return [domain for _, domain in sorted(low, key=lambda pair: pair[0])]


def _chosen_language(case: WaitingCase) -> str | None:
    """The language the youngster explicitly asked the coach to speak, if any."""
    if case.coach_language in (None, NO_PREFERENCE):
        return None
    return case.coach_language


def _wanted_language(case: WaitingCase) -> str | None:
    """The language a coach should speak: the chosen one, else the youngster's chat language.

    "any" means the youngster said it does not matter, so no language is preferred then.
    """
    if case.coach_language is None:
        return case.language
    return _chosen_language(case)


def _suggestion(case: WaitingCase, coach: CoachProfile, language: str | None) -> Suggestion:
    score = 0.0
    reasons: list[Ref] = []
    if language is not None and language in coach.languages:
        score += LANGUAGE
        reasons.append(Ref("match.speaks", {"language": Ref(f"match.language.{language}")}))
    covered = [domain for domain in needs(case) if domain in coach.focus]
    if covered:
        score += sum(NEED_WEIGHT[case.checkins[domain]] for domain in covered)
        reasons.append(Ref("match.focus", {"domains": _domains(covered[:MAX_DOMAINS_NAMED])}))
    if case.coach_gender not in (None, NO_PREFERENCE) and case.coach_gender == coach.gender:
        score += GENDER
        reasons.append(Ref(f"match.gender.{case.coach_gender}"))
    if case.region is not None and case.region in coach.regions:
        score += REGION
        reasons.append(Ref("match.region", {"area": case.region}))
    if case.contact_mode is not None and case.contact_mode in coach.modes:
        score += MODE
        reasons.append(Ref(f"match.mode.{case.contact_mode}"))
    # Added last, so coaches with equal bonuses and equal shares get exactly equal scores.
    score += FREE_SHARE * _free(coach) / coach.capacity
    reasons.append(Ref("match.places", {"used": coach.active_cases, "capacity": coach.capacity}))
    return Suggestion(coach.coach_id, score, tuple(reasons))


def _domains(domains: list[str]) -> Ref:
    """One domain label, or "a and b" / "a, b and c" built from the questionnaire's labels."""
    labels = [Ref(f"q.{domain}.topic") for domain in domains]
    if len(labels) == 1:
        return labels[0]
    params: dict[str, Param] = dict(zip("abc", labels, strict=False))
    return Ref(f"match.domains.{len(labels)}", params)


def _free(coach: CoachProfile) -> int:
    return coach.capacity - coach.active_cases
