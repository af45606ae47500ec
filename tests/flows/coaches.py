"""A coach as matching sees them, built for tests of the queue and the guard."""

from __future__ import annotations

from flows.matching import CoachProfile


def coach(coach_id: int, *, available: bool = True, active: int = 0) -> CoachProfile:
    return CoachProfile(
        coach_id=coach_id,
        name=f"C{coach_id}",
        languages=("nl",),
        focus=("money",),
        capacity=4,
        active_cases=active,
        available=available,
    )
